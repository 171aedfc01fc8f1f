/*
 * asset-transfer-basic end to end: our deterministic ccaas package (TLS and
 * mutual TLS on), installed on three real peers of two orgs, approved and
 * committed with our lifecycle client, served by the real chaincode server
 * process (chaincode/asset-transfer-basic/dist/server.js) on loopback, and
 * called through the peers' gateways. Then the two mistakes users make most:
 * a chaincode ID that is not the package ID, and TLS material from the wrong
 * CA; each must end in the peer's own error within the configured timeouts.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import {
    approveForMyOrg,
    checkCommitReadiness,
    commitDefinition,
    evaluate,
    evaluateOnPeer,
    FabricCallError,
    installChaincode,
    submit,
} from "../../components/fabric";
import { buildChaincodePackage, type ChaincodePackage } from "../../components/packaging";
import { clientEndpoint, startNetwork, type FabricNetwork, type Org } from "../../testenv/network";
import { freePort, ServerProcess } from "../../chaincode/asset-transfer-basic/test/server-process";
import { createTlsFixtures, type TlsFixtures } from "../../chaincode/asset-transfer-basic/test/tls-fixtures";
import { assertChaincodeServerBuilt, CHAINCODE_SERVER } from "../support/chaincode-server";
import { printLogsOnFailure } from "../support/failure-logs";

const NAME = "basic";
/** Both orgs endorse every transaction: their chaincode results must be byte-identical. */
const POLICY = "AND('Org1MSP.member', 'Org2MSP.member')";
/** The harness's CORE_CHAINCODE_STARTUPTIMEOUT (testenv/network/node-config.ts). */
const PEER_STARTUP_TIMEOUT_SECONDS = 60;
/** What the peer waits for a TLS connection to the chaincode (connection.json dial_timeout). */
const DIAL_TIMEOUT = "5s";

