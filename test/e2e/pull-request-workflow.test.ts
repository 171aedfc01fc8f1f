/*
 * The pull-request workflow (.github/workflows/pulumi.yml) under the real
 * Pulumi engine, on a real node with the Fabric network in its pods: each job's command is
 * read from the workflow file and run as pulumi/actions runs it. What a
 * reviewer reads in the PR comment (the preview's text) must say what `up`
 * will do to Fabric and to Kubernetes, and show no secret; the drift check
 * must fail on drift and keep failing until it is repaired; the policy pack
 * must pass the default stack and stop bad ones at preview. The workflow's
 * shape (events, stacks, flags) is the unit tier's (test/unit/workflow.test.ts).
 */
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { FullStack, NAMESPACE_ORG1 } from "./support/full-stack";
import { nodeSuiteSkip } from "./support/node-platform";
import { createOrgStack } from "../../testenv/pulumi/org-stack";
import { plaintextSecretsIn } from "./support/plaintext-secrets";
import {
    type CommandResult,
    describeFailure,
    PulumiWorkspace,
    type PulumiStack,
    REPO_ROOT,
    requireSuccess,
} from "../../testenv/pulumi/workspace";
import { loadWorkflow, pulumiCommandOf, pulumiStepOf, type Workflow } from "../support/workflow";
import { printLogsOnFailure } from "../support/failure-logs";
import { escapeRegExp } from "../support/regexp";

const PACKAGE_ID = /basic_1\.[01]:[0-9a-f]{64}/g;

