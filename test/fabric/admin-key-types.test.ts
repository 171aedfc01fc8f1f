/*
 * Org admins whose keys are not P-256, against real peers: a P-384 admin
 * (Fabric 2.5 and 3) and an Ed25519 admin (Fabric 3; Fabric 2.5's MSP has
 * no Ed25519) install, approve through the gateway and query, each signed
 * as Fabric verifies that key type. The certificates are issued by the
 * orgs' own CAs (test/support/org-admin.ts), since cryptogen issues P-256 only.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import {
    approveForMyOrg,
    type Endpoint,
    type IdentityPem,
    installChaincode,
    queryAllInstalled,
    queryApproved,
} from "../../components/fabric";
import { buildChaincodePackage, type ChaincodePackage } from "../../components/packaging";
import { fabricMajor, startNetwork, type FabricNetwork, type Org } from "../../testenv/network";
import { printLogsOnFailure } from "../support/failure-logs";
import { issueOrgAdmin } from "../support/org-admin";

const POLICY = "OR('Org1MSP.member', 'Org2MSP.member')";
const FABRIC_3 = fabricMajor() >= 3;

describe("org admins with P-384 and Ed25519 keys against real peers", () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let pkg: ChaincodePackage;
    const endpoint = (org: Org): Endpoint => ({
        address: org.peers[0].endpoint,
        tlsCaPem: org.peers[0].tlsCaPem,
        hostOverride: org.peers[0].hostOverride,
    });
    const definition = { name: "basic", version: "1.0", sequence: 1, endorsementPolicy: POLICY };

    before(async () => {
        network = await startNetwork();
        pkg = buildChaincodePackage({ label: "basic_1.0", address: "127.0.0.1:9999" });
    });

    after(async () => {
        await network?.stop();
    });

    async function installApproveAndQuery(org: Org, admin: IdentityPem): Promise<void> {
        const peer = endpoint(org);
        const installed = await installChaincode({ peer, identity: admin, packageBytes: pkg.bytes });
        assert.equal(installed.packageId, pkg.packageId);
        assert.ok(
            (await queryAllInstalled({ peer, identity: admin })).some((entry) => entry.packageId === pkg.packageId),
            "the admin-only query answers",
        );
        const approval = await approveForMyOrg({
            peer,
            identity: admin,
            channel: network.channel,
            definition,
            packageId: pkg.packageId,
        });
        assert.equal(approval.validationCode, 0, "the approval transaction, signed with this key, is VALID");
        assert.equal(
            (await queryApproved({ peer, identity: admin, channel: network.channel, name: "basic" }))?.packageId,
            pkg.packageId,
        );
    }

    it("a P-384 admin of Org1 installs, approves and queries", async () => {
        await installApproveAndQuery(network.orgs[0], issueOrgAdmin(network, network.orgs[0], "P-384"));
    });

    it(
        FABRIC_3
            ? "an Ed25519 admin of Org2 installs, approves and queries (Fabric 3)"
            : "an Ed25519 admin is refused by Fabric 2.5's MSP, naming the peer",
        async () => {
            const admin = issueOrgAdmin(network, network.orgs[1], "Ed25519");
            if (FABRIC_3) {
                await installApproveAndQuery(network.orgs[1], admin);
                return;
            }
            await assert.rejects(
                installChaincode({ peer: endpoint(network.orgs[1]), identity: admin, packageBytes: pkg.bytes }),
                (error: Error) => {
                    assert.ok(error.message.includes(network.orgs[1].peers[0].endpoint), error.message);
                    assert.match(
                        error.message,
                        /creator is malformed \(the peer could not read the signing certificate: .*Ed25519 from Fabric 3\.0\)/,
                    );
                    return true;
                },
            );
        },
    );
});