describe("asset-transfer-basic as a TLS chaincode server on a real Fabric network", () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let org1: Org;
    let org2: Org;
    let pki: TlsFixtures;
    let pkg: ChaincodePackage;
    let address: string;
    let server: ServerProcess | undefined;

    const call = () => ({
        peer: clientEndpoint(org1.peers[0], org1),
        identity: org1.user,
        channel: network.channel,
        chaincode: NAME,
        timeoutSeconds: 30,
    });

    /** The chaincode server with the good settings, any of which a case may override. */
    async function startServer(overrides: NodeJS.ProcessEnv = {}): Promise<ServerProcess> {
        const started = new ServerProcess(
            {
                CHAINCODE_ID: pkg.packageId,
                CHAINCODE_SERVER_ADDRESS: address,
                CHAINCODE_TLS_CERT_FILE: pki.server.certFile,
                CHAINCODE_TLS_KEY_FILE: pki.server.keyFile,
                CHAINCODE_CLIENT_CA_CERT_FILE: pki.clientCa.certFile,
                CORE_CHAINCODE_LOGGING_LEVEL: "WARNING",
                ...overrides,
            },
            CHAINCODE_SERVER,
        );
        server = started;
        await started.listening();
        return started;
    }

    /** SIGTERM must end the server with code 0 even while peers hold streams to it. */
    async function stopServer(): Promise<void> {
        const running = server;
        server = undefined;
        if (running === undefined) return;
        running.signal("SIGTERM");
        assert.deepEqual(await running.exitWithin(10_000), { code: 0, signal: null }, running.stderr);
        // The peers see their chat streams end and deregister the chaincode; the next call launches it again.
        await new Promise((resolve) => setTimeout(resolve, 1000));
    }

    before(async () => {
        assertChaincodeServerBuilt();
        pki = createTlsFixtures();
        network = await startNetwork({ clientAuthRequired: true });
        [org1, org2] = network.orgs;
        address = `127.0.0.1:${await freePort()}`;
        pkg = buildChaincodePackage({
            label: "basic_1.0",
            address,
            dialTimeout: DIAL_TIMEOUT,
            tls: {
                rootCertPem: pki.serverCa.certPem,
                clientAuth: { clientCertPem: pki.client.certPem, clientKeyPem: pki.client.keyPem },
            },
        });
    });

    after(async () => {
        await server?.kill();
        await network?.stop();
        pki?.remove();
    });

    it("installs the package on every peer, starts the server with its ID, approves for both orgs and commits", async () => {
        for (const org of network.orgs) {
            for (const node of org.peers) {
                const installed = await installChaincode({
                    peer: clientEndpoint(node, org),
                    identity: org.admin,
                    packageBytes: pkg.bytes,
                });
                assert.equal(installed.packageId, pkg.packageId, node.name);
            }
        }
        const running = await startServer();
        assert.match(
            running.stdout,
            new RegExp(`listening on ${address} \\(chaincode ID ${pkg.packageId}; TLS on, client auth on\\)`),
        );

        const definition = { name: NAME, version: "1.0", sequence: 1, endorsementPolicy: POLICY };
        for (const org of network.orgs) {
            const approved = await approveForMyOrg({
                peer: clientEndpoint(org.peers[0], org),
                identity: org.admin,
                channel: network.channel,
                definition,
                packageId: pkg.packageId,
            });
            assert.equal(approved.validationCode, 0);
        }
        const readiness = await checkCommitReadiness({
            peer: clientEndpoint(org1.peers[0], org1),
            identity: org1.admin,
            channel: network.channel,
            definition,
        });
        assert.deepEqual(readiness.approvals, { Org1MSP: true, Org2MSP: true });
        const committed = await commitDefinition({
            peers: [clientEndpoint(org1.peers[0], org1), clientEndpoint(org2.peers[0], org2)],
            identity: org1.admin,
            channel: network.channel,
            definition,
        });
        assert.equal(committed.validationCode, 0);
    });

    it("submits InitLedger (endorsed by both orgs) and evaluates GetAllAssets: the six assets, canonical JSON", async () => {
        const init = await submit({ ...call(), fn: "InitLedger" });
        assert.equal(init.validationCode, 0);

        const raw = (await evaluate({ ...call(), fn: "GetAllAssets" })).toString("utf8");
        assert.ok(
            raw.startsWith('[{"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5},'),
            raw,
        );
        const assets = JSON.parse(raw) as Array<{ ID: string; Owner: string }>;
        assert.deepEqual(
            assets.map((asset) => `${asset.ID}:${asset.Owner}`),
            ["asset1:Tomoko", "asset2:Brad", "asset3:Jin Soo", "asset4:Max", "asset5:Adriana", "asset6:Michel"],
        );
        const onOrg2 = await evaluate({
            ...call(),
            peer: clientEndpoint(org2.peers[0], org2),
            identity: org2.user,
            fn: "GetAllAssets",
        });
        assert.equal(onOrg2.toString("utf8"), raw, "every peer returns identical bytes");
    });

    it("returns TransferAsset's previous owner through the gateway", async () => {
        const transfer = await submit({ ...call(), fn: "TransferAsset", args: ["asset1", "Christopher"] });
        assert.equal(transfer.validationCode, 0);
        assert.equal(transfer.result.toString("utf8"), "Tomoko");
        const asset = JSON.parse(
            (await evaluate({ ...call(), fn: "ReadAsset", args: ["asset1"] })).toString("utf8"),
        ) as { Owner: string };
        assert.equal(asset.Owner, "Christopher");
    });

    it("surfaces the chaincode's own error text for a missing asset", async () => {
        await assert.rejects(evaluate({ ...call(), fn: "ReadAsset", args: ["asset7"] }), (error: unknown) => {
            assert.ok(error instanceof FabricCallError, String(error));
            assert.match(error.message, /the asset asset7 does not exist/);
            assert.ok(error.message.includes(org1.peers[0].endpoint), error.message);
            return true;
        });
    });

    it("fails within the dial timeout, the peer logging the TLS reason, when the server's certificate is not from root_cert's CA", async () => {
        await stopServer();
        await startServer({
            CHAINCODE_TLS_CERT_FILE: pki.strangerServer.certFile,
            CHAINCODE_TLS_KEY_FILE: pki.strangerServer.keyFile,
        });
        const logBefore = readFileSync(org1.peers[0].logFile, "utf8").length;
        await assert.rejects(evaluate({ ...call(), fn: "GetAllAssets" }), (error: unknown) =>
            assertCannotConnect(error),
        );
        const peerLog = readFileSync(org1.peers[0].logFile, "utf8").slice(logBefore);
        assert.ok(
            peerLog.includes(`x509: certificate signed by unknown authority remoteaddress=${address}`),
            `the peer log should name the TLS failure: ${peerLog.slice(-2000)}`,
        );
    });

    it("fails within the dial timeout when the server does not trust the peer's client certificate", async () => {
        await stopServer();
        await startServer({ CHAINCODE_CLIENT_CA_CERT_FILE: pki.strangerCa.certFile });
        // Node closes the TLS 1.3 connection without an alert, so the peer can only report the dial deadline.
        await assert.rejects(evaluate({ ...call(), fn: "GetAllAssets" }), (error: unknown) =>
            assertCannotConnect(error),
        );
    });

    /** The peer's answer when it cannot open a TLS connection to the chaincode within dial_timeout. */
    function assertCannotConnect(error: unknown): true {
        assert.ok(error instanceof FabricCallError, String(error));
        assert.ok(error.message.includes(org1.peers[0].endpoint), error.message);
        assert.ok(
            error.message.includes(
                `could not launch chaincode ${pkg.packageId}: connection to ${pkg.packageId} failed`,
            ),
            error.message,
        );
        assert.ok(
            error.message.includes(
                `error creating grpc connection to ${address}: failed to create new connection: context deadline exceeded`,
            ),
            error.message,
        );
        return true;
    }

    it("fails with the peer's startup timeout, not a hang, when the server announces another chaincode ID", async () => {
        await stopServer();
        const wrongId = `basic_1.0:${"0".repeat(64)}`;
        await startServer({ CHAINCODE_ID: wrongId });
        const logBefore = readFileSync(org1.peers[0].logFile, "utf8").length;
        // Endorser/ProcessProposal on the peer itself: the gateway's own 30 s endorsement
        // timeout would otherwise end the call before the peer's 60 s startup timeout says why.
        await assert.rejects(
            evaluateOnPeer({ ...call(), fn: "GetAllAssets", timeoutSeconds: PEER_STARTUP_TIMEOUT_SECONDS + 30 }),
            (error: unknown) => {
                assert.ok(error instanceof FabricCallError, String(error));
                assert.ok(
                    error.message.includes(`timeout expired while starting chaincode ${pkg.packageId}`),
                    error.message,
                );
                return true;
            },
        );
        const peerLog = readFileSync(org1.peers[0].logFile, "utf8").slice(logBefore);
        assert.ok(
            peerLog.includes(`peer will not accept external chaincode connection ${wrongId}`),
            "the peer log names the ID it refused",
        );
    });

    it("works again once the server runs with the package ID and the right certificates", async () => {
        await stopServer();
        await startServer();
        const asset = JSON.parse(
            (await evaluate({ ...call(), fn: "ReadAsset", args: ["asset2"] })).toString("utf8"),
        ) as { Owner: string };
        assert.equal(asset.Owner, "Brad");
    });
});
