/*
 * The lifecycle through the official Gateway client, with mutual TLS: each
 * org approves through its own peer's gateway, and the committing org lists
 * only its own peer: the gateway finds the other org's endorser through
 * discovery (the anchor peers), so no commitPeers are needed.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { getChannelHeight, queryCommitted } from "../../components/fabric";
import { buildChaincodePackage, type ChaincodePackage } from "../../components/packaging";
import {
    chaincodeApprovalProvider,
    chaincodeDefinitionProvider,
    chaincodeInstallProvider,
} from "../../components/lifecycle/providers";
import { clientEndpoint, startNetwork, type FabricNetwork, type Org } from "../../testenv/network";
import { approvalFields, definitionInputs } from "../support/definition-inputs";
import { printLogsOnFailure } from "../support/failure-logs";

const POLICY = "OR('Org1MSP.member', 'Org2MSP.member')";

describe("the lifecycle through the Gateway client (mutual TLS, discovery)", () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let pkg: ChaincodePackage;

    const connection = (org: Org) => ({
        peerEndpoint: org.peers[0].endpoint,
        peerTlsCaPem: org.peers[0].tlsCaPem,
        peerHostOverride: org.peers[0].hostOverride,
        clientTlsCertPem: org.clientTls.certPem,
        clientTlsKeyPem: org.clientTls.keyPem,
        mspId: org.mspId,
        adminCertPem: org.admin.certPem,
        adminKeyPem: org.admin.keyPem,
    });
    const height = (org: Org) =>
        getChannelHeight({ peer: clientEndpoint(org.peers[0], org), identity: org.admin, channel: network.channel });

    before(async () => {
        network = await startNetwork({ clientAuthRequired: true });
        pkg = buildChaincodePackage({ label: "basic_1.0", address: "127.0.0.1:9999" });
    });

    after(async () => {
        await network?.stop();
    });

    it("each org approves through its own peer's gateway", async () => {
        for (const org of network.orgs) {
            await chaincodeInstallProvider.create({
                ...connection(org),
                packageBase64: pkg.bytes.toString("base64"),
                packageId: pkg.packageId,
            });
            const before = await height(org);
            const { outs } = await chaincodeApprovalProvider.create({
                ...connection(org),
                ...approvalFields(network, { version: "1.0", endorsementPolicy: POLICY, packageId: pkg.packageId }),
            });
            assert.equal(outs.approvedSequence, 1);
            assert.match(outs.approvalTxId, /^[0-9a-f]{64}$/);
            assert.equal(await height(org), before + 1, `${org.mspId}: one approval transaction`);
        }
    });

    it("commits listing only the committing org's peer: the gateway gathers the other org's endorsement", async () => {
        const [org1, org2] = network.orgs;
        const own = {
            endpoint: org1.peers[0].endpoint,
            tlsCaPem: org1.peers[0].tlsCaPem,
            hostOverride: org1.peers[0].hostOverride,
            mspId: org1.mspId,
        };
        const inputs = {
            ...definitionInputs(network, org1, { version: "1.0", endorsementPolicy: POLICY }),
            peers: [own],
            clientTlsCertPem: org1.clientTls.certPem,
            clientTlsKeyPem: org1.clientTls.keyPem,
        };
        const { outs } = await chaincodeDefinitionProvider.create(inputs);
        assert.equal(outs.committedSequence, 1);
        assert.match(outs.commitTxId, /^[0-9a-f]{64}$/);
        // LifecycleEndorsement is MAJORITY of two orgs: the commit is VALID only with Org2's endorsement too.
        const committed = await queryCommitted({
            peer: clientEndpoint(org2.peers[0], org2),
            identity: org2.admin,
            channel: network.channel,
            name: "basic",
        });
        assert.equal(committed?.sequence, 1);
        assert.deepEqual(committed?.approvals, { Org1MSP: true, Org2MSP: true });
    });
});
