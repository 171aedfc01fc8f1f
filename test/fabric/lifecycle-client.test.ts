/*
 * The Fabric client against a real orderer and three real peers (two orgs)
 * with mutual TLS required: install, query, approve, readiness, commit, query
 * committed, chaincode evaluate/submit, and the failures users will meet
 * (wrong admin, unreachable peer, missing client certificate).
 */
import assert from "node:assert/strict";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import {
    approveForMyOrg,
    buildSignedProposal,
    checkCommitReadiness,
    commitDefinition,
    createSigningIdentity,
    endorse,
    EndorsementMismatchError,
    evaluate,
    FabricCallError,
    FabricUnavailableError,
    formatApplicationPolicy,
    getChannelHeight,
    getInstalledPackage,
    installChaincode,
    queryAllCommitted,
    queryAllInstalled,
    queryApproved,
    queryCommitted,
    queryInstalled,
    submit,
    withConnections,
} from "../../components/fabric";
import { buildChaincodePackage, type ChaincodePackage } from "../../components/packaging";
import { clientEndpoint, fabricMajor, startNetwork, type FabricNetwork, type Org } from "../../testenv/network";
import { assertChaincodeServerBuilt, CHAINCODE_SERVER, freePort, waitFor } from "../support/chaincode-server";
import { printLogsOnFailure } from "../support/failure-logs";

const POLICY = "OR('Org1MSP.member', 'Org2MSP.member')";
/** Fabric 3's commit readiness also says how each org's approval differs; Fabric 2.5's says nothing. */
const READINESS_NAMES_MISMATCHES = fabricMajor() >= 3;

