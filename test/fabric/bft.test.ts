/*
 * A BFT ordering service (Fabric 3: four SmartBFT orderers, so one may
 * fail): the harness starts it with a TLS and signing identity per orderer,
 * our client reads the consensus from the channel config, and the lifecycle
 * commits with an orderer down, through the peer gateway and through the
 * `orderers` list, which broadcasts to every orderer and needs Fabric's
 * quorum (3 of 4). Runs on the Fabric 3 line (FABRIC_VERSION=3.1.5).
 */
import assert from "node:assert/strict";
import * as tls from "node:tls";
import { after, before, describe, it } from "node:test";
import {
    type Endpoint,
    getChannelHeight,
    queryApproved,
    queryCommitted,
    readOrderingService,
    withConnections,
    createSigningIdentity,
} from "../../components/fabric";
import { buildChaincodePackage, type ChaincodePackage } from "../../components/packaging";
import {
    chaincodeApprovalProvider,
    chaincodeDefinitionProvider,
    chaincodeInstallProvider,
    type ChaincodeApprovalInputs,
} from "../../components/lifecycle/providers";
import {
    fabricMajor,
    ordererChannelInfo,
    startNetwork,
    testedFabricVersion,
    type FabricNetwork,
    type OrdererNode,
    type Org,
    type PeerNode,
} from "../../testenv/network";
import { approvalFields, definitionInputs } from "../support/definition-inputs";
import { printLogsOnFailure } from "../support/failure-logs";

const POLICY = "OR('Org1MSP.member', 'Org2MSP.member')";
const version = testedFabricVersion();
const notOnThisLine =
    fabricMajor(version) >= 3
        ? false
        : `BFT ordering arrived in Fabric 3; this run is on Fabric ${version} (FABRIC_VERSION=3.1.5 npm run test:fabric runs it)`;

/** The subject CN of the certificate a TLS server presents. */
function presentedCommonName(node: OrdererNode): Promise<string> {
    const [host, port] = node.endpoint.split(":");
    return new Promise((resolve, reject) => {
        const socket = tls.connect(
            { host, port: Number(port), ca: node.tlsCaPem, servername: node.hostOverride, ALPNProtocols: ["h2"] },
            () => {
                const cn: unknown = socket.getPeerCertificate().subject.CN;
                socket.end();
                resolve(String(cn));
            },
        );
        socket.once("error", reject);
    });
}

