/*
 * Upgrading a stack from the last release: a checkout of that release (the
 * commit PREVIOUS_RELEASE, built in a git worktree) deploys the two org
 * stacks on a real node; then the same stacks run this checkout's program.
 * The plan creates only each server's new ServiceAccount (which the running
 * server takes with its next release) and the approving stack's smoke check,
 * and replaces only the TLS Secrets: they are named by their contents now
 * (a renewal must never replace a Secret under the same name, which takes
 * the Deployment with it), so each running server rolls once onto its new
 * Secret, drained, under continuous traffic with 0 failed calls. No Fabric
 * transaction of the stacks' own is sent, and the chaincode answers.
 */
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import { promisify } from "node:util";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { evaluate } from "../../components/fabric";
import { clientEndpoint } from "../../testenv/network";
import { LoadLoop } from "./support/load";
import { parseEventStream, parsePreview } from "./support/engine-events";
import { chaincodePods, NAMESPACE_ORG2 } from "./support/full-stack";
import { type NodePlatform, nodeSuiteSkip, startNodePlatform } from "./support/node-platform";
import { createOrgStack } from "../../testenv/pulumi/org-stack";
import { PulumiWorkspace, REPO_ROOT, requireSuccess, type PulumiStack } from "../../testenv/pulumi/workspace";
import { printLogsOnFailure } from "../support/failure-logs";

const execFileAsync = promisify(execFile);

/** The last release: the tree as issue 10 left it, before the library and the many-chaincodes work. */
const PREVIOUS_RELEASE = "410b624";
const UNCHANGING_OPS = new Set(["same", "update"]);
const SECRET = "kubernetes:core/v1:Secret";
/** The TLS Secret's new name (its contents' hash) replaces it: a new one first, the old one deleted at the end. */
const SECRET_RENAME_OPS = new Set(["create-replacement", "replace", "delete-replaced"]);
/**
 * A StackReference is read on every run. New since that release: a server's ServiceAccount (nothing running uses it
 * yet) and the approving stack's smoke check (it evaluates through the org's peer: no transaction).
 */
const NEW_SINCE_RELEASE = new Set([
    "kubernetes:core/v1:ServiceAccount",
    "pulumi-nodejs:dynamic/fabric:ChaincodeSmokeCheck",
]);
const unchanging = (step: { op: string; type: string }) =>
    UNCHANGING_OPS.has(step.op) ||
    (step.op === "read" && step.type === "pulumi:pulumi:StackReference") ||
    (step.op === "create" && NEW_SINCE_RELEASE.has(step.type)) ||
    (step.type === SECRET && SECRET_RENAME_OPS.has(step.op));

