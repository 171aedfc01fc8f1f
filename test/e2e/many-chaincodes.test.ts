/*
 * One stack of the program for three chaincodes on one channel and both orgs
 * of the network (chaincodes, otherOrgs), under the real Pulumi engine, on
 * a real node with the real Fabric network in its pods (the peers of both
 * orgs admitted by one namespace selector): every chaincode is installed on all
 * three peers, approved by both orgs together once every install is done,
 * committed and invoked end to end through each org's peers. Two of them
 * share one CA (tlsSharedCa), the third has its own.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { common } from "@hyperledger/fabric-protos";
import { evaluate, submit } from "../../components/fabric";
import { channelHeight, clientEndpoint, type Org } from "../../testenv/network";
import { parseEventStream } from "./support/engine-events";
import { deploymentsIn } from "./support/full-stack";
import { type NodePlatform, nodeSuiteSkip, startNodePlatform } from "./support/node-platform";
import { createOrgStack } from "../../testenv/pulumi/org-stack";
import { reportPhase } from "./support/phases";
import { plaintextSecretsIn } from "./support/plaintext-secrets";
import { PulumiWorkspace, requireSuccess, type PulumiStack, type StateResource } from "../../testenv/pulumi/workspace";
import { printLogsOnFailure } from "../support/failure-logs";

const CHAINCODES: ReadonlyArray<Record<string, string>> = [
    { chaincodeName: "assets", namespace: "hlf-org1", tlsSharedCa: "true" },
    { chaincodeName: "ledger", namespace: "hlf-org1", chaincodeVersion: "2.0", tlsSharedCa: "true" },
    { chaincodeName: "tokens", namespace: "hlf-tokens" },
];

describe("one stack, three chaincodes, two orgs (chaincodes + otherOrgs)", { skip: nodeSuiteSkip() }, () => {
    const log = (line: string) => process.stderr.write(`# ${line}\n`);
    let platform: NodePlatform;
    printLogsOnFailure(() => platform?.failureSources());
    let workspace: PulumiWorkspace;
    let stack: PulumiStack;
    let org1: Org;
    let org2: Org;

    before(async () => {
        platform = await startNodePlatform(log);
        [org1, org2] = platform.network.orgs;
        workspace = PulumiWorkspace.create(log);
        stack = await createOrgStack(workspace, "consortium", {
            network: platform.network,
            org: org1,
            kubeconfig: platform.node.kubeconfig(),
            otherOrgs: [org2],
            chaincodes: CHAINCODES,
            cluster: platform.orgSettings(org1.mspId, org2.mspId),
        });
    });

    after(async () => {
        await platform?.stop();
        workspace?.remove();
    });

    const call = (org: Org, chaincode: string) => ({
        peer: clientEndpoint(org.peers[0], org),
        identity: org.user,
        channel: platform.network.channel,
        chaincode,
        timeoutSeconds: 30,
    });
    const height = () => channelHeight(platform.network, org1.peers[0], platform.network.channel);

    /** The block a transaction was committed in (qscc through org1's gateway). */
    async function blockOf(txId: string): Promise<number> {
        const bytes = await evaluate({
            ...call(org1, "qscc"),
            fn: "GetBlockByTxID",
            args: [platform.network.channel, txId],
        });
        return common.Block.deserializeBinary(bytes).getHeader()!.getNumber();
    }

    it("up: every chaincode installed on all three peers, approved by both orgs together, committed, and invoked through both orgs' peers", async () => {
        const heightBefore = await height();
        const result = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"]));
        const report = parseEventStream(result.stdout);
        reportPhase("up-3-chaincodes-2-orgs", result.seconds, report.stepSeconds);
        const outputs = (await stack.outputs()).chaincodes as Record<
            string,
            { packageId: string; committedSequence: number; namespace: string; caCertPem: string }
        >;
        assert.deepEqual(Object.keys(outputs).sort(), ["assets", "ledger", "tokens"]);
        // The peers verify assets' and ledger's servers against one CA, tokens' against its own (each invoked below).
        assert.equal(outputs.assets.caCertPem, outputs.ledger.caCertPem);
        assert.notEqual(outputs.tokens.caCertPem, outputs.assets.caCertPem);
        assert.match(outputs.assets.caCertPem, /BEGIN CERTIFICATE/);

        const resources = await stack.resources();
        const named = (name: string): StateResource => {
            const found = resources.find((r) => r.urn.endsWith(`::${name}`));
            assert.ok(found, `no ${name} in the state`);
            return found;
        };
        const blocks: number[] = [];
        for (const { chaincodeName: name } of CHAINCODES) {
            assert.equal(outputs[name].committedSequence, 1, name);
            const installs = ["install-0", "install-1", "Org2MSP-install-0"].map((suffix) =>
                named(`${name}-lifecycle-${suffix}`),
            );
            assert.deepEqual(
                installs.map((r) => r.outputs?.packageId),
                installs.map(() => outputs[name].packageId),
                `${name}: one package on every peer of both orgs`,
            );
            // Both orgs' approvals start together (the engine stamps by the second), once every install is done.
            const approvalNames = [`${name}-lifecycle-approval`, `${name}-lifecycle-Org2MSP-approval`];
            const approvalStarts = approvalNames.map((approval) => report.stepStartedAt[approval]);
            assert.ok(
                Math.abs(approvalStarts[0] - approvalStarts[1]) <= 1,
                `${name}: the approvals started at ${approvalStarts.join(" and ")}`,
            );
            const lastInstallDone = Math.max(
                ...installs.map(
                    (r) =>
                        report.stepStartedAt[r.urn.split("::").pop()!] + report.stepSeconds[r.urn.split("::").pop()!],
                ),
            );
            assert.ok(
                Math.min(...approvalStarts) >= lastInstallDone,
                `${name}: an approval started before the last install was done`,
            );
            const approvalBlocks = await Promise.all(
                approvalNames.map((approval) => blockOf(String(named(approval).outputs?.approvalTxId))),
            );
            const commitBlock = await blockOf(String(named(`${name}-lifecycle-definition`).outputs?.commitTxId));
            assert.ok(
                commitBlock > Math.max(...approvalBlocks),
                `${name}: commit in block ${commitBlock}, approvals in ${approvalBlocks.join(", ")}`,
            );
            blocks.push(...approvalBlocks, commitBlock);

            // Endorsed by a peer of each org: both orgs' peers reach the chaincode's one server.
            const init = await submit({
                ...call(org1, name),
                fn: "InitLedger",
                endorsingOrganizations: ["Org1MSP", "Org2MSP"],
            });
            assert.equal(init.validationCode, 0, name);
            const assets = JSON.parse(
                (await evaluate({ ...call(org2, name), fn: "GetAllAssets" })).toString("utf8"),
            ) as unknown[];
            assert.equal(assets.length, 6, name);
        }
        // How many blocks the lifecycle of all three took (2 when every approval shares a block and every commit another).
        process.stderr.write(
            `${JSON.stringify({ phase: "lifecycle-blocks", lifecycleBlocks: [...new Set(blocks)].length, blocksCut: (await height()) - heightBefore - CHAINCODES.length })}\n`,
        );
        assert.deepEqual(
            (await deploymentsIn(platform.node, "hlf-org1")).map((d) => d.replace(/-[0-9a-f]{8}$/, "")),
            ["assets", "ledger"],
        );
        assert.deepEqual(
            (await deploymentsIn(platform.node, "hlf-tokens")).map((d) => d.replace(/-[0-9a-f]{8}$/, "")),
            ["tokens"],
        );
        const secrets = {
            kubeconfig: platform.node.kubeconfig(),
            "Org1 admin key": org1.admin.keyPem,
            "Org2 admin key": org2.admin.keyPem,
            "Org2 client TLS key": org2.clientTls.keyPem,
        };
        assert.deepEqual(
            plaintextSecretsIn((await stack.exportState()) + result.stderr, secrets),
            [],
            "secrets in plaintext",
        );
    });

    it("a second up changes nothing and sends no transaction", async () => {
        const heightBefore = await height();
        const result = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"]));
        reportPhase("noop-up-3-chaincodes", result.seconds);
        assert.deepEqual(Object.keys(parseEventStream(result.stdout).changes), ["same"]);
        assert.equal(await height(), heightBefore);
    });

    it("destroy leaves no Kubernetes object of ours", async () => {
        requireSuccess(await stack.run(["destroy", "--yes"]));
        for (const namespace of ["hlf-org1", "hlf-tokens"]) {
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
    });
});