describe("a BFT ordering service: four SmartBFT orderers", { skip: notOnThisLine }, () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let org1: Org;
    let org2: Org;
    let pkg: ChaincodePackage;

    const endpoint = (peer: PeerNode): Endpoint => ({
        address: peer.endpoint,
        tlsCaPem: peer.tlsCaPem,
        hostOverride: peer.hostOverride,
    });
    const admin = (org: Org) => ({ mspId: org.mspId, adminCertPem: org.admin.certPem, adminKeyPem: org.admin.keyPem });
    const peerInputs = (peer: PeerNode) => ({
        peerEndpoint: peer.endpoint,
        peerTlsCaPem: peer.tlsCaPem,
        peerHostOverride: peer.hostOverride,
    });
    const ordererList = (nodes: readonly OrdererNode[]) =>
        nodes.map((node) => ({ endpoint: node.endpoint, tlsCaPem: node.tlsCaPem, hostOverride: node.hostOverride }));
    const height = () =>
        getChannelHeight({ peer: endpoint(org1.peers[0]), identity: org1.admin, channel: network.channel });
    const approval = (
        org: Org,
        chaincodeVersion: string,
        orderers?: readonly OrdererNode[],
    ): ChaincodeApprovalInputs => ({
        ...approvalFields(network, { version: chaincodeVersion, endorsementPolicy: POLICY, packageId: pkg.packageId }),
        ...peerInputs(org.peers[0]),
        ...admin(org),
        ...(orderers ? { orderers: ordererList(orderers) } : {}),
    });

    before(async () => {
        network = await startNetwork({ consensus: "BFT" });
        [org1, org2] = network.orgs;
        pkg = buildChaincodePackage({ label: "basic_1.0", address: "127.0.0.1:9999" });
    });

    after(async () => {
        await network?.stop();
    });

    it("runs four consenters, each active on the channel and serving TLS as itself", async () => {
        assert.equal(network.consensus, "BFT");
        assert.deepEqual(
            network.orderers.map((node) => node.name),
            ["orderer0.example.com", "orderer1.example.com", "orderer2.example.com", "orderer3.example.com"],
        );
        for (const node of network.orderers) {
            const info = await ordererChannelInfo(node, network.channel);
            assert.equal(info.consensusRelation, "consenter", node.name);
            assert.equal(info.status, "active", node.name);
            assert.equal(await presentedCommonName(node), node.name, "each orderer has a TLS certificate of its own");
        }
    });

    it("reads the channel's ordering service from a peer: BFT with 4 consenters", async () => {
        const service = await withConnections({}, (connections) =>
            readOrderingService(
                connections,
                endpoint(org1.peers[0]),
                createSigningIdentity(org1.admin),
                network.channel,
            ),
        );
        assert.deepEqual(service, { consensusType: "BFT", consenterCount: 4 });
    });

    it("with one orderer down, approves through the gateway and through the orderers list, and commits", async () => {
        for (const org of network.orgs) {
            for (const peer of org.peers) {
                await chaincodeInstallProvider.create({
                    ...peerInputs(peer),
                    ...admin(org),
                    packageBase64: pkg.bytes.toString("base64"),
                    packageId: pkg.packageId,
                });
            }
        }
        const down = network.orderers[3];
        await network.stopNode(down.name);

        const before = await height();
        const viaGateway = await chaincodeApprovalProvider.create(approval(org1, "1.0"));
        assert.equal(viaGateway.outs.approvedSequence, 1);
        const viaList = await chaincodeApprovalProvider.create(approval(org2, "1.0", network.orderers));
        assert.equal(viaList.outs.approvedSequence, 1);
        assert.equal(
            (
                await queryApproved({
                    peer: endpoint(org2.peers[0]),
                    identity: org2.admin,
                    channel: network.channel,
                    name: "basic",
                })
            )?.sequence,
            1,
        );

        const definition = definitionInputs(network, org1, {
            version: "1.0",
            endorsementPolicy: POLICY,
            orderers: ordererList(network.orderers),
        });
        const { outs } = await chaincodeDefinitionProvider.create(definition);
        assert.equal(outs.committedSequence, 1);
        assert.equal(
            await height(),
            before + 3,
            "three transactions, each ordered once although three orderers took it",
        );
        for (const org of network.orgs) {
            for (const peer of org.peers) {
                const committed = await queryCommitted({
                    peer: endpoint(peer),
                    identity: org.admin,
                    channel: network.channel,
                    name: "basic",
                });
                assert.equal(committed?.sequence, 1, peer.name);
            }
        }
        await network.startNode(down.name);
    });

    it("refuses an orderers list shorter than the quorum before sending anything", async () => {
        const before = await height();
        await assert.rejects(
            chaincodeApprovalProvider.create(approval(org1, "1.1", network.orderers.slice(0, 2))),
            (error: Error) => {
                assert.match(
                    error.message,
                    /on a BFT channel of 4 consenters with 2 orderer\(s\) listed: 3 must accept it, so list at least 3 of them/,
                );
                return true;
            },
        );
        assert.equal(await height(), before, "nothing was ordered");
        assert.equal(
            (
                await queryApproved({
                    peer: endpoint(org1.peers[0]),
                    identity: org1.admin,
                    channel: network.channel,
                    name: "basic",
                })
            )?.sequence,
            1,
        );
    });

    it("with two orderers down, names each and the quorum; once they are back the re-run converges", async () => {
        const [, , third, fourth] = network.orderers;
        await network.stopNode(third.name);
        await network.stopNode(fourth.name);
        await assert.rejects(
            chaincodeApprovalProvider.create(approval(org1, "1.1", network.orderers)),
            (error: Error) => {
                assert.match(
                    error.message,
                    /was accepted by 2 of 4 orderer\(s\), but a BFT channel of 4 consenters needs 3/,
                );
                assert.match(error.message, /start them and run again/);
                for (const node of [third, fourth])
                    assert.ok(
                        error.message.includes(`cannot reach ${node.endpoint} (TLS name ${node.hostOverride})`),
                        `names ${node.name}: ${error.message}`,
                    );
                return true;
            },
        );
        await network.startNode(third.name);
        await network.startNode(fourth.name);
        const { outs } = await chaincodeApprovalProvider.create(approval(org1, "1.1", network.orderers));
        assert.equal(outs.approvedSequence, 2);
        const approved = await queryApproved({
            peer: endpoint(org1.peers[0]),
            identity: org1.admin,
            channel: network.channel,
            name: "basic",
        });
        assert.equal(approved?.sequence, 2);
        assert.equal(approved?.version, "1.1");
    });
});
