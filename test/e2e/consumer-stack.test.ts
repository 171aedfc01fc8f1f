/*
 * The library as another team uses it: examples/consumer-stack is copied to
 * a folder outside the repository, installs this package from `npm pack`
 * output (no link to the source tree), compiles against its declarations,
 * and runs under the real Pulumi engine against a real node with the real
 * Fabric network in its pods: up, a no-op up, an upgrade (each org's server
 * of the version its peers run stays up until they switch, with no code of
 * the consumer's for it), then refresh and destroy after the project moved
 * to another folder (the state must not depend on where it was written).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { cpSync, existsSync, lstatSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { evaluate, submit } from "../../components/fabric";
import { clientEndpoint, type Org } from "../../testenv/network";
import { nameOfUrn, parseEventStream, parsePreview } from "./support/engine-events";
import { LoadLoop, type LoadResult } from "./support/load";
import { chaincodePods, deploymentsIn } from "./support/full-stack";
import { type NodePlatform, nodeSuiteSkip, startNodePlatform } from "./support/node-platform";
import { reportPhase } from "./support/phases";
import { plaintextSecretsIn } from "./support/plaintext-secrets";
import { PulumiWorkspace, REPO_ROOT, requireSuccess, type PulumiStack } from "../../testenv/pulumi/workspace";
import { printLogsOnFailure } from "../support/failure-logs";

const EXAMPLE_DIR = join(REPO_ROOT, "examples", "consumer-stack");
const NAMESPACES = ["hlf-org1", "hlf-org2"];
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as { name: string; version: string };

describe("a consumer project that installs the packed library (examples/consumer-stack)", {
    skip: nodeSuiteSkip(),
}, () => {
    const log = (line: string) => process.stderr.write(`# ${line}\n`);
    let platform: NodePlatform;
    printLogsOnFailure(() => platform?.failureSources());
    let workspace: PulumiWorkspace;
    let stack: PulumiStack;
    let installSeconds = 0;

    before(async () => {
        // The consumer's install and build overlap the platform's start.
        const installing = PulumiWorkspace.forProjectAsync(
            "ccaas-consumer",
            async (dir) => {
                const started = process.hrtime.bigint();
                cpSync(EXAMPLE_DIR, dir, {
                    recursive: true,
                    filter: (source) => !/\/(node_modules|dist)$/.test(source) && !source.endsWith(".tgz"),
                });
                await npm(REPO_ROOT, ["pack", "--ignore-scripts", "--pack-destination", dir]);
                await npm(dir, ["install", "--no-audit", "--no-fund", "--prefer-offline"]);
                await npm(dir, ["run", "build"]);
                installSeconds = Number(process.hrtime.bigint() - started) / 1e9;
            },
            log,
        );
        const [installed, started] = await Promise.allSettled([installing, startNodePlatform(log)]);
        if (installed.status === "fulfilled") workspace = installed.value;
        if (started.status === "fulfilled") platform = started.value;
        if (installed.status === "rejected") throw installed.reason;
        if (started.status === "rejected") throw started.reason;
        stack = await workspace.initStack("dev");
        const { network, node, chaincodeImage } = platform;
        await stack.setConfig("kubeconfig", node.kubeconfig(), { secret: true });
        await stack.setConfig("channel", network.channel);
        await stack.setConfig("image", `${chaincodeImage.reference}@${chaincodeImage.digest}`);
        const [selector] = platform.orgSettings(...network.orgs.map((org) => org.mspId)).peerNamespaceSelector;
        await stack.setConfig("peerNamespaceSelector[0]", selector, { path: true });
        for (const [key, org] of [
            ["org1", network.orgs[0]],
            ["org2", network.orgs[1]],
        ] as const)
            await setOrg(key, org);
    });

    after(async () => {
        await platform?.stop();
        workspace?.remove();
    });

    async function setOrg(key: string, org: Org): Promise<void> {
        await stack.setConfig(`${key}.mspId`, org.mspId, { path: true });
        for (const [index, peer] of org.peers.entries()) {
            await stack.setConfig(`${key}.peers[${index}].endpoint`, peer.endpoint, { path: true });
            await stack.setConfig(`${key}.peers[${index}].hostOverride`, peer.hostOverride, { path: true });
        }
        await stack.setConfig(`${key}.peerTlsCaPem`, org.tlsCaPem, { path: true });
        await stack.setConfig(`${key}.adminCertPem`, org.admin.certPem, { path: true });
        await stack.setConfig(`${key}.clientTlsCertPem`, org.clientTls.certPem, { path: true });
        await stack.setConfig(`${key}AdminKeyPem`, org.admin.keyPem, { secret: true });
        await stack.setConfig(`${key}ClientTlsKeyPem`, org.clientTls.keyPem, { secret: true });
    }

    const servedReleases = () => servedReleasesIn(platform);
    const userCall = (org: Org) => ({
        peer: clientEndpoint(org.peers[0], org),
        identity: org.user,
        channel: platform.network.channel,
        chaincode: "basic",
        timeoutSeconds: 30,
    });

    it("installs the package from its tarball: a copy, not a link to the source tree, without the optional peers, and imports it by name", () => {
        process.stderr.write(
            `${JSON.stringify({ phase: "consumer-install-and-build", seconds: Math.round(installSeconds * 10) / 10 })}\n`,
        );
        const installed = join(workspace.projectDir, "node_modules", manifest.name);
        assert.equal(lstatSync(installed).isSymbolicLink(), false, "the package is linked, not installed");
        assert.ok(
            !realpathSync(installed).startsWith(REPO_ROOT),
            `the package resolves into the repository: ${realpathSync(installed)}`,
        );
        assert.equal(
            (JSON.parse(readFileSync(join(installed, "package.json"), "utf8")) as { version: string }).version,
            manifest.version,
        );
        assert.equal(existsSync(join(installed, "dist", "test")), false, "the tests were packed");
        for (const optional of ["@pulumi/azure-native", "@pulumi/command"]) {
            assert.equal(
                existsSync(join(workspace.projectDir, "node_modules", optional)),
                false,
                `${optional} was installed though optional`,
            );
        }
        assert.match(readFileSync(join(workspace.projectDir, "index.ts"), "utf8"), /from "fabric-ccaas"/);
    });

    it("up: both orgs' servers run; Org1 commits after Org2's approval; a transaction endorsed by both orgs reaches both servers", async () => {
        const result = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"]));
        const report = parseEventStream(result.stdout);
        reportPhase("consumer-up", result.seconds, report.stepSeconds);
        const outputs = await stack.outputs();
        assert.equal(outputs.committedSequence, 1);
        const packageIds = outputs.packageIds as Record<string, string>;
        assert.deepEqual(Object.keys(packageIds).sort(), ["Org1MSP", "Org2MSP"]);
        assert.notEqual(packageIds.Org1MSP, packageIds.Org2MSP, "each org's package carries its own chaincode CA");
        for (const namespace of NAMESPACES)
            assert.equal((await deploymentsIn(platform.node, namespace)).length, 1, namespace);
        const definition = (await stack.resources()).find((r) => r.urn.endsWith("::org1-lifecycle-definition"));
        assert.deepEqual(definition?.inputs?.requiredApprovals, ["Org1MSP", "Org2MSP"]);

        const [org1, org2] = platform.network.orgs;
        const init = await submit({
            ...userCall(org1),
            fn: "InitLedger",
            endorsingOrganizations: ["Org1MSP", "Org2MSP"],
        });
        assert.equal(init.validationCode, 0);
        const assets = JSON.parse(
            (await evaluate({ ...userCall(org2), fn: "GetAllAssets" })).toString("utf8"),
        ) as Array<{ ID: string }>;
        assert.equal(assets.length, 6);

        const secrets = {
            kubeconfig: platform.node.kubeconfig(),
            "Org1 admin key": org1.admin.keyPem,
            "Org2 admin key": org2.admin.keyPem,
        };
        assert.deepEqual(
            plaintextSecretsIn(await stack.exportState(), secrets),
            [],
            "the consumer's state holds secrets in plaintext",
        );
    });

    it("a second up changes nothing", async () => {
        const result = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"]));
        reportPhase("consumer-noop-up", result.seconds);
        assert.deepEqual(Object.keys(parseEventStream(result.stdout).changes), ["same"]);
    });

    it("upgrade under load: the preview shows each org's running server kept; the approving org's 1.0 server stays up until its peers switch (the component reads the channel itself), the next up retires it; 0 failed calls", async () => {
        const [org1, org2] = platform.network.orgs;
        const servedBefore = await servedReleases();
        // Traffic through Org2's gateway, endorsed by both orgs (the channel's MAJORITY), so both orgs' servers serve it.
        const load = new LoadLoop({
            call: userCall(org2),
            endorsingOrganizations: ["Org1MSP", "Org2MSP"],
            prefix: "library-upgrade",
            maxSeconds: 600,
            maxCalls: 20_000,
        });
        let result: LoadResult | undefined;
        try {
            await stack.setConfig("chaincodeVersion", "1.1");

            const preview = parsePreview(requireSuccess(await stack.run(["preview", "--json"])).stdout);
            // The approving org keeps its running server untouched beside the new one; the committing org's goes at the
            // end of this up, once its commit (after Org2's approval in this same update) has moved its peers.
            const [liveKey] = servedBefore["hlf-org2"].map((deployment) => deployment.slice("basic-".length));
            const touched = preview.steps.filter(
                (step) => nameOfUrn(step.urn).startsWith(`org2-${liveKey}-`) && step.op !== "same",
            );
            assert.deepEqual(touched, [], "the preview changes Org2's running server");
            assert.ok(
                preview.messages.some((message) =>
                    new RegExp(`release [0-9a-f]{8} starts beside release ${liveKey}, which this org's peers run`).test(
                        message,
                    ),
                ),
                `the preview does not say Org2 keeps release ${liveKey}: ${preview.messages.join(" | ")}`,
            );
            const [org1Live] = servedBefore["hlf-org1"].map((deployment) => deployment.slice("basic-".length));
            assert.ok(
                preview.messages.some((message) =>
                    new RegExp(`release [0-9a-f]{8} replaces release ${org1Live} in this update`).test(message),
                ),
                `the preview does not say Org1 retires release ${org1Live} at the end: ${preview.messages.join(" | ")}`,
            );

            const upgraded = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"]));
            reportPhase("consumer-upgrade-up", upgraded.seconds);
            assert.equal((await stack.outputs()).committedSequence, 2);
            const served = await servedReleases();
            // Org1 commits after Org2's approval in this update, so its 1.0 server goes at the end; Org2's stack does not
            // commit, so it cannot know its peers switch in this update and keeps 1.0 beside 1.1.
            assert.equal(served["hlf-org1"].length, 1, `hlf-org1 serves ${served["hlf-org1"]}`);
            assert.notDeepEqual(served["hlf-org1"], servedBefore["hlf-org1"]);
            assert.deepEqual(
                served["hlf-org2"].filter((name) => servedBefore["hlf-org2"].includes(name)),
                servedBefore["hlf-org2"],
                "Org2's 1.0 server was deleted",
            );
            assert.equal(served["hlf-org2"].length, 2, `hlf-org2 serves ${served["hlf-org2"]}`);
            const assets = JSON.parse(
                (await evaluate({ ...userCall(org2), fn: "GetAllAssets" })).toString("utf8"),
            ) as Array<{ ID: string }>;
            // The six from InitLedger, beside what the load loop created.
            const ids = assets.map((asset) => asset.ID);
            assert.deepEqual(
                ["asset1", "asset2", "asset3", "asset4", "asset5", "asset6"].filter((id) => !ids.includes(id)),
                [],
                "the chaincode answers through Org2's peer after the upgrade",
            );

            const retired = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"]));
            reportPhase("consumer-retire-up", retired.seconds);
            const after = await servedReleases();
            assert.deepEqual(
                after["hlf-org2"],
                served["hlf-org2"].filter((name) => !servedBefore["hlf-org2"].includes(name)),
                "the next up retires Org2's 1.0 server",
            );
            assert.ok((await evaluate({ ...userCall(org1), fn: "ReadAsset", args: ["asset1"] })).length > 0);

            // Traffic goes on through whatever serves now, then the loop reports.
            result = await load.stop({ afterMoreCalls: 10 });
        } finally {
            // A failed step stops the traffic too, so nothing outlives the test.
            if (!result) await load.stop();
        }
        process.stderr.write(
            `${JSON.stringify({ phase: "library-upgrade-under-load", calls: result.calls, failedCalls: result.failedCalls, resubmitted: result.resubmitted, loadSeconds: result.seconds })}\n`,
        );
        assert.ok(result.calls > 20, `the load loop ran only ${result.calls} calls`);
        assert.equal(result.failedCalls, 0, `calls failed during the library upgrade: ${result.failures.join("; ")}`);
    });

    it("refresh and destroy work after the project moved to another folder: the state (stored provider code included) names no path of the old one", async () => {
        const oldDir = workspace.projectDir;
        const state = await stack.exportState();
        assert.ok(!state.includes(oldDir), `the state names the project folder ${oldDir}`);
        assert.ok(
            (await stack.dynamicProviderCode()).length >= 8,
            "the dynamic resources' stored providers are in the state",
        );
        workspace.moveProject();
        assert.equal(existsSync(oldDir), false);

        const refreshed = requireSuccess(await stack.run(["refresh", "--yes", "--json"]));
        assert.deepEqual(Object.keys(parseEventStream(refreshed.stdout).changes), ["same"], "refresh found drift");
        const destroyed = requireSuccess(await stack.run(["destroy", "--yes", "--json"]));
        reportPhase("consumer-destroy", destroyed.seconds);
        for (const namespace of NAMESPACES) {
            const left = await platform.node.kubectl([
                "get",
                "namespace",
                namespace,
                "-o",
                "name",
                "--ignore-not-found",
            ]);
            assert.equal(left.trim(), "", `namespace ${namespace} is still there`);
        }
        assert.deepEqual(await chaincodePods(platform.node), [], "no chaincode server pod is left");
        assert.deepEqual(await stack.resources(), []);
    });
});

/** The Deployments in each org's namespace, by name. */
async function servedReleasesIn(platform: NodePlatform): Promise<Record<string, string[]>> {
    const served: Record<string, string[]> = {};
    for (const namespace of NAMESPACES) served[namespace] = await deploymentsIn(platform.node, namespace);
    return served;
}

async function npm(cwd: string, args: readonly string[]): Promise<void> {
    await promisify(execFile)("npm", args, { cwd, maxBuffer: 64 * 1024 * 1024 });
}