describe(`upgrading the org stacks from the release ${PREVIOUS_RELEASE} to this checkout (real node)`, {
    skip: nodeSuiteSkip(),
}, () => {
    const log = (line: string) => process.stderr.write(`# ${line}\n`);
    let platform: NodePlatform;
    printLogsOnFailure(() => platform?.failureSources());
    let workspace: PulumiWorkspace;
    let previous: string;
    let org1Stack: PulumiStack;
    let org2Stack: PulumiStack;

    before(async () => {
        previous = mkdtempSync(join(tmpdir(), "previous-release-"));
        rmSync(previous, { recursive: true });
        const git = (args: string[]) =>
            execFileSync("git", args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
        assert.doesNotThrow(
            () => git(["cat-file", "-e", `${PREVIOUS_RELEASE}^{commit}`]),
            `the clone lacks ${PREVIOUS_RELEASE}: a shallow clone? git fetch --unshallow`,
        );
        git(["worktree", "add", "--detach", previous, PREVIOUS_RELEASE]);
        // The release's build and the platform's start overlap: one is npm and tsc, the other mostly waiting.
        const build = (async () => {
            await execFileAsync("npm", ["ci", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"], {
                cwd: previous,
                maxBuffer: 64 * 1024 * 1024,
            });
            await execFileAsync(join(previous, "node_modules", ".bin", "tsc"), ["-p", "."], {
                cwd: previous,
                maxBuffer: 64 * 1024 * 1024,
            });
        })();
        const [built, started] = await Promise.allSettled([build, startNodePlatform(log)]);
        if (started.status === "fulfilled") platform = started.value;
        if (built.status === "rejected") throw built.reason;
        if (started.status === "rejected") throw started.reason;
        const { network, node } = platform;
        const [org1, org2] = network.orgs;
        workspace = PulumiWorkspace.create(log, previous);
        const kubeconfig = node.kubeconfig();
        const cluster = (org: typeof org1) => platform.orgSettings(org.mspId);
        org2Stack = await createOrgStack(workspace, "org2", {
            network,
            org: org2,
            kubeconfig,
            namespace: NAMESPACE_ORG2,
            commit: false,
            cluster: cluster(org2),
        });
        org1Stack = await createOrgStack(workspace, "org1", {
            network,
            org: org1,
            kubeconfig,
            commitOrgs: [org2],
            approvalStacks: [org2Stack.qualifiedName],
            cluster: cluster(org1),
        });
    });

    after(async () => {
        await platform?.stop();
        workspace?.remove();
        if (previous && existsSync(previous))
            execFileSync("git", ["worktree", "remove", "--force", previous], { cwd: REPO_ROOT });
    });

    it("the previous release deploys both org stacks", async () => {
        for (const stack of [org2Stack, org1Stack]) requireSuccess(await stack.run(["up", "--yes", "--skip-preview"]));
        assert.equal((await org1Stack.outputs()).committedSequence, 1);
    });

    it("this checkout's plan for those stacks creates only ServiceAccounts and org2's smoke check and renames only the TLS Secrets; its up rolls each server once under load with 0 failed calls, and the chaincode answers", async () => {
        const { network, node } = platform;
        const [org1] = network.orgs;
        const podsBefore = await chaincodePods(node);
        assert.equal(podsBefore.length, 2, podsBefore.join(", "));
        const load = new LoadLoop({
            call: {
                peer: clientEndpoint(org1.peers[0], org1),
                identity: org1.user,
                channel: network.channel,
                chaincode: "basic",
                timeoutSeconds: 30,
            },
            endorsingOrganizations: ["Org1MSP"],
            prefix: "library-upgrade",
            maxSeconds: 600,
            maxCalls: 20_000,
        });
        // Every lifecycle transaction the stacks made: the same IDs afterwards mean the upgrade sent none.
        const transactionIds = async () =>
            (await Promise.all([org2Stack, org1Stack].map((stack) => stack.resources())))
                .flat()
                .flatMap((resource) => [resource.outputs?.approvalTxId, resource.outputs?.commitTxId])
                .filter((id) => id !== undefined)
                .sort();
        const transactionsBefore = await transactionIds();
        assert.ok(transactionsBefore.length >= 3, `the stacks' approvals and commit: ${transactionsBefore.join(", ")}`);
        workspace.linkProjectTo(REPO_ROOT);
        for (const stack of [org2Stack, org1Stack]) {
            const preview = requireSuccess(await stack.run(["preview", "--json", "--diff"]));
            const planned = parsePreview(preview.stdout).steps.filter((step) => !unchanging(step));
            assert.deepEqual(
                planned.map((step) => `${step.op} ${step.urn}`),
                [],
                `${stack.name}: the upgrade plan`,
            );
            const up = parseEventStream(
                requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"])).stdout,
            );
            const changed = up.steps.filter(
                (step) => step.op !== "same" && !(step.op !== "update" && unchanging(step)),
            );
            assert.ok(
                changed.every((step) => step.op === "update"),
                `${stack.name}: ${changed.map((step) => `${step.op} ${step.urn}`).join(", ")}`,
            );
            log(
                `${stack.name}: the upgrade updated ${changed.map((step) => `${step.urn.split("::").pop()} (${step.diffs.join(", ")})`).join("; ") || "nothing"}`,
            );
        }
        assert.deepEqual(await transactionIds(), transactionsBefore, "the upgrade sent a lifecycle transaction");
        const loaded = await load.stop({ afterMoreCalls: 20 });
        process.stderr.write(
            `${JSON.stringify({ phase: "release-upgrade-under-load", calls: loaded.calls, failedCalls: loaded.failedCalls, loadSeconds: loaded.seconds })}\n`,
        );
        assert.ok(loaded.calls > 20, `the load loop ran only ${loaded.calls} calls`);
        assert.equal(loaded.failedCalls, 0, `calls failed during the upgrade: ${loaded.failures.join("; ")}`);
        const podsAfter = await chaincodePods(node);
        assert.equal(podsAfter.length, 2, podsAfter.join(", "));
        assert.deepEqual(
            podsAfter.filter((pod) => podsBefore.includes(pod)),
            [],
            "each server rolled onto its renamed Secret",
        );
        const assets = await evaluate({
            peer: clientEndpoint(org1.peers[0], org1),
            identity: org1.user,
            channel: network.channel,
            chaincode: "basic",
            fn: "GetAllAssets",
            timeoutSeconds: 30,
        });
        assert.ok(assets.length > 0);
    });
});
