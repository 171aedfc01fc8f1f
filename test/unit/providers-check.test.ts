/*
 * The providers' check and diff, and the sequence planning and smoke-check
 * hints, without a network: what is validated before anything is sent, and
 * which changes replace and which update.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { encodeDefinition, type CommittedDefinition } from "../../components/fabric";
import { buildChaincodePackage } from "../../components/packaging";
import {
    chaincodeApprovalProvider,
    chaincodeDefinitionProvider,
    chaincodeInstallProvider,
    chaincodeSmokeCheckProvider,
    smokeCheckHints,
    type ChaincodeApprovalInputs,
    type ChaincodeApprovalOutputs,
    type ChaincodeDefinitionInputs,
    type ChaincodeDefinitionOutputs,
    type ChaincodeInstallInputs,
    type ChaincodeInstallOutputs,
} from "../../components/lifecycle/providers";
import { describePlan, planSequence, requirePlanStillHolds } from "../../components/lifecycle/providers/lifecycle-plan";
import { UNKNOWN } from "../../components/lifecycle/providers/shared";
import { deflatedPackage } from "../../components/lifecycle/providers/package-in-state";
import { selfSignedCertificate, testPki } from "../support/pki";
import { checkLifecycleArgs } from "../../components/lifecycle/chaincode-lifecycle";
import type { InvalidSettingError } from "../../components/validation/errors";

const pki = testPki();
const pkg = buildChaincodePackage({ label: "basic_1.0", address: "basic.chaincode:9999" });
const connection = { peerEndpoint: "peer0.org1.example.com:7051", peerTlsCaPem: pki.caCertPem };
const admin = { mspId: "Org1MSP", adminCertPem: pki.clientCertPem, adminKeyPem: pki.clientKeyPem };
const install: ChaincodeInstallInputs = {
    ...connection,
    ...admin,
    packageBase64: pkg.bytes.toString("base64"),
    packageId: pkg.packageId,
};
const approval: ChaincodeApprovalInputs = {
    ...connection,
    ...admin,
    channel: "mychannel",
    name: "basic",
    version: "1.0",
    sequence: "auto",
    endorsementPolicy: "OR('Org1MSP.member')",
    packageId: pkg.packageId,
};
const definition: ChaincodeDefinitionInputs = {
    ...admin,
    channel: "mychannel",
    name: "basic",
    version: "1.0",
    sequence: "auto",
    peers: [{ endpoint: "peer0.org1.example.com:7051", tlsCaPem: pki.caCertPem }],
};

const properties = (failures: Array<{ property: string }>) => failures.map((failure) => failure.property).sort();

describe("check failures name the setting as the user wrote it", () => {
    it("renames a property by its longest mapped prefix: commitPeers[0] for peers[1], orderer.endpoint for ordererEndpoint", async () => {
        const news: ChaincodeDefinitionInputs = {
            ...definition,
            peers: [...definition.peers, { endpoint: "peer0.org2.example.com", tlsCaPem: pki.caCertPem }],
            ordererEndpoint: "orderer",
            ordererTlsCaPem: pki.caCertPem,
            settingNames: {
                "peers[1]": "commitPeers[0]",
                ordererEndpoint: "orderer.endpoint",
                "peers[0].tlsCaPem": "peerTlsCaPem",
            },
        };
        const { failures } = await chaincodeDefinitionProvider.check({}, news);
        const properties = failures.map((failure) => failure.property).sort();
        assert.deepEqual(properties, ["commitPeers[0].endpoint", "orderer.endpoint"]);
        for (const failure of failures)
            assert.match(failure.reason, new RegExp(`^invalid ${failure.property.replace(/[[\].]/g, "\\$&")}: `));
    });

    it("without a map, names a flat input by the argument a library user wrote (orderer.endpoint, not ordererEndpoint)", async () => {
        const { failures } = await chaincodeDefinitionProvider.check(
            {},
            { ...definition, ordererEndpoint: "orderer", ordererTlsCaPem: pki.caCertPem },
        );
        assert.deepEqual(
            failures.map((failure) => failure.property),
            ["orderer.endpoint"],
        );
        assert.match(failures[0].reason, /^invalid orderer\.endpoint: "orderer"/);
    });
});

describe("check", () => {
    it("accepts valid inputs unchanged", async () => {
        for (const [provider, inputs] of [
            [chaincodeInstallProvider, install],
            [chaincodeApprovalProvider, approval],
            [chaincodeDefinitionProvider, definition],
        ] as const) {
            const result = await (
                provider.check as (o: object, n: object) => Promise<{ inputs: object; failures: unknown[] }>
            )({}, inputs);
            assert.deepEqual(result.failures, []);
            assert.deepEqual(result.inputs, inputs);
        }
    });

    it("with the admin's key in an HSM: checks each adminHsm input and the certificate's key type without opening the HSM, and refuses a PEM key beside it", async () => {
        const { adminKeyPem: _pem, ...approvalWithoutKey } = approval;
        const { adminKeyPem: _installPem, ...installWithoutKey } = install;
        const hsm = {
            adminHsmLibrary: "/nonexistent/libpkcs11.so",
            adminHsmTokenLabel: "fabric",
            adminHsmKeyId: "org1-admin",
            adminHsmPin: "1234",
        };
        // The library need not exist here: a preview may run where the HSM is not.
        assert.deepEqual((await chaincodeApprovalProvider.check({}, { ...approvalWithoutKey, ...hsm })).failures, []);
        const bad = { adminHsmLibrary: "libpkcs11.so", adminHsmTokenLabel: "", adminHsmKeyId: " ", adminHsmPin: "" };
        const { failures } = await chaincodeApprovalProvider.check(
            {},
            { ...approvalWithoutKey, ...bad, settingNames: { adminHsmLibrary: "otherOrgs[0].adminHsmLibrary" } },
        );
        // Unmapped, each is named by the argument a library user wrote (adminHsm.keyId); mapped, as the map says.
        assert.deepEqual(properties(failures), [
            "adminHsm.keyId",
            "adminHsm.pin",
            "adminHsm.tokenLabel",
            "otherOrgs[0].adminHsmLibrary",
        ]);
        assert.ok(failures.every((failure) => !failure.reason.includes("1234")));
        const both = await chaincodeInstallProvider.check({}, { ...install, ...hsm });
        assert.deepEqual(properties(both.failures), ["adminKeyPem"]);
        assert.match(
            (both.failures[0] as { reason: string }).reason,
            /one admin key: a PEM key or an HSM \(adminHsm\), not both/,
        );
        const p384 = await chaincodeInstallProvider.check(
            {},
            { ...installWithoutKey, adminCertPem: selfSignedCertificate("P-384"), ...hsm },
        );
        assert.match(
            (p384.failures[0] as { reason: string }).reason,
            /invalid adminCertPem: \(a certificate whose key is secp384r1\); expected a certificate with an ECDSA P-256 key/,
        );
    });

    it("leaves values that are unknown during preview alone", async () => {
        const result = await chaincodeInstallProvider.check(
            {},
            { ...install, peerTlsCaPem: UNKNOWN, packageBase64: UNKNOWN, adminKeyPem: UNKNOWN },
        );
        assert.deepEqual(result.failures, []);
    });

    it("requires a TLS CA, and refuses insecurePlaintext by name: every request is signed by an org admin", async () => {
        const { peerTlsCaPem: _ca, ...withoutCa } = install;
        const failures = (await chaincodeInstallProvider.check({}, withoutCa)).failures;
        assert.deepEqual(properties(failures), ["peer.tlsCaPem"]);
        assert.match(failures[0].reason, /admin-signed requests go over TLS only/);
        const plaintext = (await chaincodeInstallProvider.check({}, { ...withoutCa, insecurePlaintext: true }))
            .failures;
        assert.deepEqual(properties(plaintext), ["insecurePlaintext", "peer.tlsCaPem"]);
        assert.match(
            plaintext[0].reason,
            /^invalid insecurePlaintext: true; expected not set: admin-signed lifecycle requests are never sent in plaintext gRPC/,
        );
    });

    it("rejects a package whose ID was computed for other bytes", async () => {
        const other = buildChaincodePackage({ label: "basic_1.0", address: "elsewhere:9999" });
        const failures = (await chaincodeInstallProvider.check({}, { ...install, packageId: other.packageId }))
            .failures;
        assert.deepEqual(properties(failures), ["packageBase64"]);
        assert.match(failures[0].reason, /SHA-256 differs/);
        const garbage = (
            await chaincodeInstallProvider.check(
                {},
                { ...install, packageBase64: Buffer.from("not a package").toString("base64") },
            )
        ).failures;
        assert.match(garbage[0].reason, /expected a chaincode package/);
    });

    it("reads a deflated package as the package itself: its own ID must match, and bytes that do not inflate are named as the package", async () => {
        const { packageBase64: _plain, ...withoutPlain } = install;
        const deflated = { ...withoutPlain, packageDeflated: deflatedPackage(install.packageBase64) };
        assert.deepEqual((await chaincodeInstallProvider.check({}, deflated)).failures, []);
        const other = buildChaincodePackage({ label: "basic_1.0", address: "elsewhere:9999" });
        const wrongId = (await chaincodeInstallProvider.check({}, { ...deflated, packageId: other.packageId }))
            .failures;
        assert.match(wrongId[0].reason, /SHA-256 differs/);
        for (const packageDeflated of ["not base64!", 42]) {
            const failures = (
                await chaincodeInstallProvider.check({}, { ...deflated, packageDeflated: packageDeflated as string })
            ).failures;
            assert.deepEqual(properties(failures), ["packageBase64"]);
            assert.match(
                failures[0].reason,
                /^invalid packageBase64: \(the package bytes, not shown\); expected the chaincode package file/,
            );
        }
        assert.deepEqual(properties((await chaincodeInstallProvider.check({}, withoutPlain)).failures), [
            "packageBase64",
        ]);
    });

    it("rejects half a client TLS pair and a client key that is not the certificate's", async () => {
        const half = (await chaincodeInstallProvider.check({}, { ...install, clientTlsCertPem: pki.clientCertPem }))
            .failures;
        assert.deepEqual(properties(half), ["clientTlsKeyPem"]);
        const mismatch = (
            await chaincodeInstallProvider.check(
                {},
                { ...install, clientTlsCertPem: pki.clientCertPem, clientTlsKeyPem: pki.unrelatedKeyPem },
            )
        ).failures;
        assert.deepEqual(properties(mismatch), ["clientTlsKeyPem"]);
        assert.ok(!mismatch[0].reason.includes(pki.unrelatedKeyPem.split("\n")[1]));
    });

    it("names every bad definition field", async () => {
        const failures = (
            await chaincodeApprovalProvider.check(
                {},
                {
                    ...approval,
                    channel: "My Channel",
                    name: "lscc",
                    version: "1 0",
                    sequence: "latest",
                    endorsementPolicy: "OR('Org1MSP.client', 'Org2MSP.root')",
                    collections: [{ name: "c", policy: "OR('Org1MSP.member')", maxPeerCount: -1 }],
                    packageId: "basic_1.0",
                    timeoutSeconds: 0,
                },
            )
        ).failures;
        assert.deepEqual(properties(failures), [
            "channel",
            "collections",
            "endorsementPolicy",
            "name",
            "packageId",
            "sequence",
            "timeoutSeconds",
            "version",
        ]);
        assert.match(
            failures.find((f) => f.property === "endorsementPolicy")!.reason,
            /unknown role 'root'.*at character 31/s,
        );
        assert.match(failures.find((f) => f.property === "sequence")!.reason, /"auto"/);
    });

    it("requires endorsing peers and well-formed requiredApprovals for the commit", async () => {
        const failures = (
            await chaincodeDefinitionProvider.check({}, { ...definition, peers: [], requiredApprovals: ["Org 1"] })
        ).failures;
        assert.deepEqual(properties(failures), ["peers", "requiredApprovals"]);
        const badPeer = (await chaincodeDefinitionProvider.check({}, { ...definition, peers: [{ endpoint: "peer0" }] }))
            .failures;
        assert.deepEqual(properties(badPeer), ["peers[0].endpoint", "peers[0].tlsCaPem"]);
    });

    it("checks the smoke check's function, wait and identity", async () => {
        const failures = (
            await chaincodeSmokeCheckProvider.check(
                {},
                {
                    ...connection,
                    ...admin,
                    adminCertPem: "nope",
                    channel: "mychannel",
                    chaincodeName: "basic",
                    fn: " ",
                    waitSeconds: -1,
                },
            )
        ).failures;
        assert.deepEqual(properties(failures), ["adminCertPem", "adminKeyPem", "fn", "waitSeconds"]);
    });
});

describe("diff", () => {
    // As create returns them: without the package bytes, which the ID stands for.
    const { packageBase64: _bytes, ...installed } = install;
    const installOuts: ChaincodeInstallOutputs = { ...installed, label: "basic_1.0" };
    const approvalOuts: ChaincodeApprovalOutputs = { ...approval, approvedSequence: 1, approvalTxId: "t" };
    const definitionOuts: ChaincodeDefinitionOutputs = {
        ...definition,
        committedSequence: 1,
        approvals: { Org1MSP: true },
        commitTxId: "t",
    };

    it("reports no changes for identical inputs (computed outputs and absent-vs-empty ignored)", async () => {
        assert.deepEqual(await chaincodeInstallProvider.diff("id", installOuts, install), {
            changes: false,
            replaces: [],
        });
        assert.deepEqual(
            await chaincodeApprovalProvider.diff("id", approvalOuts, { ...approval, peerHostOverride: "" }),
            { changes: false, replaces: [] },
        );
        assert.deepEqual(await chaincodeDefinitionProvider.diff("id", definitionOuts, definition), {
            changes: false,
            replaces: [],
        });
        // The plan is shown, not acted on: a new reading of the channel alone changes nothing.
        const replanned = { plannedSequence: 2, plannedChange: "sequence 1 → 2: version" };
        assert.deepEqual(await chaincodeApprovalProvider.diff("id", approvalOuts, { ...approval, ...replanned }), {
            changes: false,
            replaces: [],
        });
        assert.deepEqual(
            await chaincodeDefinitionProvider.diff("id", definitionOuts, { ...definition, ...replanned }),
            { changes: false, replaces: [] },
        );
    });

    it("replaces an install for a new peer or package; updates it for new credentials", async () => {
        assert.deepEqual(
            await chaincodeInstallProvider.diff("id", installOuts, {
                ...install,
                peerEndpoint: "peer1.org1.example.com:7051",
            }),
            { changes: true, replaces: ["peerEndpoint"] },
        );
        assert.deepEqual(
            await chaincodeInstallProvider.diff("id", installOuts, {
                ...install,
                packageId: UNKNOWN,
                packageBase64: UNKNOWN,
            }),
            { changes: true, replaces: ["packageId"] },
        );
        assert.deepEqual(
            await chaincodeInstallProvider.diff("id", installOuts, { ...install, peerHostOverride: "peer0" }),
            { changes: true, replaces: [] },
        );
    });

    it("updates an approval for definition or package changes, replaces it for another org or chaincode", async () => {
        for (const change of [
            { endorsementPolicy: "AND('Org1MSP.member')" },
            { packageId: `basic_1.1:${"a".repeat(64)}` },
            { version: "2" },
            { collections: [{ name: "c", policy: "OR('Org1MSP.member')" }] },
        ]) {
            assert.deepEqual(
                await chaincodeApprovalProvider.diff("id", approvalOuts, { ...approval, ...change }),
                { changes: true, replaces: [] },
                JSON.stringify(change),
            );
        }
        assert.deepEqual(
            (await chaincodeApprovalProvider.diff("id", approvalOuts, { ...approval, mspId: "Org2MSP" })).replaces,
            ["mspId"],
        );
        assert.deepEqual(
            (await chaincodeApprovalProvider.diff("id", approvalOuts, { ...approval, name: "other" })).replaces,
            ["name"],
        );
    });

    it("updates a definition for a new policy or peers list, replaces it for another channel", async () => {
        assert.deepEqual(
            await chaincodeDefinitionProvider.diff("id", definitionOuts, {
                ...definition,
                endorsementPolicy: "OR('Org1MSP.peer')",
            }),
            { changes: true, replaces: [] },
        );
        assert.deepEqual(
            await chaincodeDefinitionProvider.diff("id", definitionOuts, {
                ...definition,
                peers: [...definition.peers, { endpoint: "peer0.org2:7051", tlsCaPem: pki.caCertPem }],
            }),
            { changes: true, replaces: [] },
        );
        assert.deepEqual(
            (await chaincodeDefinitionProvider.diff("id", definitionOuts, { ...definition, channel: "other" }))
                .replaces,
            ["channel"],
        );
    });
});

describe("sequence planning", () => {
    const inputs = {
        channel: "mychannel",
        name: "basic",
        version: "1.0",
        sequence: "auto" as number | string,
        endorsementPolicy: "OR('Org1MSP.member')",
    };
    const desired = encodeDefinition({ ...inputs, sequence: 1 });
    const committedAs = (sequence: number, version = "1.0"): CommittedDefinition => ({
        ...encodeDefinition({ ...inputs, version, sequence }),
        approvals: {},
    });

    it("auto: 1 when nothing is committed, the same sequence when unchanged, the next when changed", () => {
        assert.deepEqual(planSequence(inputs, desired, undefined), { sequence: 1, matchesCommitted: false });
        assert.deepEqual(planSequence(inputs, desired, committedAs(3)), { sequence: 3, matchesCommitted: true });
        assert.deepEqual(planSequence(inputs, desired, committedAs(3, "0.9")), {
            sequence: 4,
            matchesCommitted: false,
        });
    });

    it("explicit: the committed sequence only when unchanged, the next one, nothing else", () => {
        assert.deepEqual(planSequence({ ...inputs, sequence: 3 }, desired, committedAs(3)), {
            sequence: 3,
            matchesCommitted: true,
        });
        assert.deepEqual(planSequence({ ...inputs, sequence: 4 }, desired, committedAs(3)), {
            sequence: 4,
            matchesCommitted: false,
        });
        assert.throws(
            () => planSequence({ ...inputs, sequence: 2 }, desired, committedAs(3)),
            /invalid sequence: 2; expected at least 3, the sequence committed for chaincode basic on channel mychannel/,
        );
        assert.throws(
            () => planSequence({ ...inputs, sequence: 3 }, desired, committedAs(3, "0.9")),
            /already committed .*differs in: version \("0.9" vs "1.0"\)/,
        );
        assert.throws(
            () => planSequence({ ...inputs, sequence: 6 }, desired, committedAs(3)),
            /4 or "auto": Fabric accepts only the next sequence/,
        );
        assert.throws(() => planSequence({ ...inputs, sequence: 2 }, desired, undefined), /1 or "auto"/);
    });

    it("describes the plan in words for the preview: first, unchanged, or from which sequence to which and why", () => {
        assert.deepEqual(describePlan(inputs, desired, undefined), {
            sequence: 1,
            change: "sequence 1: the first definition of basic on mychannel",
        });
        assert.deepEqual(describePlan(inputs, desired, committedAs(3)), {
            sequence: 3,
            change: "sequence 3: the committed definition, unchanged",
        });
        assert.deepEqual(describePlan(inputs, desired, committedAs(3, "0.9")), {
            sequence: 4,
            change: 'sequence 3 → 4: version ("0.9" vs "1.0") (committed vs declared)',
        });
    });

    it("stops an auto sequence that is not the planned one; an explicit sequence or no plan is not checked", () => {
        assert.throws(
            () => requirePlanStillHolds({ ...inputs, plannedSequence: 2, plannedChange: "sequence 1 → 2: version" }, 3),
            /planned sequence 2 \(sequence 1 → 2: version\), but it now needs sequence 3\. Nothing was sent/,
        );
        assert.doesNotThrow(() => requirePlanStillHolds({ ...inputs, plannedSequence: 3 }, 3));
        assert.doesNotThrow(() => requirePlanStillHolds({ ...inputs, sequence: 4, plannedSequence: 3 }, 4));
        assert.doesNotThrow(() => requirePlanStillHolds(inputs, 3));
    });
});

describe("smoke check hints", () => {
    const context = { expectedPackageId: "basic_1.0:abc", chaincodeAddress: "basic.cc:9999", fn: "GetAllAssets" };
    const cases: Array<[string, RegExp]> = [
        [
            "could not launch chaincode basic_1.0:abc: error creating grpc connection to basic.cc:9999: dial tcp 10.0.0.1:9999: connect: connection refused",
            /nothing listens at the chaincode address \(basic.cc:9999\)/,
        ],
        [
            "dial tcp: lookup basic.cc on 10.96.0.10:53: no such host",
            /DNS: the peer cannot resolve the chaincode host \(basic.cc:9999\)/,
        ],
        [
            "transport: authentication handshake failed: x509: certificate signed by unknown authority",
            /root_cert in connection.json must be the CA/,
        ],
        [
            "could not launch chaincode basic_1.0:abc: chaincode registration failed: timeout expired while starting chaincode basic_1.0:abc",
            /CHAINCODE_ID exactly the package ID basic_1.0:abc/,
        ],
        ["chaincode definition for 'basic' exists, but chaincode is not installed", /not installed on this peer/],
        [
            "make sure the chaincode basic has been successfully defined on channel mychannel and try again",
            /not committed on this channel/,
        ],
        [
            "transaction returned with failure: Error: the asset x does not exist",
            /the chaincode answered but GetAllAssets failed/,
        ],
    ];
    for (const [message, hint] of cases) {
        it(`${message.slice(0, 60)}... -> ${hint.source.slice(0, 40)}`, () => {
            const hints = smokeCheckHints(message, context);
            assert.ok(
                hints.some((candidate) => hint.test(candidate)),
                hints.join("\n"),
            );
        });
    }

    it("falls back to the three usual suspects", () => {
        const hints = smokeCheckHints("could not launch chaincode basic_1.0:abc: something new", context);
        assert.equal(hints.length, 3);
        assert.match(hints.join("\n"), /CHAINCODE_ID.*\n.*root_cert.*\n.*DNS/s);
    });
});

describe("commit readiness mismatches (Fabric 3) in the definition's words", () => {
    it("names the fields each parameter group holds, and an org that approved nothing at the sequence", async () => {
        const { describeMismatches } = await import("../../components/lifecycle/providers/definition");
        assert.equal(
            describeMismatches("Org2MSP", 2, ["ValidationInfo", "Collections"]),
            "Org2MSP's approval differs in: endorsement policy or validation plugin; collections.",
        );
        assert.equal(
            describeMismatches("Org2MSP", 2, ["EndorsementInfo"]),
            "Org2MSP's approval differs in: version, initRequired or endorsement plugin.",
        );
        assert.equal(
            describeMismatches("Org2MSP", 3, ["ChaincodeParameters"]),
            "Org2MSP has approved no definition at sequence 3.",
        );
    });
});

describe("one rule in one place: the component and the providers' check refuse the same values with the same words", () => {
    const org = {
        mspId: "Org1MSP",
        peers: [{ endpoint: "peer0.org1.example.com:7051" }],
        peerTlsCaPem: pki.caCertPem,
        adminCertPem: pki.clientCertPem,
        adminKeyPem: pki.clientKeyPem,
    };
    const componentSays = (args: object): string => {
        try {
            checkLifecycleArgs({ channel: "mychannel", org, ...args });
        } catch (err) {
            return (err as InvalidSettingError).accepted;
        }
        return "accepted";
    };
    const providerSays = async (inputs: object, property: string): Promise<string> => {
        const { failures } = await chaincodeDefinitionProvider.check({}, { ...definition, ...inputs });
        const reason = failures.find((failure) => failure.property === property)?.reason ?? "accepted";
        return reason.replace(/^invalid [^:]+: .*?; expected /, "");
    };
    const sameRefusal = async (inputs: object, property: string, args: object, what: string) => {
        const said = componentSays(args);
        assert.notEqual(said, "accepted", `the component accepts ${what}`);
        assert.equal(await providerSays(inputs, property), said, what);
    };

    it("channel names, deadlines in seconds, and orderer or orderers", async () => {
        for (const channel of ["MyChannel", "1channel", "a".repeat(250)])
            await sameRefusal({ channel }, "channel", { channel }, channel);
        for (const seconds of [0, 3601, 1.5])
            await sameRefusal(
                { timeoutSeconds: seconds },
                "timeoutSeconds",
                { timeoutSeconds: seconds },
                `${seconds} s`,
            );
        const orderer = { endpoint: "orderer.example.com:7050", tlsCaPem: pki.caCertPem };
        await sameRefusal(
            { ordererEndpoint: orderer.endpoint, ordererTlsCaPem: orderer.tlsCaPem, orderers: [orderer] },
            "orderers",
            { orderer, orderers: [orderer] },
            "orderer and orderers",
        );
    });

    it("where the admin's key comes from: a PEM key or an HSM, never both, never neither", async () => {
        const hsm = {
            library: "/usr/lib/softhsm/libsofthsm2.so",
            tokenLabel: "fabric",
            keyId: "org1-admin",
            pin: "1234",
        };
        const hsmInputs = {
            adminHsmLibrary: hsm.library,
            adminHsmTokenLabel: hsm.tokenLabel,
            adminHsmKeyId: hsm.keyId,
            adminHsmPin: hsm.pin,
        };
        await sameRefusal(hsmInputs, "adminKeyPem", { org: { ...org, adminHsm: hsm } }, "a PEM key beside an HSM");
        await sameRefusal(
            { adminKeyPem: undefined },
            "adminKeyPem",
            { org: { ...org, adminKeyPem: undefined } },
            "no key at all",
        );
        const relative = { ...hsm, library: "libsofthsm2.so" };
        await sameRefusal(
            { ...hsmInputs, adminKeyPem: undefined, adminHsmLibrary: relative.library },
            "adminHsm.library",
            { org: { ...org, adminKeyPem: undefined, adminHsm: relative } },
            "a relative library path",
        );
        const p384 = selfSignedCertificate("P-384");
        await sameRefusal(
            { ...hsmInputs, adminKeyPem: undefined, adminCertPem: p384 },
            "adminCertPem",
            { org: { ...org, adminKeyPem: undefined, adminCertPem: p384, adminHsm: hsm } },
            "an HSM key with a P-384 certificate",
        );
    });
});
