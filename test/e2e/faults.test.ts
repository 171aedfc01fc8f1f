/*
 * The failures operators meet, under the real Pulumi engine, on a real node
 * with the real Fabric network in its pods: bad settings, an expired certificate, a peer, the
 * orderer, the Kubernetes API or the chaincode server down, a server under
 * the wrong chaincode ID, `pulumi` killed mid-update, two org stacks at
 * once. Each case asserts what the user sees (the endpoint, the resource and
 * the cause, no stack trace) and that `up` converges once the fault is
 * cleared, with one transaction per change and the chaincode serving.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { evaluate, queryCommitted } from "../../components/fabric";
import { clientEndpoint } from "../../testenv/network";
import { descendantPids } from "../../testenv/network/processes";
import { testPki } from "../support/pki";
import { nameOfUrn, parseEventStream } from "./support/engine-events";
import { FullStack, NAMESPACE_ORG1 } from "./support/full-stack";
import { nodeSuiteSkip } from "./support/node-platform";
import { plaintextSecretsIn } from "./support/plaintext-secrets";
import { requireSuccess, type CommandResult, type PulumiStack } from "../../testenv/pulumi/workspace";
import { printLogsOnFailure } from "../support/failure-logs";
import { escapeRegExp } from "../support/regexp";

/** A Node stack trace in what the user sees means an error we did not name. */
const STACK_TRACE = /\n\s+at .+\.js:\d+:\d+/;

