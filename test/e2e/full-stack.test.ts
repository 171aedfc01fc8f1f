/*
 * The whole program (Pulumi.yaml, dist/index.js) under the real Pulumi CLI
 * and engine, on a real node (kubelet, containerd, runc, CNI bridge,
 * kube-proxy, CoreDNS, kube-router's NetworkPolicy firewall), with the real
 * Fabric network (two orgs, mutual TLS) whose orderer and peers run in pods
 * there. The chaincode image is built from the sample's Dockerfile and
 * pushed to the node's registry; the pods run it pinned by digest. Two
 * stacks, one per org, joined by a StackReference: org2 installs and
 * approves (commit: false), org1 commits once org2's stack has approved
 * (approvalStacks). The peers dial the chaincode servers by their Service
 * names, through cluster DNS and kube-proxy, admitted by the NetworkPolicy.
 * Each step asserts what the operator would check: outputs, the ledger, the
 * plan, the cluster; every change of the running servers (side by side or
 * rolled in place) runs under continuous traffic with 0 failed calls.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { TLS_CERT_FILE } from "../../components/kubernetes/environment";
import { approveForMyOrg, commitDefinition, evaluate, submit } from "../../components/fabric";
import { clientEndpoint, type FabricNetwork, type Org } from "../../testenv/network";
import {
    changedSteps,
    nameOfUrn,
    parseEventStream,
    parsePreview,
    withoutDebugDiagnostics,
} from "./support/engine-events";
import { FullStack, NAMESPACE_ORG1, NAMESPACE_ORG2 } from "./support/full-stack";
import { nodeSuiteSkip } from "./support/node-platform";
import { LoadLoop, type LoadResult } from "./support/load";
import { reportPhase } from "./support/phases";
import { plaintextSecretsIn } from "./support/plaintext-secrets";
import { describeFailure, REPO_ROOT, requireSuccess, type PulumiStack } from "../../testenv/pulumi/workspace";
import { printLogsOnFailure } from "../support/failure-logs";

/** Calls the load loop keeps making after a switch, through the release that serves then. */
const MORE_CALLS_AFTER_SWITCH = 20;
const NEW_POLICY = "OR('Org1MSP.peer','Org2MSP.peer')";
const OUT_OF_BAND_VERSION = "1.1-out-of-band";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