describe("Fabric lifecycle client against a real network (mutual TLS)", () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let org1: Org;
    let org2: Org;
    let chaincodePort = 0;
    let pkg: ChaincodePackage;
    let server: ChildProcess | undefined;
    let serverOutput = "";

    const definition = () => ({ name: "basic", version: "1.0", sequence: 1, endorsementPolicy: POLICY });

    before(async () => {
        network = await startNetwork({ clientAuthRequired: true });
        [org1, org2] = network.orgs;
        chaincodePort = await freePort();
        pkg = buildChaincodePackage({ label: "basic_1.0", address: `127.0.0.1:${chaincodePort}` });
    });

    after(async () => {
        if (server && server.exitCode === null) {
            server.kill("SIGKILL");
            await new Promise((resolve) => server!.once("exit", resolve));
        }
        await network?.stop();
    });

    it("installs on all three peers and gets the locally computed package ID", async () => {
        for (const org of network.orgs) {
            for (const peer of org.peers) {
                const result = await installChaincode({
                    peer: clientEndpoint(peer, org),
                    identity: org.admin,
                    packageBytes: pkg.bytes,
                });
                assert.deepEqual(
                    result,
                    { packageId: pkg.packageId, label: "basic_1.0", alreadyInstalled: false },
                    peer.name,
                );
            }
        }
    });

    it("treats re-installing as success with the same package ID", async () => {
        const peer = org2.peers[0];
        const result = await installChaincode({
            peer: clientEndpoint(peer, org2),
            identity: org2.admin,
            packageBytes: pkg.bytes,
        });
        assert.deepEqual(result, { packageId: pkg.packageId, label: "basic_1.0", alreadyInstalled: true });
    });

    it("queries installed packages (one, all, the package bytes, and an absent one)", async () => {
        const peer = clientEndpoint(org1.peers[1], org1);
        const one = await queryInstalled({ peer, identity: org1.admin, packageId: pkg.packageId });
        assert.deepEqual(one, { packageId: pkg.packageId, label: "basic_1.0", references: {} });
        const all = await queryAllInstalled({ peer: clientEndpoint(org1.peers[0], org1), identity: org1.admin });
        assert.deepEqual(
            all.map((installed) => installed.packageId),
            [pkg.packageId],
        );
        const bytes = await getInstalledPackage({ peer, identity: org1.admin, packageId: pkg.packageId });
        assert.ok(bytes?.equals(pkg.bytes), "the peer must hand back exactly the bytes we installed");
        assert.equal(
            await queryInstalled({ peer, identity: org1.admin, packageId: `basic_1.0:${"0".repeat(64)}` }),
            undefined,
        );
        assert.equal(
            await getInstalledPackage({ peer, identity: org1.admin, packageId: `basic_1.0:${"0".repeat(64)}` }),
            undefined,
        );
    });

    it("refuses to assemble a transaction from peers whose answers differ", async () => {
        // peer1 gets a second package, so the two Org1 peers answer QueryInstalledChaincodes differently
        // (asked on the channel, so each answer is a signed ProposalResponsePayload).
        const extra = buildChaincodePackage({ label: "extra_1.0", address: "127.0.0.1:1" });
        await installChaincode({
            peer: clientEndpoint(org1.peers[1], org1),
            identity: org1.admin,
            packageBytes: extra.bytes,
        });
        const identity = createSigningIdentity(org1.admin);
        const proposal = await buildSignedProposal(identity, {
            channel: network.channel,
            chaincodeName: "_lifecycle",
            args: [Buffer.from("QueryInstalledChaincodes"), new Uint8Array()],
        });
        await withConnections({}, async (connections) => {
            await assert.rejects(
                endorse(
                    connections,
                    [clientEndpoint(org1.peers[0], org1), clientEndpoint(org1.peers[1], org1)],
                    proposal,
                ),
                (error: unknown) => {
                    assert.ok(error instanceof EndorsementMismatchError, String(error));
                    assert.equal(error.txId, proposal.txId);
                    assert.ok(
                        error.message.includes(org1.peers[0].endpoint) &&
                            error.message.includes(org1.peers[1].endpoint),
                    );
                    return true;
                },
            );
        });
    });

    it("fails with the peer's access-denied message when another org's admin installs", async () => {
        const peer = org1.peers[0];
        await assert.rejects(
            installChaincode({ peer: clientEndpoint(peer, org2), identity: org2.admin, packageBytes: pkg.bytes }),
            (error: unknown) => {
                assert.ok(error instanceof FabricCallError, String(error));
                assert.match(error.message, /access denied/);
                assert.ok(error.message.includes(peer.endpoint), error.message);
                assert.match(error.txId ?? "", /^[0-9a-f]{64}$/);
                assert.ok(error.message.includes(error.txId!));
                return true;
            },
        );
    });

    it("fails within the deadline naming the endpoint when the peer's port is closed", async () => {
        const closed = `127.0.0.1:${await freePort()}`;
        const started = Date.now();
        await assert.rejects(
            queryAllInstalled({
                peer: { ...clientEndpoint(org1.peers[0], org1), address: closed },
                identity: org1.admin,
                timeoutSeconds: 5,
            }),
            (error: unknown) => {
                assert.ok(error instanceof FabricUnavailableError, String(error));
                assert.ok(error.message.startsWith(`cannot reach ${closed}`), error.message);
                return true;
            },
        );
        assert.ok(Date.now() - started < 15_000, "bounded by the deadline");
    });

    it("fails naming the endpoint when mutual TLS is required and no client certificate is given", async () => {
        const peer = org1.peers[0];
        const { clientCertPem: _c, clientKeyPem: _k, ...withoutClientCert } = clientEndpoint(peer, org1);
        await assert.rejects(
            queryAllInstalled({ peer: withoutClientCert, identity: org1.admin, timeoutSeconds: 10 }),
            (error: unknown) => {
                assert.ok(error instanceof FabricUnavailableError, String(error));
                assert.ok(error.message.includes(peer.endpoint), error.message);
                assert.match(error.message, /requires mutual TLS: set clientCertPem and clientKeyPem/);
                return true;
            },
        );
    });

    it("approves for Org1 through the peer gateway; readiness then names Org2MSP as missing", async () => {
        const peer = clientEndpoint(org1.peers[0], org1);
        assert.equal(
            await queryApproved({ peer, identity: org1.admin, channel: network.channel, name: "basic" }),
            undefined,
        );
        const result = await approveForMyOrg({
            peer,
            identity: org1.admin,
            channel: network.channel,
            definition: definition(),
            packageId: pkg.packageId,
        });
        assert.equal(result.validationCode, 0);
        assert.match(result.txId, /^[0-9a-f]{64}$/);

        const readiness = await checkCommitReadiness({
            peer,
            identity: org1.admin,
            channel: network.channel,
            definition: definition(),
        });
        assert.deepEqual(readiness.approvals, { Org1MSP: true, Org2MSP: false });
        // Fabric 3: an org that approved nothing at the sequence differs in the whole parameter structure.
        assert.deepEqual(readiness.mismatches, READINESS_NAMES_MISMATCHES ? { Org2MSP: ["ChaincodeParameters"] } : {});
        const otherPolicy = await checkCommitReadiness({
            peer,
            identity: org1.admin,
            channel: network.channel,
            definition: { ...definition(), endorsementPolicy: "OR('Org1MSP.member')" },
        });
        assert.deepEqual(otherPolicy.approvals, { Org1MSP: false, Org2MSP: false });
        // Fabric 3: Org1 approved another policy, which lives in the validation group of its parameters.
        assert.deepEqual(
            otherPolicy.mismatches,
            READINESS_NAMES_MISMATCHES ? { Org1MSP: ["ValidationInfo"], Org2MSP: ["ChaincodeParameters"] } : {},
        );

        const approved = await queryApproved({ peer, identity: org1.admin, channel: network.channel, name: "basic" });
        assert.equal(approved?.packageId, pkg.packageId);
        assert.equal(approved?.sequence, 1);
        assert.equal(formatApplicationPolicy(approved!.validationParameter), POLICY);
    });

    it("surfaces the peer's refusal to approve unchanged content twice", async () => {
        const peer = clientEndpoint(org1.peers[0], org1);
        await assert.rejects(
            approveForMyOrg({
                peer,
                identity: org1.admin,
                channel: network.channel,
                definition: definition(),
                packageId: pkg.packageId,
            }),
            (error: unknown) => {
                assert.ok(error instanceof FabricCallError, String(error));
                assert.match(
                    error.message,
                    /attempted to redefine uncommitted sequence \(1\) for namespace basic with unchanged content/,
                );
                assert.equal(error.status, 500);
                return true;
            },
        );
    });

    it("approves for Org2 through orderer broadcast, waiting on DeliverFiltered (tls_cert_hash bound)", async () => {
        const peer = clientEndpoint(org2.peers[0], org2);
        const heightBefore = await getChannelHeight({ peer, identity: org2.admin, channel: network.channel });
        const result = await approveForMyOrg({
            peer,
            identity: org2.admin,
            channel: network.channel,
            definition: definition(),
            packageId: pkg.packageId,
            submit: { orderer: clientEndpoint(network.orderer, org2), waitVia: "deliver" },
        });
        assert.equal(result.validationCode, 0);
        assert.ok(
            result.blockNumber >= heightBefore,
            `block ${result.blockNumber} should be new (height was ${heightBefore})`,
        );
        const readiness = await checkCommitReadiness({
            peer,
            identity: org2.admin,
            channel: network.channel,
            definition: definition(),
        });
        assert.deepEqual(readiness.approvals, { Org1MSP: true, Org2MSP: true });
    });

    it("commits with one endorsing peer per org and every peer reports the definition", async () => {
        const result = await commitDefinition({
            peers: [clientEndpoint(org1.peers[0], org1), clientEndpoint(org2.peers[0], org2)],
            identity: org1.admin,
            channel: network.channel,
            definition: definition(),
        });
        assert.equal(result.validationCode, 0);
        for (const org of network.orgs) {
            for (const node of org.peers) {
                const committed = await queryCommitted({
                    peer: clientEndpoint(node, org),
                    identity: org.admin,
                    channel: network.channel,
                    name: "basic",
                });
                assert.equal(committed?.sequence, 1, node.name);
                assert.equal(committed?.version, "1.0");
                assert.equal(committed?.endorsementPlugin, "escc");
                assert.equal(committed?.validationPlugin, "vscc");
                assert.equal(formatApplicationPolicy(committed!.validationParameter), POLICY);
                assert.deepEqual(committed?.approvals, { Org1MSP: true, Org2MSP: true });
            }
        }
        const all = await queryAllCommitted({
            peer: clientEndpoint(org2.peers[0], org2),
            identity: org2.user,
            channel: network.channel,
        });
        assert.deepEqual(
            all.map((committed) => `${committed.name}@${committed.sequence}`),
            ["basic@1"],
        );
        assert.equal(
            await queryCommitted({
                peer: clientEndpoint(org2.peers[0], org2),
                identity: org2.user,
                channel: network.channel,
                name: "nothere",
            }),
            undefined,
        );
        const installed = await queryInstalled({
            peer: clientEndpoint(org1.peers[0], org1),
            identity: org1.admin,
            packageId: pkg.packageId,
        });
        assert.deepEqual(installed?.references, { [network.channel]: [{ name: "basic", version: "1.0" }] });
    });

    it("evaluates and submits chaincode functions through the gateway, surfacing the chaincode's own errors", async () => {
        assertChaincodeServerBuilt();
        server = spawn(process.execPath, [CHAINCODE_SERVER], {
            env: {
                PATH: process.env.PATH,
                CHAINCODE_ID: pkg.packageId,
                CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${chaincodePort}`,
                CHAINCODE_TLS_DISABLED: "true",
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        server.stdout!.setEncoding("utf8").on("data", (chunk: string) => (serverOutput += chunk));
        server.stderr!.setEncoding("utf8").on("data", (chunk: string) => (serverOutput += chunk));
        await waitFor(
            () => serverOutput.includes("listening on"),
            20_000,
            () => `chaincode server did not start: ${serverOutput}`,
        );

        const call = {
            peer: clientEndpoint(org1.peers[0], org1),
            identity: org1.user,
            channel: network.channel,
            chaincode: "basic",
        };
        const submitted = await submit({ ...call, fn: "InitLedger" });
        assert.equal(submitted.validationCode, 0);
        const assets = JSON.parse((await evaluate({ ...call, fn: "GetAllAssets" })).toString("utf8")) as Array<{
            ID: string;
        }>;
        assert.ok(assets.length > 0, "InitLedger should have written assets");
        const first = JSON.parse(
            (await evaluate({ ...call, fn: "ReadAsset", args: [assets[0].ID] })).toString("utf8"),
        ) as { ID: string };
        assert.equal(first.ID, assets[0].ID);

        await assert.rejects(evaluate({ ...call, fn: "ReadAsset", args: ["no-such-asset"] }), (error: unknown) => {
            assert.ok(error instanceof FabricCallError, String(error));
            assert.match(error.message, /the asset no-such-asset does not exist/);
            assert.ok(error.message.includes(org1.peers[0].endpoint));
            return true;
        });
    });
});
