/*
 * Faults against a real network, through the providers as the engine calls
 * them: a node is stopped by its PID at the worst moment, the failure must
 * name the endpoint and the cause, and the same call once the node is back
 * converges with one transaction, not two.
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import {
    getChannelHeight,
    queryAllInstalled,
    queryApproved,
    queryCommitted,
    type Endpoint,
} from "../../components/fabric";
import { buildChaincodePackage, type ChaincodePackage } from "../../components/packaging";
import {
    chaincodeApprovalProvider,
    chaincodeDefinitionProvider,
    chaincodeInstallProvider,
    chaincodeSmokeCheckProvider,
    type ChaincodeApprovalInputs,
    type ChaincodeInstallInputs,
    type ChaincodeSmokeCheckInputs,
} from "../../components/lifecycle/providers";
import { startNetwork, type FabricNetwork, type Org, type PeerNode } from "../../testenv/network";
import { assertChaincodeServerBuilt, CHAINCODE_SERVER, freePort, waitFor } from "../support/chaincode-server";
import { approvalFields, definitionInputs } from "../support/definition-inputs";
import { printLogsOnFailure } from "../support/failure-logs";

const POLICY = "OR('Org1MSP.member', 'Org2MSP.member')";

describe("faults against a real network", () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let org1: Org;
    let org2: Org;
    let pkg: ChaincodePackage;
    let chaincodePort = 0;
    let server: ChildProcess | undefined;

    const peerInputs = (peer: PeerNode) => ({
        peerEndpoint: peer.endpoint,
        peerTlsCaPem: peer.tlsCaPem,
        peerHostOverride: peer.hostOverride,
    });
    const admin = (org: Org) => ({ mspId: org.mspId, adminCertPem: org.admin.certPem, adminKeyPem: org.admin.keyPem });
    const endpoint = (peer: PeerNode): Endpoint => ({
        address: peer.endpoint,
        tlsCaPem: peer.tlsCaPem,
        hostOverride: peer.hostOverride,
    });
    const height = () =>
        getChannelHeight({ peer: endpoint(org1.peers[0]), identity: org1.admin, channel: network.channel });
    const install = (peer: PeerNode, org: Org): ChaincodeInstallInputs => ({
        ...peerInputs(peer),
        ...admin(org),
        packageBase64: pkg.bytes.toString("base64"),
        packageId: pkg.packageId,
    });
    const approval = (org: Org, viaOrderer: boolean): ChaincodeApprovalInputs => ({
        ...approvalFields(network, { version: "1.0", endorsementPolicy: POLICY, packageId: pkg.packageId }),
        ...peerInputs(org.peers[0]),
        ...admin(org),
        ...(viaOrderer
            ? {
                  ordererEndpoint: network.orderer.endpoint,
                  ordererTlsCaPem: network.orderer.tlsCaPem,
                  ordererHostOverride: network.orderer.hostOverride,
              }
            : {}),
    });
    const approved = (org: Org) =>
        queryApproved({ peer: endpoint(org.peers[0]), identity: org.admin, channel: network.channel, name: "basic" });

    before(async () => {
        network = await startNetwork();
        [org1, org2] = network.orgs;
        chaincodePort = await freePort();
        pkg = buildChaincodePackage({ label: "basic_1.0", address: `127.0.0.1:${chaincodePort}` });
    });

    after(async () => {
        await stopServer();
        await network?.stop();
    });

    async function stopServer(): Promise<void> {
        if (server && server.exitCode === null && server.signalCode === null) {
            const exited = new Promise((resolve) => server!.once("exit", resolve));
            server.kill("SIGTERM");
            await exited;
        }
        server = undefined;
    }

    async function startServer(chaincodeId: string): Promise<void> {
        assertChaincodeServerBuilt();
        server = spawn(process.execPath, [CHAINCODE_SERVER], {
            env: {
                PATH: process.env.PATH,
                CHAINCODE_ID: chaincodeId,
                CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${chaincodePort}`,
                CHAINCODE_TLS_DISABLED: "true",
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        server.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
        server.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
        await waitFor(
            () => output.includes("listening on"),
            20_000,
            () => `chaincode server did not start: ${output}`,
        );
    }

    it("fault: a peer stopped between the first and second install is named, and the re-run installs once", async () => {
        await chaincodeInstallProvider.create(install(org1.peers[0], org1));
        const peer1 = org1.peers[1];
        await network.stopNode(peer1.name);
        await assert.rejects(chaincodeInstallProvider.create(install(peer1, org1)), (error: Error) => {
            assert.match(
                error.message,
                new RegExp(
                    `cannot reach ${peer1.endpoint.replace(/\./g, "\\.")} \\(TLS name ${peer1.hostOverride.replace(/\./g, "\\.")}\\)`,
                ),
            );
            assert.match(error.message, /ECONNREFUSED|No connection established/);
            return true;
        });
        await network.startNode(peer1.name);
        const { outs } = await chaincodeInstallProvider.create(install(peer1, org1));
        assert.equal(outs.packageId, pkg.packageId);
        const installed = await queryAllInstalled({ peer: endpoint(peer1), identity: org1.admin });
        assert.equal(installed.filter((entry) => entry.packageId === pkg.packageId).length, 1);
        await chaincodeInstallProvider.create(install(org2.peers[0], org2));
    });

    it("fault: the orderer stopped before the approval through the gateway names the ordering service, not the peer", async () => {
        await network.stopNode(network.orderer.name);
        const started = Date.now();
        await assert.rejects(chaincodeApprovalProvider.create(approval(org1, false)), (error: Error) => {
            assert.match(error.message, /the ordering service did not take the transaction/);
            assert.match(error.message, new RegExp(`${org1.peers[0].endpoint.replace(/\./g, "\\.")} .*was reached`));
            assert.match(error.message, /Check that the channel's orderers run/);
            assert.doesNotMatch(error.message, /^cannot reach/);
            return true;
        });
        assert.ok(Date.now() - started < 30_000, "fails fast, not at a deadline");
        assert.equal(await approved(org1), undefined, "nothing was approved");
        await network.startNode(network.orderer.name);
        const before = await height();
        const { outs } = await chaincodeApprovalProvider.create(approval(org1, false));
        assert.equal(outs.approvedSequence, 1);
        assert.equal(await height(), before + 1, "one approval transaction");
    });

    it("fault: the orderer stopped before the approval with the orderer setting names the orderer endpoint", async () => {
        await network.stopNode(network.orderer.name);
        await assert.rejects(chaincodeApprovalProvider.create(approval(org2, true)), (error: Error) => {
            assert.match(
                error.message,
                new RegExp(
                    `cannot reach ${network.orderer.endpoint} \\(TLS name ${network.orderer.hostOverride.replace(/\./g, "\\.")}\\) \\(/orderer\\.AtomicBroadcast/Broadcast\\)`,
                ),
            );
            return true;
        });
        await network.startNode(network.orderer.name);
        const { outs } = await chaincodeApprovalProvider.create(approval(org2, true));
        assert.equal(outs.approvedSequence, 1);
        assert.equal((await approved(org2))?.sequence, 1);
    });

    it("fault: the orderer stopped before the commit fails naming the ordering service; the re-run commits once", async () => {
        const inputs = definitionInputs(network, org1, { version: "1.0", endorsementPolicy: POLICY });
        await network.stopNode(network.orderer.name);
        await assert.rejects(
            chaincodeDefinitionProvider.create(inputs),
            /the ordering service did not take the transaction/,
        );
        await network.startNode(network.orderer.name);
        const before = await height();
        const { outs } = await chaincodeDefinitionProvider.create(inputs);
        assert.equal(outs.committedSequence, 1);
        assert.equal(await height(), before + 1, "one commit transaction");
        assert.equal(
            (
                await queryCommitted({
                    peer: endpoint(org2.peers[0]),
                    identity: org2.admin,
                    channel: network.channel,
                    name: "basic",
                })
            )?.sequence,
            1,
        );
        assert.equal(
            (await chaincodeDefinitionProvider.diff("id", outs, inputs)).changes,
            false,
            "a further re-run sends nothing",
        );
    });

    it("fault: a server registering under another chaincode ID is diagnosed within the smoke check's wait", async () => {
        const wrongId = `basic_1.0:${"0".repeat(64)}`;
        await startServer(wrongId);
        const waitSeconds = 15;
        const inputs: ChaincodeSmokeCheckInputs = {
            ...peerInputs(org1.peers[0]),
            ...admin(org1),
            channel: network.channel,
            chaincodeName: "basic",
            expectedPackageId: pkg.packageId,
            chaincodeAddress: `127.0.0.1:${chaincodePort}`,
            waitSeconds,
        };
        const started = Date.now();
        await assert.rejects(chaincodeSmokeCheckProvider.create(inputs), (error: Error) => {
            assert.match(
                error.message,
                /while the peer answers other calls: it is waiting for the chaincode server to register as /,
            );
            assert.ok(error.message.includes(pkg.packageId), "names the package ID the server must use");
            assert.match(error.message, /is the chaincode server's CHAINCODE_ID exactly the package ID/);
            assert.doesNotMatch(error.message, /the peer itself is unreachable/);
            return true;
        });
        const elapsed = (Date.now() - started) / 1000;
        // The wait, plus the peer probe (5 s at most) and a margin: far below the peer's 300 s start-up timeout.
        assert.ok(elapsed < waitSeconds + 10, `diagnosed after ${elapsed} s`);

        // Stopping the wrong server ends the peer's stuck launch; the right one is then reached at once.
        await stopServer();
        await startServer(pkg.packageId);
        const { outs } = await chaincodeSmokeCheckProvider.create({ ...inputs, waitSeconds: 30 });
        assert.equal(outs.responseLength, 2);
    });
    it("fault: an orderers list on a Raft channel is tried in order: none reachable names each, an unreachable first one falls through", async () => {
        const closed = [await freePort(), await freePort()].map((port) => ({
            endpoint: `127.0.0.1:${port}`,
            tlsCaPem: network.orderer.tlsCaPem,
        }));
        const live = {
            endpoint: network.orderer.endpoint,
            tlsCaPem: network.orderer.tlsCaPem,
            hostOverride: network.orderer.hostOverride,
        };
        const upgrade = (
            orderers: Array<{ endpoint: string; tlsCaPem: string; hostOverride?: string }>,
        ): ChaincodeApprovalInputs => ({ ...approval(org2, false), version: "1.1", orderers });
        const before = await height();
        await assert.rejects(chaincodeApprovalProvider.create(upgrade(closed)), (error: Error) => {
            assert.match(error.message, /no orderer accepted transaction [0-9a-f]{64}; tried 2 in order:/);
            for (const target of closed)
                assert.ok(
                    error.message.includes(`cannot reach ${target.endpoint} (/orderer.AtomicBroadcast/Broadcast)`),
                    error.message,
                );
            return true;
        });
        assert.equal(await height(), before, "nothing was ordered");
        const { outs } = await chaincodeApprovalProvider.create(upgrade([...closed, live]));
        assert.equal(outs.approvedSequence, 2);
        assert.equal((await approved(org2))?.version, "1.1");
        assert.equal(await height(), before + 1, "one approval transaction");
    });
    it("fault: the same approval and commit sent twice at once (a re-run racing an earlier transaction) both converge", async () => {
        const upgrade: ChaincodeApprovalInputs = { ...approval(org1, false), version: "1.1" };
        const approvals = await Promise.all([
            chaincodeApprovalProvider.create(upgrade),
            chaincodeApprovalProvider.create(upgrade),
        ]);
        assert.deepEqual(
            approvals.map(({ outs }) => outs.approvedSequence),
            [2, 2],
        );
        assert.equal((await approved(org1))?.version, "1.1");

        const definition = definitionInputs(network, org1, { version: "1.1", endorsementPolicy: POLICY });
        const commits = await Promise.all([
            chaincodeDefinitionProvider.create(definition),
            chaincodeDefinitionProvider.create(definition),
        ]);
        assert.deepEqual(
            commits.map(({ outs }) => outs.committedSequence),
            [2, 2],
        );
        const committed = await queryCommitted({
            peer: endpoint(org2.peers[0]),
            identity: org2.admin,
            channel: network.channel,
            name: "basic",
        });
        assert.equal(committed?.sequence, 2);
        assert.equal(committed?.version, "1.1");
    });
});
