/*
 * What the components pass to the Fabric resources, as pure functions (no
 * Pulumi mocks): which resources, their names, their peers and how a failed
 * check names each setting.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { lifecycleResourceArgs, smokeCheckArgs } from "../../components/lifecycle/fabric-resource-args";
import type { ChaincodeLifecycleArgs, FabricOrgArgs } from "../../components/lifecycle/chaincode-lifecycle";
import { testPki } from "../support/pki";

const pki = testPki();
const org1: FabricOrgArgs = {
    mspId: "Org1MSP",
    peers: [
        { endpoint: "peer0.org1:7051" },
        { endpoint: "peer1.org1:8051", tlsCaPem: "peer1-ca", hostOverride: "peer1" },
    ],
    peerTlsCaPem: "org1-ca",
    adminCertPem: pki.clientCertPem,
    adminKeyPem: pki.clientKeyPem,
};
const org2: FabricOrgArgs = {
    mspId: "Org2MSP",
    peers: [{ endpoint: "peer0.org2:9051" }],
    peerTlsCaPem: "org2-ca",
    adminCertPem: pki.clientCertPem,
    adminHsm: { library: "/usr/lib/softhsm/libsofthsm2.so", tokenLabel: "org2", keyId: "admin", pin: "1234" },
};
const definition = { chaincodeName: "basic", version: "1.1", packageBase64: "UEsDBA==", packageId: "basic_1.1:abc" };
const lifecycle = (extra: Partial<ChaincodeLifecycleArgs> = {}): ChaincodeLifecycleArgs => ({
    channel: "mychannel",
    org: org1,
    ...extra,
});

describe("the lifecycle's resources", () => {
    it("installs on every peer of every acting org, each peer with its own TLS CA or its org's", () => {
        const { installs } = lifecycleResourceArgs("cc", lifecycle({ otherOrgs: [org2] }), definition);
        assert.deepEqual(
            installs.map((org) => org.map((install) => install.name)),
            [["cc-install-0", "cc-install-1"], ["cc-Org2MSP-install-0"]],
        );
        assert.deepEqual(
            installs.flat().map((install) => install.args.peer),
            [
                { endpoint: "peer0.org1:7051", tlsCaPem: "org1-ca", hostOverride: undefined },
                { endpoint: "peer1.org1:8051", tlsCaPem: "peer1-ca", hostOverride: "peer1" },
                { endpoint: "peer0.org2:9051", tlsCaPem: "org2-ca", hostOverride: undefined },
            ],
        );
        const org2Install = installs[1][0].args;
        assert.equal(org2Install.adminHsm, org2.adminHsm, "another org signs with its own key, here in an HSM");
        assert.equal(org2Install.adminKeyPem, undefined);
        assert.equal((org2Install.settingNames as Record<string, string>).adminHsmPin, "otherOrgs[0].adminHsm.pin");
    });

    it("names each input by the argument it came from, each org peer's CA as the user gave it: the peer's own, or the org's", () => {
        const { installs } = lifecycleResourceArgs("cc", lifecycle(), definition);
        const names = installs[0].map((install) => install.args.settingNames as Record<string, string>);
        assert.deepEqual(
            names.map((n) => [n.peerEndpoint, n.peerTlsCaPem, n.adminHsmPin, n.timeoutSeconds]),
            [
                ["org.peers[0].endpoint", "org.peerTlsCaPem", "org.adminHsm.pin", "timeoutSeconds"],
                ["org.peers[1].endpoint", "org.peers[1].tlsCaPem", "org.adminHsm.pin", "timeoutSeconds"],
            ],
        );
    });

    it('names them as the caller\'s users know them when given its names: a prefix mapped to "" stands for its fields', () => {
        const settingNames = {
            org: "",
            timeoutSeconds: "fabricTimeoutSeconds",
            "org.adminHsm.pin": "adminHsmPin",
            commitPeers: "endorsers",
        };
        const commitPeer = { endpoint: "peer0.org3:11051", mspId: "Org3MSP", tlsCaPem: "org3-ca" };
        const declared = lifecycleResourceArgs(
            "cc",
            lifecycle({ settingNames, commitPeers: [commitPeer] }),
            definition,
        );
        const install = declared.installs[0][1].args.settingNames as Record<string, string>;
        assert.deepEqual(
            [install.peerEndpoint, install.peerTlsCaPem, install.adminHsmPin, install.timeoutSeconds],
            ["peers[1].endpoint", "peers[1].tlsCaPem", "adminHsmPin", "fabricTimeoutSeconds"],
        );
        const commit = declared.definition!.args.settingNames as Record<string, string>;
        assert.deepEqual(
            [commit["peers[0]"], commit["peers[0].tlsCaPem"], commit["peers[1]"], commit.name],
            ["peers[0]", "peerTlsCaPem", "endorsers[0]", "chaincodeName"],
        );
    });

    it("commits through the first peer of each acting org, then the commit peers, each named as written", () => {
        const commitPeer = { endpoint: "peer0.org3:11051", mspId: "Org3MSP", tlsCaPem: "org3-ca" };
        const { definition: commit } = lifecycleResourceArgs(
            "cc",
            lifecycle({ otherOrgs: [org2], commitPeers: [commitPeer] }),
            definition,
        );
        assert.ok(commit);
        assert.equal(commit.name, "cc-definition");
        assert.deepEqual(commit.args.peers, [
            { endpoint: "peer0.org1:7051", tlsCaPem: "org1-ca", hostOverride: undefined, mspId: "Org1MSP" },
            { endpoint: "peer0.org2:9051", tlsCaPem: "org2-ca", hostOverride: undefined, mspId: "Org2MSP" },
            commitPeer,
        ]);
        const names = commit.args.settingNames as Record<string, string>;
        assert.deepEqual([names["peers[1]"], names["peers[2]"]], ["otherOrgs[0].peers[0]", "commitPeers[0]"]);
        assert.equal(commit.args.adminKeyPem, org1.adminKeyPem, "the first org signs the commit");
    });

    it("approves once per org and commits nothing when another stack commits", () => {
        const declared = lifecycleResourceArgs("cc", lifecycle({ otherOrgs: [org2], commit: false }), definition);
        assert.deepEqual(
            declared.approvals.map((approval) => [approval.name, approval.args.mspId, approval.args.peer.endpoint]),
            [
                ["cc-approval", "Org1MSP", "peer0.org1:7051"],
                ["cc-Org2MSP-approval", "Org2MSP", "peer0.org2:9051"],
            ],
        );
        assert.equal(declared.definition, undefined);
    });

    it("carries the orderer as given and the definition's fields to approvals and commit alike", () => {
        const orderer = { endpoint: "orderer:7050", tlsCaPem: "orderer-ca" };
        const declared = lifecycleResourceArgs(
            "cc",
            lifecycle({ orderer, sequence: 3, endorsementPolicy: "OR('Org1MSP.member')" }),
            definition,
        );
        for (const args of [declared.approvals[0].args, declared.definition!.args]) {
            assert.deepEqual(
                [args.orderer, args.sequence, args.endorsementPolicy, args.name, args.version],
                [orderer, 3, "OR('Org1MSP.member')", "basic", "1.1"],
            );
        }
    });
});

describe("the smoke checks", () => {
    const request = {
        chaincodeName: "basic",
        lifecycle: lifecycle(),
        expectedPackageId: "basic_1.1:abc",
        chaincodeAddress: "basic.hlf:9999",
        triggers: ["basic_1.1:abc"],
        commitWaitSeconds: 30,
    };

    it("checks through every peer of the org, the first peer's check keeping its name", () => {
        const checks = smokeCheckArgs("cc", { ...request, awaitSequence: undefined });
        assert.deepEqual(
            checks.map((check) => [check.name, check.args.peer.endpoint, check.args.peer.tlsCaPem]),
            [
                ["cc-smoke", "peer0.org1:7051", "org1-ca"],
                ["cc-smoke-peer1", "peer1.org1:8051", "peer1-ca"],
            ],
        );
        assert.equal(
            checks[0].args.commitWaitSeconds,
            undefined,
            "a committing stack does not wait for another's commit",
        );
        const names = checks[1].args.settingNames as Record<string, string>;
        assert.deepEqual(
            [names.waitSeconds, names.peerEndpoint, names.timeoutSeconds],
            ["smokeCheck.waitSeconds", "lifecycle.org.peers[1].endpoint", "lifecycle.timeoutSeconds"],
        );
    });

    it("a stack that only approves waits for the sequence it approved, as long as it was told", () => {
        const [check] = smokeCheckArgs("cc", { ...request, awaitSequence: 2 });
        assert.deepEqual([check.args.awaitSequence, check.args.commitWaitSeconds], [2, 30]);
    });
});
