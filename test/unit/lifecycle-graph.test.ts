import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { dependsOn, installMocks, promiseOf, registrationsSettled } from "./support/pulumiMocks";
import { testPki } from "../support/pki";
import { inflatedPackage } from "../../components/lifecycle/providers/package-in-state";

const mocks = installMocks();
import { ExternalChaincode } from "../../components/chaincode/external-chaincode";

const isFabricResource = (type: string) => type.startsWith("pulumi-nodejs:dynamic/fabric:");
const pki = testPki();
const admin = { certPem: pki.clientCertPem, keyPem: pki.clientKeyPem };
// What the channel runs is given as the input it is; the read itself is tested against real peers (test/fabric).
const NOTHING_COMMITTED = {};
const lifecycle = {
    channel: "mychannel",
    endorsementPolicy: "AND('Org1MSP.member', 'Org2MSP.member')",
    org: {
        mspId: "Org1MSP",
        peers: [{ endpoint: "peer0.org1.example.com:7051" }, { endpoint: "peer1.org1.example.com:8051" }],
        peerTlsCaPem: admin.certPem,
        adminCertPem: admin.certPem,
        adminKeyPem: admin.keyPem,
    },
    commitPeers: [{ endpoint: "peer0.org2.example.com:9051", mspId: "Org2MSP", tlsCaPem: admin.certPem }],
};

