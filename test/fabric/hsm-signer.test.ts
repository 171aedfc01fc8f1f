/*
 * Org admins whose private keys live in an HSM, against real peers: the
 * orgs' admin keys imported into SoftHSM (a real PKCS#11 token), and the
 * dynamic providers called as the engine calls them with the adminHsm
 * inputs the config's signer: hsm gives. Every proposal, transaction and
 * gateway request is signed inside the token by the Gateway client's HSM
 * signer; the peers and orderer accept them as the admins'.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
    type Endpoint,
    getChannelHeight,
    type HsmKey,
    queryAllInstalled,
    queryApproved,
    queryCommitted,
} from "../../components/fabric";
import { buildChaincodePackage, type ChaincodePackage } from "../../components/packaging";
import {
    chaincodeApprovalProvider,
    chaincodeDefinitionProvider,
    chaincodeInstallProvider,
    type ChaincodeApprovalInputs,
} from "../../components/lifecycle/providers";
import { type FabricNetwork, type Org, startNetwork } from "../../testenv/network";
import { checkedCreate } from "../support/checked-create";
import { approvalFields, definitionInputs } from "../support/definition-inputs";
import { printLogsOnFailure } from "../support/failure-logs";
import { importKeyToSoftHsm, softHsmMissing } from "../support/softhsm";

const POLICY = "OR('Org1MSP.member', 'Org2MSP.member')";

describe("org admins with their keys in an HSM (SoftHSM) against real peers", { skip: softHsmMissing() }, () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let org1: Org;
    let org2: Org;
    const tokens = new Map<string, HsmKey>();
    let untouchedToken: HsmKey;
    let pkg: ChaincodePackage;

    const endpoint = (org: Org): Endpoint => ({
        address: org.peers[0].endpoint,
        tlsCaPem: org.peers[0].tlsCaPem,
        hostOverride: org.peers[0].hostOverride,
    });
    const peerInputs = (org: Org) => ({
        peerEndpoint: org.peers[0].endpoint,
        peerTlsCaPem: org.peers[0].tlsCaPem,
        peerHostOverride: org.peers[0].hostOverride,
    });
    /** The admin as the providers take it with signer: hsm: the certificate, and where the key is. */
    const hsmAdmin = (org: Org, hsm = tokens.get(org.mspId)!) => ({
        mspId: org.mspId,
        adminCertPem: org.admin.certPem,
        adminHsmLibrary: hsm.library,
        adminHsmTokenLabel: hsm.tokenLabel,
        adminHsmKeyId: hsm.keyId,
        adminHsmPin: hsm.pin,
    });

    before(async () => {
        network = await startNetwork();
        [org1, org2] = network.orgs;
        // Every token before the first signature: the library lists its slots once, when it is initialised.
        for (const org of network.orgs)
            tokens.set(org.mspId, importKeyToSoftHsm(org.admin.keyPem, `${org.mspId.toLowerCase()}-admin`));
        untouchedToken = importKeyToSoftHsm(org1.admin.keyPem, "org1msp-admin");
        pkg = buildChaincodePackage({ label: "basic_1.0", address: "127.0.0.1:9999" });
    });

    after(async () => {
        await network?.stop();
    });

    it("installs, approves for both orgs (through the gateway and through the orderer) and commits, every signature made in the HSM", async () => {
        for (const org of [org1, org2]) {
            const installed = await checkedCreate(chaincodeInstallProvider, {
                ...peerInputs(org),
                ...hsmAdmin(org),
                packageBase64: pkg.bytes.toString("base64"),
                packageId: pkg.packageId,
            });
            assert.equal(installed.id, `${pkg.packageId}@${org.peers[0].endpoint}`);
            // Read back with the PEM identity: what the HSM-signed install left on the peer.
            assert.ok(
                (await queryAllInstalled({ peer: endpoint(org), identity: org.admin })).some(
                    (entry) => entry.packageId === pkg.packageId,
                ),
                org.mspId,
            );
        }
        const fields = approvalFields(network, { version: "1.0", endorsementPolicy: POLICY, packageId: pkg.packageId });
        await checkedCreate(chaincodeApprovalProvider, { ...fields, ...peerInputs(org1), ...hsmAdmin(org1) });
        const viaOrderer = {
            ordererEndpoint: network.orderer.endpoint,
            ordererTlsCaPem: network.orderer.tlsCaPem,
            ordererHostOverride: network.orderer.hostOverride,
        };
        await checkedCreate(chaincodeApprovalProvider, {
            ...fields,
            ...peerInputs(org2),
            ...hsmAdmin(org2),
            ...viaOrderer,
        });
        const { adminKeyPem: _pem, ...commit } = definitionInputs(network, org1, {
            version: "1.0",
            endorsementPolicy: POLICY,
        });
        const committed = await checkedCreate(chaincodeDefinitionProvider, { ...commit, ...hsmAdmin(org1) });
        assert.equal(committed.outs.committedSequence, 1);

        const onChannel = await queryCommitted({
            peer: endpoint(org2),
            identity: org2.admin,
            channel: network.channel,
            name: "basic",
        });
        assert.equal(onChannel?.sequence, 1);
        assert.deepEqual(onChannel?.approvals, { Org1MSP: true, Org2MSP: true });
    });

    it("a wrong PIN stops an approval naming adminHsmPin before anything reaches the channel; with the right PIN the re-run converges", async () => {
        const height = () => getChannelHeight({ peer: endpoint(org1), identity: org1.admin, channel: network.channel });
        const before = await height();
        const approval: ChaincodeApprovalInputs = {
            ...approvalFields(network, { version: "1.0", endorsementPolicy: POLICY, packageId: pkg.packageId }),
            name: "basic-hsm",
            ...peerInputs(org1),
            // A token this process has not logged in to: PKCS#11 keeps one login per token and process.
            ...hsmAdmin(org1, { ...untouchedToken, pin: "not-the-pin" }),
        };
        await assert.rejects(checkedCreate(chaincodeApprovalProvider, approval), (error: Error) => {
            assert.match(
                error.message,
                /invalid adminHsmPin: \(a PIN, not shown\); expected the user PIN of token "fabric-test-\d+" \(the token said: CKR_PIN_INCORRECT\)/,
            );
            assert.ok(!error.message.includes("not-the-pin"));
            return true;
        });
        assert.equal(await height(), before, "nothing was submitted");
        assert.equal(
            await queryApproved({
                peer: endpoint(org1),
                identity: org1.admin,
                channel: network.channel,
                name: "basic-hsm",
            }),
            undefined,
        );

        const created = await checkedCreate(chaincodeApprovalProvider, {
            ...approval,
            adminHsmPin: untouchedToken.pin,
        });
        assert.equal(created.outs.approvedSequence, 1);
        assert.equal(
            (
                await queryApproved({
                    peer: endpoint(org1),
                    identity: org1.admin,
                    channel: network.channel,
                    name: "basic-hsm",
                })
            )?.packageId,
            pkg.packageId,
        );
    });
});