describe("the program under the real Pulumi engine (real node + real Fabric in its pods, one stack per org)", {
    skip: nodeSuiteSkip(),
}, () => {
    let full: FullStack;
    printLogsOnFailure(() => full?.failureSources());
    let network: FabricNetwork;
    let org1: Org;
    let org2: Org;
    let org1Stack: PulumiStack;
    let org2Stack: PulumiStack;
    let packageIdOrg1: string;
    let packageIdOrg2: string;
    /** Release keys the stacks serve now (the Deployment of a release is basic-<key>). */
    let releaseOrg1: string;
    let releaseOrg2: string;

    const log = (line: string) => process.stderr.write(`# ${line}\n`);
    const userCall = () => full.userCall();
    const height = () => full.height();
    const secretValues = () => full.secretValues();
    const up = (target: PulumiStack, ...extra: string[]) => full.up(target, ...extra);
    const deploymentsIn = (namespace: string) => full.deploymentsIn(namespace);
    const servingPods: FullStack["servingPods"] = (namespace, release, accept) =>
        full.servingPods(namespace, release, accept);
    /** Each org's image now: `<registry>/<repository>:<tag>` and its digest. */
    let image: { reference: string; digest: string };

    async function setImage(stack: PulumiStack, next: { reference: string; digest: string }): Promise<void> {
        await stack.setConfig("image", next.reference);
        await stack.setConfig("imageDigest", next.digest);
    }

    async function deploymentAnnotations(namespace: string, release: string): Promise<Record<string, string>> {
        const deployment = await full.node.getJson<{
            spec: { template: { metadata: { annotations?: Record<string, string> } } };
        }>(["deployment", "-n", namespace, `basic-${release}`]);
        return deployment.spec.template.metadata.annotations ?? {};
    }

    before(async () => {
        full = await FullStack.start(log, { org2InHsm: true });
        ({ network, org1Stack, org2Stack } = full);
        image = full.platform.chaincodeImage;
        [org1, org2] = network.orgs;
    });

    after(async () => {
        await full?.stop();
    });

    it("1. up: org2's stack (its admin key in SoftHSM, signer: hsm) installs and approves, org1's commits (sequence 1) after the smoke check; InitLedger and GetAllAssets work", async () => {
        const org2Up = await up(org2Stack);
        reportPhase("up-approve-only", org2Up.result.seconds, org2Up.stepSeconds);
        const org2Outputs = await org2Stack.outputs();
        assert.equal(org2Outputs.approvedSequence, 1);
        assert.equal(org2Outputs.mspId, "Org2MSP");
        assert.equal(org2Outputs.committedSequence, undefined, "a commit: false stack commits nothing");
        packageIdOrg2 = String(org2Outputs.packageId);
        releaseOrg2 = String(org2Outputs.releaseKey);
        // Org2's installs and approval were signed in the token: its resources hold where the key is, and no key.
        const org2Approval = (await org2Stack.resources()).find((r) => nameOfUrn(r.urn) === "basic-lifecycle-approval");
        assert.equal(org2Approval?.inputs?.adminHsmTokenLabel, full.org2Hsm?.tokenLabel);
        assert.equal(org2Approval?.inputs?.adminKeyPem, undefined);

        const org1Up = await up(org1Stack);
        reportPhase("up", org1Up.result.seconds, org1Up.stepSeconds);
        const outputs = await org1Stack.outputs();
        assert.equal(outputs.committedSequence, 1);
        assert.match(String(outputs.packageId), /^basic_1\.0:[0-9a-f]{64}$/);
        packageIdOrg1 = String(outputs.packageId);
        releaseOrg1 = String(outputs.releaseKey);
        assert.notEqual(packageIdOrg1, packageIdOrg2, "each org's package carries its own chaincode CA");
        assert.ok(
            org1Up.steps.some((step) => nameOfUrn(step.urn) === "basic-smoke" && step.op === "create"),
            "the smoke check ran inside up",
        );

        // org2 only approves: its own smoke check waited for org1's commit, and its next up makes it through org2's peer.
        const smokeOf = async (stack: PulumiStack) =>
            (await stack.resources()).find((r) => nameOfUrn(r.urn) === "basic-smoke")?.outputs;
        assert.equal(
            (await smokeOf(org2Stack))?.pending,
            "basic is approved at sequence 1 and nothing is committed yet (another org's stack commits)",
        );
        const org2Check = await up(org2Stack);
        assert.deepEqual(
            org2Check.steps.filter((step) => step.op !== "same").map((step) => `${step.op} ${nameOfUrn(step.urn)}`),
            ["update basic-smoke"],
        );
        const org2Smoke = await smokeOf(org2Stack);
        assert.equal(org2Smoke?.pending, undefined);
        assert.match(String(org2Smoke?.responseSha256), /^[0-9a-f]{64}$/);

        // The StackReference, not a configured list, made org2's approval a condition of the commit.
        const definition = (await org1Stack.resources()).find((r) => nameOfUrn(r.urn) === "basic-lifecycle-definition");
        assert.deepEqual(definition?.inputs?.requiredApprovals, ["Org1MSP", "Org2MSP"]);

        // The server runs the pushed image by its digest, with the Deployment's package ID; the peers dial it by its Service
        // name (only cluster DNS resolves it; the smoke check's invoke went through it).
        const [pod] = await servingPods(NAMESPACE_ORG1, releaseOrg1);
        assert.equal(pod.env.CHAINCODE_ID, packageIdOrg1);
        assert.equal(pod.image, `${image.reference}@${image.digest}`);
        assert.ok(pod.imageID.endsWith(image.digest), `the kubelet ran ${pod.imageID}`);
        assert.equal(outputs.connectionAddress, `basic-${releaseOrg1}.${NAMESPACE_ORG1}:9999`);

        // The API server's own Pod Security admission guards the namespace the stack created: the chaincode pods were
        // admitted under "restricted", a pod without the hardening is refused.
        const admitted = await full.node.kubectl([
            "get",
            "pods",
            "-n",
            NAMESPACE_ORG1,
            "-l",
            `app.kubernetes.io/instance=basic-${releaseOrg1}`,
            "-o",
            "name",
        ]);
        assert.notEqual(admitted.trim(), "", "no chaincode pod was admitted");
        await assert.rejects(
            full.node.kubectl([
                "run",
                "unhardened",
                "-n",
                NAMESPACE_ORG1,
                "--image=registry.example.com/probe:1",
                "--restart=Never",
                "--dry-run=server",
            ]),
            /violates PodSecurity "restricted:latest"/,
        );

        // Secrets stay secret under the real engine: in neither stack's state nor in what up reports. The SDK's own
        // debug lines are left out: they echo every resource's outputs (see withoutDebugDiagnostics; docs/configuration.md, Secrets).
        const secrets = secretValues();
        for (const [what, text] of [
            ["org2's state", await org2Stack.exportState()],
            ["org1's state", await org1Stack.exportState()],
            ["org2's up output", withoutDebugDiagnostics(org2Up.result.stdout) + org2Up.result.stderr],
            ["org1's up output", withoutDebugDiagnostics(org1Up.result.stdout) + org1Up.result.stderr],
        ]) {
            assert.deepEqual(plaintextSecretsIn(text, secrets), [], `${what} holds secrets in plaintext`);
        }

        const init = await submit({ ...userCall(), fn: "InitLedger", endorsingOrganizations: ["Org1MSP"] });
        assert.equal(init.validationCode, 0);
        const assets = JSON.parse((await evaluate({ ...userCall(), fn: "GetAllAssets" })).toString("utf8")) as Array<{
            ID: string;
        }>;
        assert.deepEqual(
            assets.map((asset) => asset.ID),
            ["asset1", "asset2", "asset3", "asset4", "asset5", "asset6"],
        );
    });

    it("2. nothing changed: preview --expect-no-changes passes, a second up changes nothing and sends no Fabric transaction", async () => {
        const heightBefore = await height();
        const preview = await org1Stack.run(["preview", "--expect-no-changes"]);
        assert.equal(preview.code, 0, describeFailure(preview));
        assert.deepEqual(
            plaintextSecretsIn(preview.stdout + preview.stderr, secretValues()),
            [],
            "the preview display shows secrets",
        );
        reportPhase("preview", preview.seconds);
        // The diff view prints every input, and refresh reads every resource back: neither may show a secret.
        for (const args of [
            ["preview", "--diff"],
            ["refresh", "--yes", "--diff"],
        ]) {
            const shown = requireSuccess(await org1Stack.run(args));
            assert.deepEqual(
                plaintextSecretsIn(shown.stdout + shown.stderr, secretValues()),
                [],
                `pulumi ${args.join(" ")} shows secrets`,
            );
            assert.match(
                shown.stdout,
                /basic-lifecycle-definition|Resources:/,
                `pulumi ${args.join(" ")} printed nothing to scan`,
            );
        }
        const again = await up(org1Stack);
        reportPhase("noop-up", again.result.seconds, again.stepSeconds);
        assert.deepEqual(Object.keys(again.changes), ["same"], JSON.stringify(again.changes));
        assert.equal(await height(), heightBefore, "the channel height moved: a no-op up sent a transaction");
    });

    it("2b. a killed chaincode container: the kubelet restarts it, and the next invoke through the peers succeeds", async () => {
        const [pod] = await servingPods(NAMESPACE_ORG1, releaseOrg1);
        const before = await full.node.getJson<any>(["pod", "-n", NAMESPACE_ORG1, pod.name]);
        const containerId = String(before.status.containerStatuses[0].containerID).replace(/^containerd:\/\//, "");
        await full.node.exec([
            "ctr",
            "--address",
            full.node.layout.containerdSocket,
            "--namespace",
            "k8s.io",
            "tasks",
            "kill",
            "--signal",
            "SIGKILL",
            containerId,
        ]);
        const restarts = before.status.containerStatuses[0].restartCount + 1;
        await full.node.kubectl(
            [
                "wait",
                "-n",
                NAMESPACE_ORG1,
                `pod/${pod.name}`,
                `--for=jsonpath={.status.containerStatuses[0].restartCount}=${restarts}`,
                "--timeout=60s",
            ],
            { timeoutMs: 70_000 },
        );
        await servingPods(NAMESPACE_ORG1, releaseOrg1);
        // The peer's stream to the killed server broke; the next call makes it dial the Service again.
        const asset = JSON.parse(
            (await evaluate({ ...userCall(), fn: "ReadAsset", args: ["asset1"] })).toString("utf8"),
        ) as { ID: string };
        assert.equal(asset.ID, "asset1");
    });

    /** Traffic through org1's gateway, endorsed by org1 alone, so only org1's chaincode server serves it. */
    const startLoad = (prefix: string) =>
        new LoadLoop({
            call: { ...userCall() },
            endorsingOrganizations: ["Org1MSP"],
            prefix,
            maxSeconds: 600,
            maxCalls: 20_000,
        });

    function reportLoad(phase: string, load: LoadResult, switchSeconds: number): void {
        process.stderr.write(
            `${JSON.stringify({ phase, calls: load.calls, failedCalls: load.failedCalls, resubmitted: load.resubmitted, switchSeconds: Math.round(switchSeconds * 10) / 10, loadSeconds: load.seconds })}\n`,
        );
        assert.ok(load.calls > 20, `the load loop ran only ${load.calls} calls`);
        assert.equal(load.failedCalls, 0, `calls failed during ${phase}: ${load.failures.join("; ")}`);
    }

    it("3. upgrade to 1.1 under load: the 1.0 servers run until the commit, a failed up loses nothing, each org's next up retires its old server; 0 failed calls", async () => {
        const load = startLoad("upgrade");
        const oldOrg1 = releaseOrg1;
        const oldOrg2 = releaseOrg2;
        for (const stack of [org1Stack, org2Stack]) await stack.setConfig("chaincodeVersion", "1.1");

        // The preview says it: a new server beside the kept one, which nothing touches.
        const previewJson = requireSuccess(await org1Stack.run(["preview", "--json"])).stdout;
        const preview = parsePreview(previewJson);
        const step = (name: string) => preview.steps.find((candidate) => nameOfUrn(candidate.urn) === name)?.op;
        // The sequence is known at preview, read from the channel: what a PR comment says the approval and the commit do.
        for (const name of ["basic-lifecycle-approval", "basic-lifecycle-definition"]) {
            const planned = (
                JSON.parse(previewJson) as {
                    steps: Array<{ urn: string; newState?: { inputs?: Record<string, unknown> } }>;
                }
            ).steps.find((candidate) => nameOfUrn(candidate.urn) === name)?.newState?.inputs;
            assert.equal(
                planned?.plannedSequence,
                2,
                `${name} in the preview: ${JSON.stringify(planned?.plannedSequence)}`,
            );
            assert.equal(planned?.plannedChange, 'sequence 1 → 2: version ("1.0" vs "1.1") (committed vs declared)');
        }
        const newRelease = preview.steps
            .map((candidate) => /^basic-([0-9a-f]{8})-server-deployment$/.exec(nameOfUrn(candidate.urn))?.[1])
            .find((key) => key && key !== oldOrg1);
        assert.ok(
            newRelease,
            `no new release in the preview: ${preview.steps.map((c) => `${c.op} ${nameOfUrn(c.urn)}`).join(", ")}`,
        );
        assert.equal(step(`basic-${newRelease}-server-deployment`), "create");
        const changedLive = preview.steps.filter(
            (candidate) => nameOfUrn(candidate.urn).startsWith(`basic-${oldOrg1}-`) && candidate.op !== "same",
        );
        assert.deepEqual(changedLive, [], "the live server must be kept as it is");
        assert.match(
            preview.messages.join("\n"),
            new RegExp(
                `release ${newRelease} starts beside release ${oldOrg1}, which this org's peers run for the committed sequence 1`,
            ),
        );

        // org2 has not approved 1.1: org1's commit is refused, and nothing of 1.0 is lost, however often it is tried.
        for (let attempt = 0; attempt < 2; attempt++) {
            const refused = await org1Stack.run(["up", "--yes", "--skip-preview"]);
            assert.notEqual(refused.code, 0, "org1 committed before org2 approved");
            assert.match(refused.stdout + refused.stderr, /not approved by Org2MSP/);
            assert.deepEqual(await deploymentsIn(NAMESPACE_ORG1), [`basic-${oldOrg1}`, `basic-${newRelease}`].sort());
            await servingPods(NAMESPACE_ORG1, oldOrg1); // the 1.0 server of org1 still serves
        }

        const org2Up = await up(org2Stack);
        releaseOrg2 = String((await org2Stack.outputs()).releaseKey);
        assert.notEqual(releaseOrg2, oldOrg2);
        assert.ok(
            !org2Up.steps.some(
                (candidate) => candidate.op === "delete" && nameOfUrn(candidate.urn).startsWith(`basic-${oldOrg2}-`),
            ),
            "org2 retired its server before the commit",
        );
        assert.deepEqual(await deploymentsIn(NAMESPACE_ORG2), [`basic-${oldOrg2}`, `basic-${releaseOrg2}`].sort());

        const committing = await up(org1Stack);
        reportPhase("up-upgrade-commit", committing.result.seconds, committing.stepSeconds);
        const outputs = await org1Stack.outputs();
        assert.equal(outputs.committedSequence, 2);
        assert.equal(outputs.releaseKey, newRelease);
        assert.ok(
            committing.steps.some(
                (candidate) =>
                    candidate.op === "delete" && nameOfUrn(candidate.urn) === `basic-${oldOrg1}-server-deployment`,
            ),
            "the commit's up retires the 1.0 server",
        );
        assert.deepEqual(await deploymentsIn(NAMESPACE_ORG1), [`basic-${newRelease}`]);

        const retiring = await up(org2Stack);
        assert.ok(
            retiring.steps.some(
                (candidate) =>
                    candidate.op === "delete" && nameOfUrn(candidate.urn) === `basic-${oldOrg2}-server-deployment`,
            ),
        );
        assert.deepEqual(await deploymentsIn(NAMESPACE_ORG2), [`basic-${releaseOrg2}`]);

        releaseOrg1 = newRelease;
        packageIdOrg1 = String(outputs.packageId);
        packageIdOrg2 = String((await org2Stack.outputs()).packageId);
        assert.match(packageIdOrg1, /^basic_1\.1:/);
        reportLoad(
            "upgrade-under-load",
            await load.stop({ afterMoreCalls: MORE_CALLS_AFTER_SWITCH }),
            committing.result.seconds,
        );
    });

    it("4. client certificate renewal under load (tlsClientGeneration 2): a new package beside the live one, org1's re-approval switches its peers, its up retires the old server; 0 failed calls", async () => {
        const load = startLoad("renewal");
        const old = releaseOrg1;
        const heightBefore = await height();
        await org1Stack.setConfig("tlsClientGeneration", "2");
        const renewal = await up(org1Stack);
        const outputs = await org1Stack.outputs();
        releaseOrg1 = String(outputs.releaseKey);
        assert.notEqual(releaseOrg1, old);
        assert.notEqual(outputs.packageId, packageIdOrg1, "the renewed client certificate is a new package");
        assert.equal(outputs.committedSequence, 2, "a new package alone is no new definition");
        assert.ok((await height()) > heightBefore, "the re-approval is a transaction");
        assert.ok(
            renewal.steps.some(
                (candidate) =>
                    candidate.op === "delete" && nameOfUrn(candidate.urn) === `basic-${old}-server-deployment`,
            ),
        );
        assert.deepEqual(await deploymentsIn(NAMESPACE_ORG1), [`basic-${releaseOrg1}`]);
        const [pod] = await servingPods(NAMESPACE_ORG1, releaseOrg1);
        assert.equal(pod.env.CHAINCODE_ID, outputs.packageId);
        packageIdOrg1 = String(outputs.packageId);
        reportLoad(
            "renewal-under-load",
            await load.stop({ afterMoreCalls: MORE_CALLS_AFTER_SWITCH }),
            renewal.result.seconds,
        );
    });

    /** Sets a new image on org1's stack and rolls its server in place under load; the pods then run it. */
    async function rollImageUnderLoad(
        phase: string,
        next: { reference: string; digest: string },
        replicas: number,
    ): Promise<void> {
        await setImage(org1Stack, next);
        const preview = requireSuccess(await org1Stack.run(["preview", "--json"]));
        const changed = changedSteps(parsePreview(preview.stdout));
        assert.deepEqual(
            changed.map((step) => `${step.op} ${step.type} ${nameOfUrn(step.urn)}`),
            [`update kubernetes:apps/v1:Deployment basic-${releaseOrg1}-server-deployment`],
            "a new image alone is no new package: the release's own server rolls",
        );
        const podsBefore = (await servingPods(NAMESPACE_ORG1, releaseOrg1)).map((pod) => pod.name);
        const load = startLoad(phase);
        const roll = await up(org1Stack);
        const pods = await servingPods(
            NAMESPACE_ORG1,
            releaseOrg1,
            (pod) => pod.image === `${next.reference}@${next.digest}`,
        );
        assert.equal(pods.length, replicas);
        assert.deepEqual(
            pods.filter((pod) => podsBefore.includes(pod.name)),
            [],
            "every pod was replaced",
        );
        for (const pod of pods) {
            assert.ok(pod.imageID.endsWith(next.digest), `the kubelet ran ${pod.imageID}`);
            assert.equal(pod.env.CHAINCODE_ID, packageIdOrg1, "the same package after a new image");
        }
        image = next;
        reportLoad(phase, await load.stop({ afterMoreCalls: MORE_CALLS_AFTER_SWITCH }), roll.result.seconds);
    }

    it("5. a new image under load (same package, another digest): the plan updates exactly the Deployment; up rolls the server in place; 0 failed calls", async () => {
        await rollImageUnderLoad("image-roll-under-load", await full.platform.buildVariant("2"), 1);
    });

    it("6. a renewed server certificate under load: no new package, no lifecycle transaction, the pods roll in place with the new certificate; 0 failed calls", async () => {
        const resources = await org1Stack.resources();
        const serverCert = resources.find(
            (r) =>
                r.type === "tls:index/locallySignedCert:LocallySignedCert" &&
                nameOfUrn(r.urn) === `basic-${releaseOrg1}-tls-server`,
        );
        assert.ok(serverCert, `no server LocallySignedCert among ${resources.map((r) => r.urn).join(", ")}`);
        const annotationBefore = (await deploymentAnnotations(NAMESPACE_ORG1, releaseOrg1))[
            "fabric-ccaas.io/tls-cert-sha256"
        ];
        const load = startLoad("server-cert");
        const renewal = await up(org1Stack, "--replace", serverCert.urn);
        const lifecycleSteps = renewal.steps.filter((step) =>
            /-lifecycle-(install-\d+|approval|definition)$/.test(nameOfUrn(step.urn)),
        );
        assert.deepEqual(
            lifecycleSteps.map((step) => `${step.op} ${nameOfUrn(step.urn)}`).sort(),
            [
                "basic-lifecycle-approval",
                "basic-lifecycle-definition",
                "basic-lifecycle-install-0",
                "basic-lifecycle-install-1",
            ].map((name) => `same ${name}`),
            "an install on each of org1's two peers, the approval and the definition: all unchanged",
        );
        // (The load moves the ledger; the lifecycle steps above say that no definition or approval did.)
        const outputs = await org1Stack.outputs();
        assert.equal(outputs.packageId, packageIdOrg1);
        assert.deepEqual([outputs.approvedSequence, outputs.committedSequence], [2, 2]);

        const annotationAfter = (await deploymentAnnotations(NAMESPACE_ORG1, releaseOrg1))[
            "fabric-ccaas.io/tls-cert-sha256"
        ];
        assert.match(annotationAfter, /^[0-9a-f]{64}$/);
        assert.notEqual(annotationAfter, annotationBefore);
        const [pod] = await servingPods(
            NAMESPACE_ORG1,
            releaseOrg1,
            (p) => p.annotations["fabric-ccaas.io/tls-cert-sha256"] === annotationAfter,
        );
        const mounted = await full.node.kubectl(["exec", "-n", NAMESPACE_ORG1, pod.name, "--", "cat", TLS_CERT_FILE]);
        assert.equal(sha256(mounted), annotationAfter, "the new pod has the renewed certificate");
        const certPem = (await org1Stack.resources()).find((r) => r.urn === serverCert.urn)?.outputs?.certPem;
        assert.equal(sha256(String(certPem)), annotationAfter);
        reportLoad(
            "server-cert-renewal-under-load",
            await load.stop({ afterMoreCalls: MORE_CALLS_AFTER_SWITCH }),
            renewal.result.seconds,
        );
    });

    it("7. two replicas, then a new image under load: both pods roll, one at a time; 0 failed calls", async () => {
        await org1Stack.setConfig("replicas", "2");
        await up(org1Stack);
        assert.equal((await servingPods(NAMESPACE_ORG1, releaseOrg1)).length, 2);
        await rollImageUnderLoad("replicas-2-roll-under-load", full.platform.chaincodeImage, 2);
    });

    it("8. a new endorsement policy: org1's commit waits for org2's stack (named through the StackReference), then sequence 3", async () => {
        await org1Stack.setConfig("endorsementPolicy", NEW_POLICY);
        await org2Stack.setConfig("endorsementPolicy", NEW_POLICY);
        const early = await org1Stack.run(["up", "--yes", "--skip-preview"]);
        assert.notEqual(early.code, 0, "org1 committed before org2 approved");
        assert.match(early.stdout + early.stderr, /not approved by Org2MSP/);
        assert.deepEqual(
            plaintextSecretsIn(early.stdout + early.stderr, secretValues()),
            [],
            "a failed up's display shows secrets",
        );

        await up(org2Stack);
        assert.equal((await org2Stack.outputs()).approvedSequence, 3);
        await up(org1Stack);
        const outputs = await org1Stack.outputs();
        assert.equal(outputs.committedSequence, 3);
        assert.equal(outputs.approvedSequence, 3);
        const asset = JSON.parse(
            (await evaluate({ ...userCall(), fn: "ReadAsset", args: ["asset3"] })).toString("utf8"),
        ) as { Owner: string };
        assert.equal(asset.Owner, "Jin Soo", "the ledger survives a new definition");
    });

    it("9. a definition changed out of band (sequence 4, another version): refresh shows the drift", async () => {
        const definition = { name: "basic", version: OUT_OF_BAND_VERSION, sequence: 4, endorsementPolicy: NEW_POLICY };
        for (const [org, packageId] of [
            [org1, packageIdOrg1],
            [org2, packageIdOrg2],
        ] as const) {
            const approved = await approveForMyOrg({
                peer: clientEndpoint(org.peers[0], org),
                identity: org.admin,
                channel: network.channel,
                definition,
                packageId,
            });
            assert.equal(approved.validationCode, 0);
        }
        const committed = await commitDefinition({
            peers: [clientEndpoint(org1.peers[0], org1), clientEndpoint(org2.peers[0], org2)],
            identity: org1.admin,
            channel: network.channel,
            definition,
        });
        assert.equal(committed.validationCode, 0);

        const refresh = parseEventStream(requireSuccess(await org1Stack.run(["refresh", "--yes", "--json"])).stdout);
        const definitionStep = refresh.steps.find((step) => nameOfUrn(step.urn) === "basic-lifecycle-definition");
        assert.ok(definitionStep, `refresh did not read the definition: ${JSON.stringify(refresh.steps)}`);
        assert.deepEqual(
            definitionStep.changedOutputs.filter((key) => ["version", "committedSequence"].includes(key)),
            ["committedSequence", "version"],
            `the refresh did not pick up the new definition: ${JSON.stringify(definitionStep)}`,
        );
        const state = (await org1Stack.resources()).find((r) => nameOfUrn(r.urn) === "basic-lifecycle-definition");
        assert.equal(state?.outputs?.version, OUT_OF_BAND_VERSION);
        assert.equal(state?.outputs?.committedSequence, 4);
    });

    it("10. destroy from a copy of the project in another folder (a moved checkout): the stored provider code names no path of the checkout; no Kubernetes object of ours is left; the output says Fabric keeps the definition and the installs", async () => {
        // (The engine's sourcePosition metadata names the source files; nothing runs from it.)
        for (const target of [org1Stack, org2Stack]) {
            const code = await target.dynamicProviderCode();
            assert.ok(code.length >= 4, `${target.name}: ${code.length} stored providers`);
            assert.deepEqual(
                code.filter((text) => text.includes(REPO_ROOT) || text.includes(full.workspace.projectDir)),
                [],
                `${target.name}'s stored providers name a path of the checkout`,
            );
        }
        full.workspace.moveProject({ copyLinks: true });
        requireSuccess(await org1Stack.run(["refresh", "--yes"]));
        const destroyed = requireSuccess(await org1Stack.run(["destroy", "--yes", "--json"]));
        const destroyReport = parseEventStream(destroyed.stdout);
        reportPhase("destroy", destroyed.seconds, destroyReport.stepSeconds);
        const messages = destroyReport.messages.join("\n");
        assert.match(
            messages,
            /Fabric cannot remove a committed chaincode definition; basic stays committed at sequence 4/,
        );
        assert.match(messages, /Fabric has no uninstall; package basic_1\.1:[0-9a-f]{64} stays installed/);
        requireSuccess(await org2Stack.run(["destroy", "--yes"]));

        for (const namespace of [NAMESPACE_ORG1, NAMESPACE_ORG2]) {
            const left = await full.node.kubectl([
                "get",
                "deploy,svc,secret,netpol,pdb",
                "-n",
                namespace,
                "-o",
                "name",
                "--ignore-not-found",
            ]);
            assert.equal(left.trim(), "", `left in ${namespace}: ${left}`);
            const namespaces = await full.node.kubectl([
                "get",
                "namespace",
                namespace,
                "-o",
                "name",
                "--ignore-not-found",
            ]);
            assert.equal(namespaces.trim(), "", `namespace ${namespace} is still there`);
        }
        const pods = await full.node.kubectl([
            "get",
            "pods",
            "--all-namespaces",
            "-l",
            "app.kubernetes.io/component=chaincode",
            "-o",
            "name",
        ]);
        assert.equal(pods.trim(), "", "no chaincode server pod is left");
    });
});