describe("ExternalChaincode with the Fabric lifecycle (mocks)", () => {
    let cc: ExternalChaincode;
    before(async () => {
        cc = new ExternalChaincode("basic", {
            chaincodeName: "basic",
            namespace: "hlf1",
            image: "registry.example.com/basic:1.0",
            lifecycle,
            channelPlan: NOTHING_COMMITTED,
        });
        await promiseOf(cc.smokeCheck!.responseSha256 ?? cc.packageId);
        await registrationsSettled();
    });

    it("installs on every peer of the org with the locally computed package ID", async () => {
        const installs = mocks.resources
            .filter((r) => isFabricResource(r.type))
            .filter((r) => r.name.startsWith("basic-lifecycle-install-"));
        assert.deepEqual(
            installs.map((r) => r.inputs.peerEndpoint),
            ["peer0.org1.example.com:7051", "peer1.org1.example.com:8051"],
        );
        const packageId = await promiseOf(cc.packageId);
        for (const install of installs) {
            assert.equal(install.inputs.packageId, packageId);
            // The state carries the package deflated: the same bytes back, about a fifth of the size.
            const packageBytes = Buffer.from(await promiseOf(cc.packageBase64), "base64");
            assert.deepEqual(inflatedPackage(install.inputs.packageDeflated), packageBytes);
            assert.ok(install.inputs.packageDeflated.length * 4 < packageBytes.toString("base64").length);
            assert.equal("packageBase64" in install.inputs, false);
            assert.ok(install.secretPaths.includes("adminKeyPem"), "admin key reaches the engine as a secret");
            assert.ok(install.secretPaths.includes("packageDeflated"), "the package holds the peer's client key");
        }
    });

    it("starts the server under the installed package ID once every peer of the org holds it", () => {
        const deployment = mocks.named(`basic-${cc.releaseKey}-server-deployment`);
        const env = Object.fromEntries(
            deployment.inputs.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]),
        );
        assert.equal(env.CHAINCODE_ID, mocks.named("basic-lifecycle-install-0").inputs.packageId);
        for (const install of ["basic-lifecycle-install-0", "basic-lifecycle-install-1"]) {
            assert.ok(
                dependsOn(mocks.named(`basic-${cc.releaseKey}-server-deployment`), install),
                `the server waits for ${install}`,
            );
        }
    });

    it("orders install -> approval -> commit -> smoke check after the rollout", () => {
        const approval = mocks.named("basic-lifecycle-approval");
        const definition = mocks.named("basic-lifecycle-definition");
        const smoke = mocks.named("basic-smoke");
        assert.ok(dependsOn(approval, "basic-lifecycle-install-0") && dependsOn(approval, "basic-lifecycle-install-1"));
        assert.ok(dependsOn(definition, "basic-lifecycle-approval"));
        assert.ok(dependsOn(smoke, "basic-lifecycle-definition"));
        assert.ok(
            dependsOn(smoke, `basic-${cc.releaseKey}-server-deployment`),
            "the smoke check waits for the rollout",
        );
    });

    it("approves and commits the same definition, endorsing the commit on one peer per org", () => {
        const approval = mocks.named("basic-lifecycle-approval").inputs;
        const definition = mocks.named("basic-lifecycle-definition").inputs;
        for (const field of ["channel", "name", "version", "sequence", "endorsementPolicy"]) {
            assert.deepEqual(approval[field], definition[field], field);
        }
        assert.equal(approval.sequence, "auto");
        assert.equal(approval.peerEndpoint, "peer0.org1.example.com:7051");
        assert.deepEqual(
            definition.peers.map((p: any) => p.mspId),
            ["Org1MSP", "Org2MSP"],
        );
        const smoke = mocks.named("basic-smoke").inputs;
        assert.equal(smoke.fn, undefined, "the provider's default (GetAllAssets) applies");
        assert.equal(smoke.expectedPackageId, approval.packageId);
        assert.equal(smoke.chaincodeAddress, `basic-${cc.releaseKey}.hlf1:9999`);
    });

    it("installs and approves only when another org's stack commits", async () => {
        const org2 = new ExternalChaincode("org2cc", {
            chaincodeName: "basic",
            serviceName: "basic-org2",
            namespace: "hlf2",
            image: "registry.example.com/basic:1.0",
            lifecycle: {
                ...lifecycle,
                commit: false,
                commitPeers: undefined,
                org: { ...lifecycle.org, mspId: "Org2MSP", peers: [{ endpoint: "peer0.org2.example.com:9051" }] },
            },
            channelPlan: NOTHING_COMMITTED,
        });
        await promiseOf(org2.packageId);
        await registrationsSettled();
        const names = mocks.resources
            .filter((r) => isFabricResource(r.type))
            .map((r) => r.name)
            .filter((n) => n.startsWith("org2cc"));
        assert.deepEqual(names.sort(), ["org2cc-lifecycle-approval", "org2cc-lifecycle-install-0", "org2cc-smoke"]);
        // Its own peer checks its own server once another stack has committed the sequence it approved.
        const smoke = mocks.named("org2cc-smoke");
        assert.equal(smoke.inputs.awaitSequence, 1, "the approved sequence");
        assert.equal(smoke.inputs.peerEndpoint, "peer0.org2.example.com:9051");
        assert.equal(smoke.inputs.mspId, "Org2MSP");
        assert.ok(
            dependsOn(smoke, "org2cc-lifecycle-approval") &&
                dependsOn(smoke, `org2cc-${org2.releaseKey}-server-deployment`),
        );
    });

    it("checks through every peer of the org, each named by its own setting", () => {
        const checks = mocks.resources.filter(
            (r) => r.type.endsWith("ChaincodeSmokeCheck") && /^basic-smoke/.test(r.name),
        );
        assert.deepEqual(
            checks.map((r) => `${r.name} ${r.inputs.peerEndpoint}`),
            ["basic-smoke peer0.org1.example.com:7051", "basic-smoke-peer1 peer1.org1.example.com:8051"],
        );
        assert.equal(checks[1].inputs.settingNames.peerEndpoint, "lifecycle.org.peers[1].endpoint");
        assert.equal(checks[1].inputs.settingNames.waitSeconds, "smokeCheck.waitSeconds");
        for (const check of checks) {
            assert.equal(check.inputs.awaitSequence, undefined, "the committing stack checks right after its commit");
            assert.ok(dependsOn(check, "basic-lifecycle-definition"));
        }
    });

    it("orders one org's commit after another org's approval in the same stack through approvedBy", async () => {
        const org2Lifecycle = {
            ...lifecycle,
            org: { ...lifecycle.org, mspId: "Org2MSP" },
            commit: false,
            commitPeers: undefined,
        };
        const approving = new ExternalChaincode("pair2", {
            chaincodeName: "basic",
            namespace: "pair2",
            image: "r.example.com/b:1",
            lifecycle: org2Lifecycle,
            channelPlan: NOTHING_COMMITTED,
        });
        const committing = new ExternalChaincode("pair1", {
            chaincodeName: "basic",
            namespace: "pair1",
            image: "r.example.com/b:1",
            lifecycle: { ...lifecycle, requiredApprovals: ["Org1MSP", approving.lifecycle!.approvedBy] },
            channelPlan: NOTHING_COMMITTED,
        });
        assert.equal(await promiseOf(approving.lifecycle!.approvedBy), "Org2MSP");
        await promiseOf(committing.packageId);
        await registrationsSettled();
        const definition = mocks.named("pair1-lifecycle-definition");
        assert.ok(dependsOn(definition, "pair2-lifecycle-approval"), "the commit waits for the other org's approval");
        assert.deepEqual(definition.inputs.requiredApprovals, ["Org1MSP", "Org2MSP"]);
    });

    it("acts for several orgs in one stack: installs on every org's peers, approves for each together, commits with each org's first peer", async () => {
        const org2 = {
            ...lifecycle.org,
            mspId: "Org2MSP",
            peers: [{ endpoint: "peer0.org2.example.com:9051" }, { endpoint: "peer1.org2.example.com:10051" }],
        };
        const multi = new ExternalChaincode("multi", {
            chaincodeName: "basic",
            namespace: "multi",
            image: "r.example.com/b:1",
            lifecycle: { ...lifecycle, commitPeers: undefined, otherOrgs: [org2] },
            channelPlan: NOTHING_COMMITTED,
        });
        await promiseOf(multi.packageId);
        await registrationsSettled();
        const fabric = mocks.resources
            .filter((r) => isFabricResource(r.type) && r.name.startsWith("multi-"))
            .map((r) => r.name)
            .sort();
        assert.deepEqual(fabric, [
            "multi-lifecycle-Org2MSP-approval",
            "multi-lifecycle-Org2MSP-install-0",
            "multi-lifecycle-Org2MSP-install-1",
            "multi-lifecycle-approval",
            "multi-lifecycle-definition",
            "multi-lifecycle-install-0",
            "multi-lifecycle-install-1",
            "multi-smoke",
            "multi-smoke-peer1",
        ]);
        const installs = fabric.filter((n) => n.includes("-install-"));
        const packageId = await promiseOf(multi.packageId);
        for (const install of installs)
            assert.equal(mocks.named(install).inputs.packageId, packageId, `${install}: one package for every org`);
        assert.equal(
            mocks.named("multi-lifecycle-Org2MSP-install-1").inputs.peerEndpoint,
            "peer1.org2.example.com:10051",
        );
        assert.equal(mocks.named("multi-lifecycle-Org2MSP-approval").inputs.mspId, "Org2MSP");
        assert.ok(mocks.named("multi-lifecycle-Org2MSP-approval").secretPaths.includes("adminKeyPem"));
        // Both approvals wait for every install, so they are sent together; the commit waits for both.
        for (const approval of ["multi-lifecycle-approval", "multi-lifecycle-Org2MSP-approval"]) {
            for (const install of installs)
                assert.ok(dependsOn(mocks.named(approval), install), `${approval} waits for ${install}`);
            assert.ok(
                dependsOn(mocks.named("multi-lifecycle-definition"), approval),
                `the commit waits for ${approval}`,
            );
        }
        const definition = mocks.named("multi-lifecycle-definition");
        assert.deepEqual(
            definition.inputs.peers.map((p: { endpoint: string; mspId: string }) => `${p.mspId} ${p.endpoint}`),
            ["Org1MSP peer0.org1.example.com:7051", "Org2MSP peer0.org2.example.com:9051"],
        );
        assert.equal(definition.inputs.settingNames["peers[1]"], "lifecycle.otherOrgs[0].peers[0]");
        assert.equal(
            mocks.named("multi-lifecycle-Org2MSP-install-1").inputs.settingNames.peerEndpoint,
            "lifecycle.otherOrgs[0].peers[1].endpoint",
        );
        assert.equal(
            mocks.named("multi-lifecycle-Org2MSP-install-1").inputs.settingNames.adminKeyPem,
            "lifecycle.otherOrgs[0].adminKeyPem",
        );
        for (const install of installs)
            assert.ok(
                dependsOn(mocks.named(`multi-${multi.releaseKey}-server-deployment`), install),
                `the server waits for ${install}`,
            );
    });

    it("moves the peers off a running server only once the new one is available: the approval waits for the new release's Deployment", async () => {
        const live = {
            packageId: `basic_1.0:${"ab".repeat(32)}`,
            address: "basic-00000000.hlf-switch:9999",
            sequence: 1,
            replacedInThisUpdate: false,
        };
        const next = new ExternalChaincode("switch", {
            chaincodeName: "basic",
            namespace: "hlf-switch",
            image: "registry.example.com/basic:1.1",
            chaincodeVersion: "1.1",
            lifecycle,
            channelPlan: { liveRelease: live },
        });
        await promiseOf(next.packageId);
        await registrationsSettled();
        const approval = mocks.named("switch-lifecycle-approval");
        assert.ok(
            dependsOn(approval, `switch-${next.releaseKey}-server-deployment`),
            `the approval waits only for ${approval.dependencies.join(", ")}`,
        );
        assert.ok(!dependsOn(approval, "switch-00000000-server-deployment"), "nor for the running server");
        // A first release moves no peer off anything: its approval goes out beside the rollout.
        assert.ok(!dependsOn(mocks.named("basic-lifecycle-approval"), `basic-${cc.releaseKey}-server-deployment`));
    });

    it("rejects a malformed policy or lifecycle setting before creating anything", async () => {
        const hsm = {
            library: "/usr/lib/softhsm/libsofthsm2.so",
            tokenLabel: "fabric",
            keyId: "org1-admin",
            pin: "1234",
        };
        const cases: Array<[string, object, RegExp]> = [
            ["bad-policy", { endorsementPolicy: "OR('Org1MSP.member'" }, /endorsementPolicy/],
            ["bad-role", { endorsementPolicy: "OR('Org1MSP.owner')" }, /endorsementPolicy.*owner/s],
            // Each named by its path in ExternalChaincode's arguments, as a library user wrote it.
            ["bad-channel", { channel: "My Channel" }, /invalid lifecycle\.channel: "My Channel"/],
            [
                "bad-peer",
                { org: { ...lifecycle.org, peers: [{ endpoint: "peer0" }] } },
                /invalid lifecycle\.org\.peers\[0\]\.endpoint: "peer0"/,
            ],
            ["bad-sequence", { sequence: 0 }, /invalid lifecycle\.sequence: 0/],
            [
                "bad-ca",
                { org: { ...lifecycle.org, peerTlsCaPem: "not a pem" } },
                /invalid lifecycle\.org\.peerTlsCaPem: "not a pem"; expected one or more PEM-encoded X.509 certificates/,
            ],
            [
                "key-mismatch",
                { org: { ...lifecycle.org, adminKeyPem: pki.unrelatedKeyPem } },
                /invalid lifecycle\.org\.adminKeyPem: .*not shown/,
            ],
            [
                "no-key",
                { org: { ...lifecycle.org, adminKeyPem: undefined } },
                /invalid lifecycle\.org\.adminKeyPem: \(not set\); expected the admin's private key \(PEM, as a secret\), or the HSM that holds it \(adminHsm\)/,
            ],
            [
                "two-keys",
                { org: { ...lifecycle.org, adminHsm: hsm } },
                /invalid lifecycle\.org\.adminKeyPem: \(set, not shown\); expected one admin key: a PEM key or an HSM \(adminHsm\), not both/,
            ],
            [
                "hsm-library",
                { org: { ...lifecycle.org, adminKeyPem: undefined, adminHsm: { ...hsm, library: "softhsm2.so" } } },
                /invalid lifecycle\.org\.adminHsm\.library: "softhsm2.so"; expected the absolute path/,
            ],
            [
                "hsm-other-org",
                {
                    otherOrgs: [
                        { ...lifecycle.org, mspId: "Org2MSP", adminKeyPem: undefined, adminHsm: { ...hsm, keyId: "" } },
                    ],
                },
                /invalid lifecycle\.otherOrgs\[0\]\.adminHsm\.keyId: ""/,
            ],
            ["bad-timeout", { timeoutSeconds: 0 }, /invalid lifecycle\.timeoutSeconds: 0/],
        ];
        for (const [name, override, message] of cases) {
            assert.throws(
                () =>
                    new ExternalChaincode(name, {
                        chaincodeName: "basic",
                        image: "r.example.com/b:1",
                        lifecycle: { ...lifecycle, ...override } as any,
                    }),
                (err: Error) => message.test(err.message),
                name,
            );
        }
        await registrationsSettled();
        for (const [name] of cases) {
            assert.deepEqual(
                mocks.resources.filter((r) => r.name.startsWith(`${name}-`)).map((r) => r.name),
                [],
                name,
            );
        }
    });
});