describe("faults under the real Pulumi engine (real node + real Fabric in its pods)", { skip: nodeSuiteSkip() }, () => {
    let full: FullStack;
    printLogsOnFailure(() => full?.failureSources());
    let org1Stack: PulumiStack;
    let org2Stack: PulumiStack;
    let release = "";
    let packageId = "";

    const log = (line: string) => process.stderr.write(`# ${line}\n`);
    const output = (result: CommandResult) => result.stdout + result.stderr;
    /** A failed preview that shows `message` once under Diagnostics (the engine also shows each error as it happens), with no stack trace. */
    const assertRefusedOnce = (preview: CommandResult, message: RegExp) => {
        assert.notEqual(preview.code, 0, "the preview passed");
        const diagnostics = output(preview).split("\nDiagnostics:\n")[1] ?? "";
        assert.equal(
            diagnostics.match(new RegExp(message.source, "g"))?.length,
            1,
            `not reported once under Diagnostics: ${output(preview)}`,
        );
        assert.doesNotMatch(output(preview), STACK_TRACE);
        assert.doesNotMatch(output(preview), /error serializing property/);
    };

    /** `pulumi up` that must fail; returns what the user saw, checked for secrets and stack traces. */
    async function failingUp(stack: PulumiStack, ...extra: string[]): Promise<string> {
        const result = await stack.run(["up", "--yes", "--skip-preview", ...extra]);
        assert.notEqual(result.code, 0, `up succeeded: ${output(result).slice(-2000)}`);
        const seen = output(result);
        assert.doesNotMatch(seen, STACK_TRACE, "the failure shows a stack trace");
        assert.deepEqual(plaintextSecretsIn(seen, full.secretValues()), [], "the failure shows secrets");
        return seen;
    }

    async function committedSequence(): Promise<number | undefined> {
        const { org1, network } = full;
        return (
            await queryCommitted({
                peer: clientEndpoint(org1.peers[0], org1),
                identity: org1.admin,
                channel: network.channel,
                name: "basic",
            })
        )?.sequence;
    }

    async function smokeUrn(): Promise<string> {
        const smoke = (await org1Stack.resources()).find((resource) => nameOfUrn(resource.urn) === "basic-smoke");
        assert.ok(smoke, "no smoke check in the state");
        return smoke.urn;
    }

    async function assertServing(): Promise<void> {
        const answer = await evaluate({ ...full.userCall(), fn: "GetAllAssets" });
        assert.ok(Array.isArray(JSON.parse(answer.toString("utf8"))), "the chaincode answers");
    }

    before(async () => {
        full = await FullStack.start(log);
        ({ org1Stack, org2Stack } = full);
    });

    after(async () => {
        await full?.stop();
    });

    /** kubectl on the release's Deployment, out of band (what an operator or an accident does to it). */
    const deploymentKubectl = (verb: string[], ...args: string[]) =>
        full.node.kubectl([...verb, "-n", NAMESPACE_ORG1, `deployment/basic-${release}`, ...args]);

    it("fault: three bad settings and an approval stack not up yet are refused at preview, each named once, without a stack trace; the stack stays empty", async () => {
        const cases: Array<{ set: Array<[string, string, boolean]>; message: RegExp; restore: () => Promise<void> }> = [
            {
                // Pulumi.yaml declares no types, so the value reaches the program, which names the range.
                set: [["replicas", "many", false]],
                message: /invalid replicas: "many"; expected a whole number/,
                restore: () => org1Stack.removeConfig("replicas"),
            },
            {
                set: [["commitPeers[0].endpoint", "peer0", true]],
                message: /invalid commitPeers\[0\]\.endpoint: "peer0"; expected host:port/,
                restore: () =>
                    org1Stack.setConfig("commitPeers[0].endpoint", full.org2.peers[0].endpoint, { path: true }),
            },
            {
                set: [
                    ["tls", "false", false],
                    ["tlsExtraSans[0]", "cc.example.com", true],
                ],
                message: /invalid tlsExtraSans: .*; expected to be set only with tls: true/,
                restore: async () => {
                    await org1Stack.removeConfig("tls");
                    await org1Stack.removeConfig("tlsExtraSans");
                },
            },
            {
                // The chaincode reads what the channel runs before it declares its servers, here with Org2's stack not up yet.
                set: [],
                message:
                    /cannot read which package Org1MSP's peers run for basic on mychannel: a setting it needs has no value: Required output 'mspId' does not exist on stack '[^']*org2'/,
                restore: async () => undefined,
            },
        ];
        for (const { set, message, restore } of cases) {
            for (const [key, value, path] of set) await org1Stack.setConfig(key, value, { path });
            try {
                assertRefusedOnce(await org1Stack.run(["preview"]), message);
                assert.deepEqual(await org1Stack.resources(), [], "a refused preview leaves resources in the stack");
            } finally {
                await restore();
            }
        }
    });

    it("fault: an expired admin certificate is named with its expiry date before anything reaches Fabric", async () => {
        await org1Stack.setConfig("adminCertPem", testPki().expiredCertPem);
        const preview = await org1Stack.run(["preview"]);
        assert.notEqual(preview.code, 0);
        assert.match(
            output(preview),
            /invalid adminCertPem: \(certificate CN=expired-admin, expired 2020-01-02T00:00:00\.000Z\); expected a certificate valid now: this one expired on 2020-01-02T00:00:00\.000Z; renew it/,
        );
        assert.deepEqual(await org1Stack.resources(), []);
        await org1Stack.setConfig("adminCertPem", full.org1.admin.certPem);
    });

    it("fault: the org's first peer unreachable: the preview stops before declaring any server, naming the peer and the cause once", async () => {
        await full.up(org2Stack);
        await org1Stack.setConfig("peers[0].endpoint", "127.0.0.1:1", { path: true });
        try {
            const preview = await org1Stack.run(["preview"]);
            assertRefusedOnce(
                preview,
                /cannot read which package Org1MSP's peers run for basic on mychannel \(asked 127\.0\.0\.1:1\): [^\n]*ECONNREFUSED/,
            );
            assert.doesNotMatch(
                output(preview),
                /kubernetes:apps\/v1:Deployment/,
                "a server was declared without the read",
            );
        } finally {
            await org1Stack.setConfig("peers[0].endpoint", full.org1.peers[0].endpoint, { path: true });
        }
    });

    it("fault: a peer stopped before the second install is named; once it is back, up installs, approves and commits once", async () => {
        await full.up(org2Stack);
        const peer1 = full.org1.peers[1];
        await full.network.stopNode(peer1.name);
        const seen = await failingUp(org1Stack);
        assert.match(seen, /basic-lifecycle-install-1/);
        assert.match(
            seen,
            new RegExp(
                `cannot reach ${escapeRegExp(peer1.endpoint)} \\(TLS name ${escapeRegExp(peer1.hostOverride)}\\)`,
            ),
        );
        assert.equal(await committedSequence(), undefined, "nothing was committed");

        await full.network.startNode(peer1.name);
        const heightBefore = await full.height();
        const converged = await full.up(org1Stack);
        assert.equal((await org1Stack.outputs()).committedSequence, 1);
        assert.equal(await full.height(), heightBefore + 2, "one approval and one commit");
        assert.ok(
            converged.steps.some((step) => nameOfUrn(step.urn) === "basic-lifecycle-install-1" && step.op === "create"),
        );
        release = String((await org1Stack.outputs()).releaseKey);
        packageId = String((await org1Stack.outputs()).packageId);
        await assertServing();
    });

    it("fault: the chaincode server is down when the smoke check runs: up fails naming the address; back up, it converges", async () => {
        await deploymentKubectl(["scale"], "--replicas=0");
        await full.node.kubectl([
            "wait",
            "-n",
            NAMESPACE_ORG1,
            "pod",
            "-l",
            `app.kubernetes.io/instance=basic-${release}`,
            "--for=delete",
            "--timeout=60s",
        ]);
        await org1Stack.setConfig("smokeWaitSeconds", "10");
        const seen = await failingUp(org1Stack, "--replace", await smokeUrn());
        assert.match(seen, /smoke check failed: peer .* could not evaluate GetAllAssets on chaincode basic/);
        // While it retried, the up output said what it waited for.
        assert.match(
            seen,
            /smoke check of basic \(channel mychannel\) through \S+: attempt 1 did not reach the chaincode \(.+\); retrying for up to \d+ s more/,
        );
        assert.match(seen, new RegExp(escapeRegExp(`basic-${release}.${NAMESPACE_ORG1}:9999`)));

        await deploymentKubectl(["scale"], "--replicas=1");
        await full.servingPods(NAMESPACE_ORG1, release);
        await org1Stack.setConfig("smokeWaitSeconds", "60");
        // The failed check left the last passed one in the state: the re-run asks for it again, as the first run did.
        const converged = await full.up(org1Stack, "--replace", await smokeUrn());
        assert.ok(
            converged.steps.some((step) => nameOfUrn(step.urn) === "basic-smoke" && step.op !== "same"),
            "the smoke check ran again",
        );
        await assertServing();
    });

    it("fault: a server registering under another chaincode ID is diagnosed with the real cause within the smoke check's wait", async () => {
        const wrongId = `basic_1.0:${"0".repeat(64)}`;
        // A server that registers under its own ID, under every name servers read it from (changed out of band).
        await deploymentKubectl(
            ["set", "env"],
            `CHAINCODE_ID=${wrongId}`,
            `CORE_CHAINCODE_ID=${wrongId}`,
            `CORE_CHAINCODE_ID_NAME=${wrongId}`,
        );
        await full.servingPods(NAMESPACE_ORG1, release, (pod) => pod.env.CHAINCODE_ID === wrongId);
        await org1Stack.setConfig("smokeWaitSeconds", "20");
        const started = Date.now();
        const seen = await failingUp(org1Stack, "--replace", await smokeUrn());
        const seconds = (Date.now() - started) / 1000;
        log(
            `wrong CHAINCODE_ID diagnosed after ${seconds.toFixed(1)} s: ${seen.slice(seen.indexOf("smoke check failed"), seen.indexOf("smoke check failed") + 600)}`,
        );
        assert.match(seen, /it is waiting for the chaincode server to register as /);
        assert.ok(seen.includes(packageId), "names the package ID the server must register under");
        assert.match(seen, /is the chaincode server's CHAINCODE_ID exactly the package ID/);
        assert.doesNotMatch(seen, /the peer itself is unreachable/);
        assert.ok(seconds < 60, `diagnosed after ${seconds} s, not the peer's 300 s start-up timeout`);

        await deploymentKubectl(["rollout", "undo"]);
        await full.servingPods(NAMESPACE_ORG1, release, (pod) => pod.env.CHAINCODE_ID === packageId);
        await org1Stack.setConfig("smokeWaitSeconds", "60");
        await full.up(org1Stack);
        await assertServing();
    });

    it("fault: the Kubernetes API server is down when up runs: the Deployment's update names the API endpoint; once back, up converges", async () => {
        const image = await full.platform.buildVariant("fault");
        await org1Stack.setConfig("image", image.reference);
        await org1Stack.setConfig("imageDigest", image.digest);
        await full.node.stopDaemon("kube-apiserver");
        let seen: string;
        try {
            seen = await failingUp(org1Stack);
        } finally {
            await full.node.startDaemon("kube-apiserver");
        }
        const apiServer = /server: (https:\/\/[^\s]+)/.exec(full.node.kubeconfig())![1];
        assert.ok(seen.includes(new URL(apiServer).host), `the failure does not name the API server ${apiServer}`);
        assert.match(seen, /connection refused|unreachable/);

        await full.up(org1Stack);
        const [pod] = await full.servingPods(
            NAMESPACE_ORG1,
            release,
            (p) => p.image === `${image.reference}@${image.digest}`,
        );
        assert.equal(pod.env.CHAINCODE_ID, packageId);
        await assertServing();
    });

    it("fault: the orderer down before the approvals (peer gateway, then the orderer setting) names the ordering service; up converges, one transaction each", async () => {
        const policy = "OR('Org1MSP.peer','Org2MSP.peer')";
        await org1Stack.setConfig("endorsementPolicy", policy);
        await org2Stack.setConfig("endorsementPolicy", policy);
        const { orderer } = full.network;

        await full.network.stopNode(orderer.name);
        const viaGateway = await failingUp(org2Stack);
        assert.match(viaGateway, /basic-lifecycle-approval/);
        assert.match(viaGateway, /the ordering service did not take the transaction/);
        assert.match(viaGateway, new RegExp(`${escapeRegExp(full.org2.peers[0].endpoint)} .*was reached`));
        await full.network.startNode(orderer.name);
        await full.up(org2Stack);
        assert.equal((await org2Stack.outputs()).approvedSequence, 2);

        await org1Stack.setConfig("orderer.endpoint", orderer.endpoint, { path: true });
        await org1Stack.setConfig("orderer.tlsCaPem", orderer.tlsCaPem, { path: true });
        await org1Stack.setConfig("orderer.hostOverride", orderer.hostOverride, { path: true });
        await full.network.stopNode(orderer.name);
        const viaOrderer = await failingUp(org1Stack);
        assert.match(
            viaOrderer,
            new RegExp(
                `cannot reach ${escapeRegExp(orderer.endpoint)} \\(TLS name ${escapeRegExp(orderer.hostOverride)}\\) \\(/orderer\\.AtomicBroadcast/Broadcast\\)`,
            ),
        );
        await full.network.startNode(orderer.name);
        const heightBefore = await full.height();
        await full.up(org1Stack);
        assert.equal((await org1Stack.outputs()).committedSequence, 2);
        assert.equal(await full.height(), heightBefore + 2, "one approval and one commit");
        await assertServing();
    });

    it("fault: pulumi killed (SIGKILL) after the installs and before the commit: the documented recovery, then up converges", async () => {
        for (const stack of [org1Stack, org2Stack]) await stack.setConfig("chaincodeVersion", "1.1");
        await full.up(org2Stack);
        const finished = (stdout: string) =>
            Object.keys(parseEventStream(stdout.slice(0, stdout.lastIndexOf("\n") + 1)).stepSeconds);
        let killed = false;
        const interrupted = await org1Stack.run(["up", "--yes", "--skip-preview", "--json"], {
            watch: (stdout, pid) => {
                const done = finished(stdout);
                if (
                    !killed &&
                    done.includes("basic-lifecycle-install-0") &&
                    done.includes("basic-lifecycle-install-1")
                ) {
                    killed = true;
                    // Its plugins (the language host, the providers) would outlive it as orphans: they go too, as a CI runner's job end would take them.
                    const plugins = descendantPids(pid);
                    process.kill(pid, "SIGKILL");
                    for (const plugin of plugins) {
                        try {
                            process.kill(plugin, "SIGKILL");
                        } catch {
                            // already gone
                        }
                    }
                }
            },
        });
        assert.ok(killed, `the up finished before both installs were seen: exit ${interrupted.code}`);
        assert.equal(await committedSequence(), 2, "the kill came before the commit");

        const pending = async () =>
            (
                JSON.parse(await org1Stack.exportState()) as {
                    deployment: { pending_operations?: Array<{ resource: { urn: string }; type: string }> };
                }
            ).deployment.pending_operations ?? [];
        const left = await pending();
        log(
            `after SIGKILL: ${left.length} pending operation(s): ${left.map((op) => `${op.type} ${nameOfUrn(op.resource.urn)}`).join(", ")}`,
        );
        const blocked = await org1Stack.run(["up", "--yes", "--skip-preview"]);
        log(
            `up right after the kill: exit ${blocked.code}: ${output(blocked)
                .split("\n")
                .filter((line) => /error|warning|lock|pending/i.test(line))
                .slice(0, 6)
                .join(" | ")}`,
        );

        // docs/troubleshooting.md: the recovery after a killed pulumi.
        requireSuccess(await org1Stack.run(["cancel", "--yes"]));
        requireSuccess(await org1Stack.run(["refresh", "--yes", "--clear-pending-creates"]));
        assert.deepEqual(await pending(), [], "the recovery leaves no pending operation");
        const heightBefore = await full.height();
        await full.up(org1Stack);
        const outputs = await org1Stack.outputs();
        assert.equal(outputs.committedSequence, 3);
        assert.match(String(outputs.packageId), /^basic_1\.1:/);
        assert.ok((await full.height()) <= heightBefore + 2, "at most one approval and one commit after the kill");
        await assertServing();
    });

    it("fault: both orgs' stacks run up at once (approval races approval, commit races approval): a re-run converges on one new sequence", async () => {
        const policy = "OR('Org1MSP.member','Org2MSP.member')";
        await org1Stack.setConfig("endorsementPolicy", policy);
        await org2Stack.setConfig("endorsementPolicy", policy);
        const [first, second] = await Promise.all([
            org1Stack.run(["up", "--yes", "--skip-preview"]),
            org2Stack.run(["up", "--yes", "--skip-preview"]),
        ]);
        assert.equal(second.code, 0, `org2's approval failed: ${output(second).slice(-1500)}`);
        log(`concurrent up: org1 exit ${first.code}, org2 exit ${second.code}`);
        if (first.code !== 0) {
            // The commit may come before org2's approval is on the ledger: it is refused by name, never half-done.
            assert.match(output(first), /not approved by Org2MSP|MVCC_READ_CONFLICT/);
            assert.doesNotMatch(output(first), STACK_TRACE);
            await full.up(org1Stack);
        }
        assert.equal((await org1Stack.outputs()).committedSequence, 4);
        assert.equal(await committedSequence(), 4);
        await assertServing();
    });
});