describe("the pull-request workflow's commands (read from .github/workflows/pulumi.yml) under the real engine, on a real node", {
    skip: nodeSuiteSkip(),
}, () => {
    let full: FullStack;
    printLogsOnFailure(() => full?.failureSources());
    let workflow: Workflow;
    let org1Stack: PulumiStack;
    let org2Stack: PulumiStack;
    const log = (line: string) => process.stderr.write(`# ${line}\n`);

    /** Runs a job's pulumi/actions step on a stack, as the runner would. */
    const runJob = (job: string, stack: PulumiStack): Promise<CommandResult> =>
        stack.run(pulumiCommandOf(pulumiStepOf(workflow, job)));

    /** What the PR comment shows: pulumi/actions posts the command's output. Printed so a reader of the run sees it. */
    function prComment(stackName: string, result: CommandResult): string {
        const comment = result.stdout;
        process.stderr.write(
            `# ---- PR comment: preview on ${stackName} ----\n${comment.replace(/^/gm, "# | ")}\n# ---- end of PR comment ----\n`,
        );
        assert.deepEqual(
            plaintextSecretsIn(result.stdout + result.stderr, full.secretValues()),
            [],
            "the PR comment shows a secret",
        );
        return comment;
    }

    /**
     * The engine lists the packs it ran: `--diff` output as a "Policy Packs run:"
     * table, the plain output as "Policies: ✅ <pack>". A violation prints
     * `<pack>@v<version> [mandatory]  <rule>` either way.
     */
    function assertPackPassed(text: string): void {
        assert.match(
            text,
            /Policy Packs run:\s+Name\s+Version\s+fabric-ccaas\|local\|\S+\s+0\.1\.0|Policies:\s+✅ fabric-ccaas@v0\.1\.0 \(local: /,
            "the policy pack did not run",
        );
        assert.doesNotMatch(
            text,
            /fabric-ccaas@v0\.1\.0 \[(mandatory|advisory)\]|❌/,
            "the default stack must pass every rule of the pack",
        );
    }

    /** The preview job on org1's stack, as a PR runs it: it succeeds, sends no Fabric transaction and passes the pack; its comment is checked for secrets. */
    async function previewJob(label: string): Promise<{ preview: CommandResult; comment: string }> {
        const heightBefore = await full.height();
        const preview = await runJob("preview", org1Stack);
        assert.equal(preview.code, 0, describeFailure(preview));
        assert.equal(await full.height(), heightBefore, "the preview sent a Fabric transaction");
        const comment = prComment(label, preview);
        assertPackPassed(comment);
        return { preview, comment };
    }

    before(async () => {
        workflow = loadWorkflow();
        full = await FullStack.start(log);
        ({ org1Stack, org2Stack } = full);
    });

    after(async () => {
        await full?.stop();
    });

    it("1. merged: the up job's command (policy pack on) deploys org2's stack; a PR's preview of org1's first deploy names sequence 1, the approving org, the Deployment and the client certificate it creates (so the package ID comes at up); no transaction, no secret", async () => {
        const org2Up = await runJob("up", org2Stack);
        assert.equal(org2Up.code, 0, describeFailure(org2Up));
        assertPackPassed(org2Up.stdout);

        const { preview, comment } = await previewJob("org1");
        assert.match(comment, /sequence 1: the first definition of basic on mychannel/);
        assert.match(
            comment,
            /\+ .*ChaincodeApproval[^\n]*\n(?:[^\n]*\n)*?\s+mspId\s*: "Org1MSP"/,
            "the comment names the approving org",
        );
        assert.match(
            comment,
            /\+ kubernetes:apps\/v1:Deployment[^\n]*create/,
            "the comment names the Deployment it creates",
        );
        assert.match(comment, /adminKeyPem\s*: \[secret\]/, "a key input shows as [secret]");
        // A first release's package holds the client certificate this up issues, so its ID comes with that certificate.
        assert.match(
            comment,
            /\+ tls:index\/privateKey:PrivateKey: \(create\)\n\s+\[urn=[^\n]*-tls-client-key\]/,
            "the comment shows the client key the package will hold",
        );
        assert.match(comment, /packageId\s*: \[unknown\]/);
        assert.match(
            preview.stderr,
            /its package holds a client certificate issued for this release, so its package ID is known once that certificate exists/,
        );

        const org1Up = await runJob("up", org1Stack);
        assert.equal(org1Up.code, 0, describeFailure(org1Up));
        assert.equal((await org1Stack.outputs()).committedSequence, 1);

        // Until the check job, org2's smoke check waits for the commit, and the drift check says so; after it, org2 is clean.
        const pendingDrift = await runJob("drift", org2Stack);
        assert.notEqual(pendingDrift.code, 0, "org2's pending smoke check went unnoticed");
        assert.match(
            pendingDrift.stdout,
            /ChaincodeSmokeCheck: \(update\)\n(?:\s+\[id=[^\n]*\]\n)?\s+\[urn=[^\n]*::basic-smoke\]/,
            pendingDrift.stdout,
        );
        const checked = await runJob("check", org2Stack);
        assert.equal(checked.code, 0, describeFailure(checked));
        const smoke = (await org2Stack.resources()).find((r) => r.urn.endsWith("::basic-smoke"))?.outputs;
        assert.equal(smoke?.pending, undefined, "the check job ran org2's smoke check");
        const cleanDrift = await runJob("drift", org2Stack);
        assert.equal(cleanDrift.code, 0, describeFailure(cleanDrift));
    });

    it("2. the scheduled drift check passes when nothing drifted, fails naming a Deployment deleted out of band (and again on the next run: it writes nothing), and passes once up repaired it", async () => {
        const clean = await runJob("drift", org1Stack);
        assert.equal(clean.code, 0, describeFailure(clean));

        const release = String((await org1Stack.outputs()).releaseKey);
        await full.node.kubectl(["delete", "deployment", "-n", NAMESPACE_ORG1, `basic-${release}`, "--wait=true"]);
        for (let run = 1; run <= 2; run++) {
            const drifted = await runJob("drift", org1Stack);
            assert.notEqual(drifted.code, 0, `drift run ${run} passed with the Deployment deleted`);
            assert.match(
                drifted.stdout,
                new RegExp(
                    `\\+ kubernetes:apps/v1:Deployment: \\(create\\)\\n\\s+\\[urn=[^\\n]*::basic-${release}-server-deployment\\]`,
                ),
                `run ${run}:\n${drifted.stdout}`,
            );
            assert.match(drifted.stdout + drifted.stderr, /no changes were expected/i);
        }
        requireSuccess(await runJob("up", org1Stack));
        const repaired = await runJob("drift", org1Stack);
        assert.equal(repaired.code, 0, describeFailure(repaired));
    });

    it("3. an upgrade PR: the comment plans sequence 1 → 2 and says why, names the new package ID and the new Deployment, and leaves the live one alone; no transaction; the upgrade then installs and commits exactly that package", async () => {
        await org1Stack.setConfig("chaincodeVersion", "1.1");
        const release = String((await org1Stack.outputs()).releaseKey);
        const { comment } = await previewJob("org1 (upgrade to 1.1)");
        assert.match(comment, /sequence 1 → 2: version \(\\?"1\.0\\?" vs \\?"1\.1\\?"\) \(committed vs declared\)/);
        const newIds = [...new Set(comment.match(PACKAGE_ID) ?? [])].filter((id) => id.startsWith("basic_1.1:"));
        assert.equal(newIds.length, 1, `the comment names the new package: ${newIds.join(", ")}`);
        assert.match(
            comment,
            new RegExp(`packageId\\s*: "basic_1\\.0:[0-9a-f]{64}" => "${newIds[0]}"`),
            "the install's change from the live package to the new one",
        );
        assert.doesNotMatch(
            comment,
            /client certificate issued for this release/,
            "the same client generation carries the live certificate on",
        );
        const deploymentLines = comment.split("\n").filter((line) => /kubernetes:apps\/v1:Deployment/.test(line));
        assert.ok(
            deploymentLines.some((line) => /^\s*\+ /.test(line) && !line.includes(`basic-${release}-`)),
            `no new Deployment: ${deploymentLines.join(" | ")}`,
        );
        assert.ok(
            !deploymentLines.some((line) => line.includes(`basic-${release}-`)),
            `the live Deployment is touched: ${deploymentLines.join(" | ")}`,
        );

        // Merged: org2 approves its own 1.1 package, then org1's up installs and commits the one the comment named.
        await org2Stack.setConfig("chaincodeVersion", "1.1");
        requireSuccess(await runJob("up", org2Stack));
        const org1Up = await runJob("up", org1Stack);
        assert.equal(org1Up.code, 0, describeFailure(org1Up));
        const outputs = await org1Stack.outputs();
        assert.equal(outputs.committedSequence, 2);
        assert.equal(outputs.packageId, newIds[0], "up installed and committed the package the PR comment named");
    });

    it("4. the policy pack stops a bad stack at preview: unpinned image, no TLS, no NetworkPolicy, a one-org endorsement policy, a key in the environment; each rule names its resource", async () => {
        const bad = await createOrgStack(full.workspace, "bad", {
            network: full.network,
            org: full.org1,
            kubeconfig: full.node.kubeconfig(),
            namespace: "hlf-bad",
            cluster: full.platform.orgSettings(full.org1.mspId),
        });
        requireSuccess(await bad.run(["config", "rm", "imageDigest"]));
        await bad.setConfig("tls", "false");
        // A peer selector would be refused beside networkPolicy: false (a selector for a policy that is not made).
        requireSuccess(await bad.run(["config", "rm", "peerNamespaceSelector"]));
        await bad.setConfig("networkPolicy", "false");
        await bad.setConfig("endorsementPolicy", "OR('Org1MSP.peer')");
        const strayKey = generateKeyPairSync("ec", { namedCurve: "P-256" })
            .privateKey.export({ format: "pem", type: "pkcs8" })
            .toString();
        await bad.setConfig("env[0]", `STRAY_KEY=${strayKey}`, { path: true });
        const heightBefore = await full.height();
        const preview = await runJob("preview", bad);
        assert.notEqual(preview.code, 0, "the policy pack let a bad stack through");
        assert.equal(await full.height(), heightBefore);
        const text = preview.stdout;
        assert.match(text, /fabric-ccaas@v0\.1\.0 \[mandatory\]/, describeFailure(preview));
        for (const [rule, subject] of [
            [
                "image-pinned-by-digest",
                new RegExp(
                    `runs "${escapeRegExp(full.platform.chaincodeImage.reference)}", which is not pinned by digest`,
                ),
            ],
            ["chaincode-tls", /serves without TLS \(CHAINCODE_TLS_DISABLED=true\)/],
            [
                "chaincode-network-policy",
                /in namespace "hlf-bad" serves a chaincode with no NetworkPolicy selecting its pods/,
            ],
            [
                "endorsement-orgs",
                /endorsement policy "OR\('Org1MSP\.peer'\)" names 1 org\(s\) \(Org1MSP\); expected at least 2/,
            ],
            [
                "no-plaintext-key-material",
                /input spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value holds a PEM private key in plaintext/,
            ],
        ] as const) {
            assert.match(text, new RegExp(`\\[mandatory\\]\\s+${rule}\\b`), `rule ${rule} did not fire:\n${text}`);
            assert.match(text, subject, `rule ${rule}'s message`);
        }
        for (const rule of ["restricted-pod-security", "resource-limits"])
            assert.doesNotMatch(text, new RegExp(`\\]\\s+${rule}\\b`), `the program always sets what ${rule} asks`);
    });

    it("5. the policy pack stops a bare workload another program declares: restricted Pod Security fields and limits missing, named by field", async () => {
        const workspace = PulumiWorkspace.forProject(
            "bare-workload",
            (dir) => {
                writeFileSync(
                    join(dir, "Pulumi.yaml"),
                    "name: bare-workload\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: index.js\n",
                );
                writeFileSync(
                    join(dir, "package.json"),
                    '{"name": "bare-workload", "version": "0.0.0", "private": true}\n',
                );
                writeFileSync(
                    join(dir, "index.js"),
                    [
                        'const k8s = require("@pulumi/kubernetes");',
                        'const pulumi = require("@pulumi/pulumi");',
                        'const provider = new k8s.Provider("cluster", { kubeconfig: new pulumi.Config().requireSecret("kubeconfig") });',
                        'const labels = { app: "bare" };',
                        'new k8s.apps.v1.Deployment("bare", { spec: { selector: { matchLabels: labels }, template: { metadata: { labels },',
                        `    spec: { containers: [{ name: "bare", image: "registry.invalid/bare@sha256:${"0".repeat(64)}" }] } } } }, { provider });`,
                        "",
                    ].join("\n"),
                );
                mkdirSync(join(dir, "node_modules"), { recursive: true });
                for (const pkg of ["@pulumi"])
                    symlinkSync(join(REPO_ROOT, "node_modules", pkg), join(dir, "node_modules", pkg));
            },
            log,
        );
        try {
            const stack = await workspace.initStack("bare");
            await stack.setConfig("kubeconfig", full.node.kubeconfig(), { secret: true });
            const preview = await runJob("preview", stack);
            assert.notEqual(preview.code, 0, "the policy pack let a bare workload through");
            const text = preview.stdout;
            assert.match(text, /\[mandatory\]\s+restricted-pod-security/);
            for (const field of [
                /containers\[0\]\.securityContext\.allowPrivilegeEscalation is null; expected false/,
                /runAsNonRoot \(or the pod's\) is null; expected true/,
                /capabilities\.drop does not include "ALL"/,
                /seccompProfile\.type \(or the pod's\) is null; expected RuntimeDefault or Localhost/,
            ]) {
                assert.match(text, field);
            }
            assert.match(text, /\[mandatory\]\s+resource-limits[\s\S]*container "bare" has no cpu or memory limit/);
            assert.doesNotMatch(text, /\]\s+image-pinned-by-digest/, "a digest-pinned image passes");
        } finally {
            workspace.remove();
        }
    });
});
