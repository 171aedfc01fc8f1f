import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import * as yaml from "js-yaml";
import { readSettings } from "../../config/settings";
import { collectionsFromConfigJson, readIndexDir } from "../../config/setting-files";
import { testPki } from "../support/pki";

const ROOT = join(__dirname, "..", "..", "..");
const source = (values: Record<string, string>) => ({ get: (key: string) => values[key] });
const base = { image: "registry.example.com/basic:1.0" };

describe("readSettings", () => {
    it("defaults to an existing cluster and leaves component defaults to the components", () => {
        const settings = readSettings(source(base));
        assert.equal(settings.cluster.kind, "existing");
        assert.equal(settings.chaincodes[0].chaincodeName, "basic");
        assert.equal(settings.chaincodes[0].image, base.image);
        assert.equal(settings.chaincodes[0].port, undefined);
    });

    it("parses typed values: integers, booleans, lists, NAME=value maps", () => {
        const settings = readSettings(
            source({
                ...base,
                port: "7052",
                tls: "true",
                tlsExtraSans: '["cc.example.com","10.0.0.5"]',
                env: '["LOG=debug","A=b=c"]',
                peerCidrs: '["10.0.0.0/16"]',
            }),
        );
        assert.equal(settings.chaincodes[0].port, 7052);
        assert.equal(settings.chaincodes[0].tls?.enabled, true);
        assert.equal(readSettings(source({ ...base, tls: "false" })).chaincodes[0].tls?.enabled, false);
        assert.deepEqual(settings.chaincodes[0].tls?.extraSans, ["cc.example.com", "10.0.0.5"]);
        assert.deepEqual(settings.chaincodes[0].env, { LOG: "debug", A: "b=c" });
        assert.deepEqual(settings.chaincodes[0].peerAccess?.peerCidrs, ["10.0.0.0/16"]);
    });

    it("selects AKS only with aksCreate and requires a location", () => {
        const aks = readSettings(
            source({
                ...base,
                aksCreate: "true",
                aksLocation: "westeurope",
                aksNodeCount: "3",
                aksAdminGroupObjectIds: '["0b8d9c52-1f3e-4a6b-9d2c-7e5f4a3b2c1d"]',
            }),
        );
        assert.equal(aks.cluster.kind, "aks");
        assert.equal(aks.cluster.kind === "aks" && aks.cluster.aks.nodeCount, 3);
        assert.throws(() => readSettings(source({ ...base, aksCreate: "true" })), /invalid aksLocation: \(not set\)/);
        assert.throws(
            () => readSettings(source({ ...base, aksLocation: "westeurope" })),
            /invalid aksLocation: "westeurope"; expected to be set only together with aksCreate: true/,
        );
    });

    it("refuses a key the program does not read, naming the nearest one it reads, never showing the value", () => {
        const listing = (values: Record<string, string>) => ({ ...source(values), keys: () => Object.keys(values) });
        assert.throws(
            () => readSettings(listing({ ...base, replica: "3" })),
            /^InvalidSettingError: invalid replica: \(set, not shown\); expected a key this program reads: did you mean replicas\? \(every key is listed in Pulumi\.yaml and docs\/configuration\.md; pulumi config rm replica removes it\)$/,
        );
        assert.throws(() => readSettings(listing({ ...base, TlsAlgorithm: "RSA" })), /did you mean tlsAlgorithm\?/);
        assert.throws(() => readSettings(listing({ ...base, cpuLimti: "1" })), /did you mean cpuLimit\?/);
        const secret =
            "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----";
        assert.throws(
            () => readSettings(listing({ ...base, adminKeyPm: secret })),
            (error: Error) => /did you mean adminKeyPem\?/.test(error.message) && !error.message.includes("MIGH"),
        );
        // Far from every key: no guess, still refused.
        assert.throws(
            () => readSettings(listing({ ...base, colour: "blue" })),
            (error: Error) => /^invalid colour: /.test(error.message) && !error.message.includes("did you mean"),
        );
        // Every key the program reads passes.
        assert.equal(readSettings(listing({ ...base, replicas: "3" })).chaincodes[0].replicas, 3);
    });

    it("names the key, the value and what is accepted for every malformed value", () => {
        const cases: Array<[Record<string, string>, RegExp]> = [
            [{ image: "" }, /invalid image: \(not set\); expected the chaincode server's container image/],
            [{ port: "99a" }, /invalid port: "99a"; expected a whole number/],
            [{ replicas: "1.5" }, /invalid replicas: "1.5"; expected a whole number/],
            [{ tls: "yes" }, /invalid tls: "yes"; expected true or false/],
            [{ tlsAlgorithm: "DSA" }, /invalid tlsAlgorithm: "DSA"; expected one of ECDSA, RSA/],
            [{ packageType: "docker" }, /invalid packageType: "docker"; expected one of ccaas, external/],
            [{ tlsExtraSans: "a.example.com" }, /invalid tlsExtraSans: "a.example.com"; expected a list of strings/],
            [{ env: '["NOVALUE"]' }, /invalid env\[0\]: "NOVALUE"; expected an item of the form NAME=value/],
            [
                { aksCreate: "true", aksLocation: "westeurope", aksNetworkPolicy: "weave" },
                /invalid aksNetworkPolicy: "weave"/,
            ],
            [{ imageBuild: "true", imageRegistry: "fabricccaas" }, /invalid image: .*no image when imageBuild is true/],
            [
                { imageRegistry: "acr" },
                /invalid imageRegistry: "acr"; expected to be set only together with imageBuild: true/,
            ],
            [
                { image: "", imageBuild: "true", imageBuildTool: "podman", imageRegistry: "x" },
                /invalid imageBuildTool: "podman"/,
            ],
        ];
        for (const [values, message] of cases) {
            assert.throws(() => readSettings(source({ ...base, ...values })), message, JSON.stringify(values));
        }
    });
});

describe("configuration documentation", () => {
    it("declares no key in Pulumi.yaml (so Pulumi never refuses a value before the program names it)", () => {
        const project = yaml.load(readFileSync(join(ROOT, "Pulumi.yaml"), "utf8")) as any;
        assert.equal(project.config, undefined);
    });

    it("ships a dev stack that passes validation", () => {
        const stack = yaml.load(readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")) as any;
        const values: Record<string, string> = {};
        for (const [key, value] of Object.entries(stack.config)) {
            if (!key.startsWith("fabric-ccaas:")) continue;
            values[key.slice("fabric-ccaas:".length)] = typeof value === "string" ? value : JSON.stringify(value);
        }
        const settings = readSettings(source(values));
        assert.equal(settings.cluster.kind, "aks");
    });
});

describe("readSettings: the Fabric lifecycle keys", () => {
    const peers = JSON.stringify([
        { endpoint: "peer0.org1.example.com:7051", hostOverride: "peer0" },
        { endpoint: "peer1.org1.example.com:8051" },
    ]);
    const pki = testPki();
    const lifecycleBase = {
        ...base,
        channel: "mychannel",
        mspId: "Org1MSP",
        peers,
        adminCertPem: pki.clientCertPem,
        adminKeyPem: pki.clientKeyPem,
        peerTlsCaPem: pki.caCertPem,
    };
    const secrets = { adminKeyPem: pki.clientKeyPem };

    it("turns the lifecycle on with a channel and reads structured peers", () => {
        const lifecycle = readSettings(
            source({
                ...lifecycleBase,
                sequence: "3",
                commit: "false",
                orderer: JSON.stringify({ endpoint: "orderer.example.com:7050", tlsCaPem: pki.caCertPem }),
            }),
            secrets,
        ).chaincodes[0].lifecycle!;
        assert.equal(lifecycle.channel, "mychannel");
        assert.equal(lifecycle.org.mspId, "Org1MSP");
        assert.deepEqual(
            lifecycle.org.peers.map((p) => p.endpoint),
            ["peer0.org1.example.com:7051", "peer1.org1.example.com:8051"],
        );
        assert.equal(lifecycle.org.peers[0].hostOverride, "peer0");
        assert.equal(lifecycle.org.adminKeyPem, pki.clientKeyPem);
        assert.equal(lifecycle.sequence, 3);
        assert.equal(lifecycle.commit, false);
        assert.equal(lifecycle.orderer?.endpoint, "orderer.example.com:7050");
        assert.equal(readSettings(source(lifecycleBase), secrets).chaincodes[0].lifecycle!.sequence, undefined);
        const orderers = [
            { endpoint: "orderer0.example.com:7050", tlsCaPem: pki.caCertPem },
            { endpoint: "orderer1.example.com:7050", tlsCaPem: pki.caCertPem, hostOverride: "orderer1" },
        ];
        const listed = readSettings(source({ ...lifecycleBase, orderers: JSON.stringify(orderers) }), secrets)
            .chaincodes[0].lifecycle!;
        assert.deepEqual(listed.orderers, orderers, "orderers is read as a list, in order");
        assert.equal(listed.orderer, undefined);
        assert.equal(readSettings(source(base)).chaincodes[0].lifecycle, undefined);
    });

    it("says what is missing or malformed, naming the key", () => {
        const cases: Array<[Record<string, string>, Record<string, string>, RegExp]> = [
            [
                { ...base, mspId: "Org1MSP" },
                {},
                /invalid mspId: "Org1MSP"; expected to be set only together with channel/,
            ],
            [{ ...lifecycleBase, mspId: "" }, secrets, /invalid mspId: \(not set\); expected the MSP ID/],
            [
                lifecycleBase,
                {},
                /invalid adminKeyPem: \(not set\); expected the admin's private key, set with `pulumi config set --secret adminKeyPem`/,
            ],
            [{ ...lifecycleBase, peers: "[]" }, secrets, /invalid peers: \[\]; expected a list of the org's peers/],
            [
                { ...lifecycleBase, peers: '[{"endpoint": 7051}]' },
                secrets,
                /invalid peers\[0\]\.endpoint: 7051; expected a string/,
            ],
            [
                { ...lifecycleBase, peers: '[{"endpoint": "a:1", "tls": "x"}]' },
                secrets,
                /invalid peers\[0\]\.tls: "x"; expected no such field/,
            ],
            [
                { ...lifecycleBase, sequence: "latest" },
                secrets,
                /invalid sequence: "latest"; expected "auto" or a whole number from 1/,
            ],
            // No peer TLS CA: refused before the program's first (admin-signed) request, not sent in plaintext.
            [
                { ...lifecycleBase, peerTlsCaPem: "" },
                secrets,
                /invalid peerTlsCaPem: \(not set\); expected the PEM of the CA of the peers' TLS certificates \(or peers\[0\]\.tlsCaPem\): admin-signed requests go to peers over TLS only/,
            ],
            [
                { ...lifecycleBase, clientTlsCertPem: "C" },
                secrets,
                /invalid clientTlsKeyPem: \(not set\); expected clientTlsCertPem and the secret clientTlsKeyPem together/,
            ],
            [
                { ...lifecycleBase, orderer: '{"endpoint": "o:7050"}' },
                secrets,
                /invalid orderer\.tlsCaPem: \(not set\)/,
            ],
            [
                { ...lifecycleBase, commitPeers: '[{"endpoint": "p:9051"}]' },
                secrets,
                /invalid commitPeers\[0\]\.mspId: \(not set\)/,
            ],
            [
                { ...lifecycleBase, commit: "false", approvalStacks: '["o/p/s"]' },
                secrets,
                /invalid approvalStacks: .*only in the committing stack/,
            ],
            [
                { ...lifecycleBase, approvalStacks: '["a/b/c/d"]' },
                secrets,
                /invalid approvalStacks: "a\/b\/c\/d"; expected stack names/,
            ],
        ];
        for (const [values, secretValues, message] of cases) {
            assert.throws(() => readSettings(source(values), secretValues), message, JSON.stringify(values));
        }
    });

    it("signer: hsm reads where the HSM holds the admin's key, the PIN as a secret, and refuses a PEM key beside it", () => {
        const { adminKeyPem: _pem, ...withoutKey } = lifecycleBase;
        const hsm = {
            signer: "hsm",
            adminHsmLibrary: "/usr/lib/softhsm/libsofthsm2.so",
            adminHsmTokenLabel: "fabric",
            adminHsmKeyId: "org1-admin",
            adminHsmPin: "1234",
        };
        const org = readSettings(source({ ...withoutKey, ...hsm }), { adminHsmPin: "1234" }).chaincodes[0].lifecycle!
            .org;
        assert.deepEqual(org.adminHsm, {
            library: "/usr/lib/softhsm/libsofthsm2.so",
            tokenLabel: "fabric",
            keyId: "org1-admin",
            pin: "1234",
        });
        assert.equal(org.adminKeyPem, undefined);
        assert.equal(
            readSettings(source(lifecycleBase), secrets).chaincodes[0].lifecycle!.org.adminHsm,
            undefined,
            "signer defaults to pem",
        );
        const { adminHsmLibrary: _library, ...withoutLibrary } = hsm;
        const cases: Array<[Record<string, string>, Record<string, string>, RegExp]> = [
            [
                { ...withoutKey, ...hsm, signer: "pkcs11" },
                { adminHsmPin: "1234" },
                /invalid signer: "pkcs11"; expected one of pem, hsm/,
            ],
            [
                { ...withoutKey, ...withoutLibrary },
                { adminHsmPin: "1234" },
                /invalid adminHsmLibrary: \(not set\); expected the absolute path of the HSM's PKCS#11 library.*\(required with signer: hsm\)/,
            ],
            [
                { ...withoutKey, ...hsm, adminHsmLibrary: "libsofthsm2.so" },
                { adminHsmPin: "1234" },
                /invalid adminHsmLibrary: "libsofthsm2.so"; expected the absolute path of a PKCS#11 library/,
            ],
            [
                { ...withoutKey, ...hsm },
                {},
                /invalid adminHsmPin: \(not set\); expected the token's user PIN, set with `pulumi config set --secret adminHsmPin`/,
            ],
            [
                { ...lifecycleBase, ...hsm },
                { adminHsmPin: "1234" },
                /invalid adminKeyPem: \(a secret, not shown\); expected to be set only with signer: pem/,
            ],
            [
                { ...lifecycleBase, adminHsmTokenLabel: "fabric" },
                secrets,
                /invalid adminHsmTokenLabel: "fabric"; expected to be set only with signer: hsm/,
            ],
            [
                { ...withoutKey, ...hsm, adminCertPem: pki.caCertPem.replace(/[A-Za-z0-9+/]{20}/, "") },
                { adminHsmPin: "1234" },
                /invalid adminCertPem/,
            ],
        ];
        for (const [values, secretValues, message] of cases) {
            assert.throws(() => readSettings(source(values), secretValues), message, JSON.stringify(values));
        }
    });

    it("an item of otherOrgs may keep its admin's key in an HSM too, each field named under its prefix", () => {
        const org2 = {
            mspId: "Org2MSP",
            peers: [{ endpoint: "peer0.org2.example.com:9051" }],
            adminCertPem: pki.clientCertPem,
        };
        const hsm = {
            signer: "hsm",
            adminHsmLibrary: "/usr/lib/softhsm/libsofthsm2.so",
            adminHsmTokenLabel: "org2",
            adminHsmKeyId: "org2-admin",
            adminHsmPin: "5678",
        };
        const read = (item: object) =>
            readSettings(source({ ...lifecycleBase, otherOrgs: JSON.stringify([item]) }), secrets).chaincodes[0]
                .lifecycle!;
        const other = read({ ...org2, ...hsm }).otherOrgs![0];
        assert.deepEqual(other.adminHsm, {
            library: "/usr/lib/softhsm/libsofthsm2.so",
            tokenLabel: "org2",
            keyId: "org2-admin",
            pin: "5678",
        });
        assert.equal(other.adminKeyPem, undefined);
        assert.equal(
            read({ ...org2, adminKeyPem: pki.clientKeyPem }).otherOrgs![0].adminKeyPem,
            pki.clientKeyPem,
            "signer defaults to pem",
        );
        const { adminHsmPin: _pin, ...withoutPin } = hsm;
        const cases: Array<[object, RegExp]> = [
            [
                org2,
                /invalid otherOrgs\[0\]\.adminKeyPem: \(not set\); expected the admin's private key, set with `pulumi config set --path --secret 'otherOrgs\[0\]\.adminKeyPem'`/,
            ],
            [
                { ...org2, ...withoutPin },
                /invalid otherOrgs\[0\]\.adminHsmPin: \(not set\); expected the token's user PIN, set with `pulumi config set --path --secret 'otherOrgs\[0\]\.adminHsmPin'`/,
            ],
            [
                { ...org2, ...hsm, adminKeyPem: pki.clientKeyPem },
                /invalid otherOrgs\[0\]\.adminKeyPem: \(a secret, not shown\); expected to be set only with signer: pem/,
            ],
            [
                { ...org2, adminKeyPem: pki.clientKeyPem, adminHsmKeyId: "org2-admin" },
                /invalid otherOrgs\[0\]\.adminHsmKeyId: \(set, not shown\); expected to be set only with signer: hsm/,
            ],
            [
                { ...org2, ...hsm, signer: "yubikey" },
                /invalid otherOrgs\[0\]\.signer: "yubikey"; expected one of pem, hsm/,
            ],
            [
                { ...org2, ...hsm, adminHsmLibrary: "lib.so" },
                /invalid otherOrgs\[0\]\.adminHsmLibrary: "lib.so"; expected the absolute path/,
            ],
        ];
        for (const [item, message] of cases) assert.throws(() => read(item), message, JSON.stringify(item));
    });

    it("maps a peer-CLI collections_config.json and rejects bad collection fields", () => {
        const collections = collectionsFromConfigJson(
            JSON.stringify([
                {
                    name: "private1",
                    policy: "OR('Org1MSP.member')",
                    requiredPeerCount: 0,
                    maxPeerCount: 1,
                    blockToLive: 100,
                    memberOnlyRead: true,
                    memberOnlyWrite: false,
                    endorsementPolicy: { signaturePolicy: "OR('Org1MSP.member')" },
                },
            ]),
        );
        assert.deepEqual(collections[0], {
            name: "private1",
            policy: "OR('Org1MSP.member')",
            requiredPeerCount: 0,
            maxPeerCount: 1,
            blockToLive: 100,
            memberOnlyRead: true,
            memberOnlyWrite: false,
            endorsementPolicy: "OR('Org1MSP.member')",
        });
        assert.throws(() => collectionsFromConfigJson("{not json"), /invalid collectionsFile: .*a JSON array/);
        assert.throws(
            () => collectionsFromConfigJson('[{"name": "_bad", "policy": "OR(\'Org1MSP.member\')"}]'),
            /collections\[0\]\.name|_bad/,
        );
    });
});

describe("couchDbIndexDir: the two layouts", () => {
    const index = (name: string) => JSON.stringify({ index: { fields: ["owner"] }, name, type: "json" });
    const write = (file: string, text: string) => {
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, text);
    };
    const read = (dir: string) =>
        readIndexDir(dir)
            .map((i) => `${i.collection ?? "(state)"}/${i.name}`)
            .sort();

    it("reads fabric-samples' META-INF/statedb/couchdb layout from the chaincode folder, its META-INF or the couchdb folder", () => {
        const root = mkdtempSync(join(tmpdir(), "indexes-"));
        try {
            const couchdb = join(root, "chaincode", "META-INF", "statedb", "couchdb");
            write(join(couchdb, "indexes", "indexOwner.json"), index("indexOwner"));
            write(join(couchdb, "collections", "private1", "indexes", "indexColor.json"), index("indexColor"));
            const expected = ["(state)/indexOwner", "private1/indexColor"];
            assert.deepEqual(read(join(root, "chaincode")), expected);
            assert.deepEqual(read(join(root, "chaincode", "META-INF")), expected);
            assert.deepEqual(read(couchdb), expected, "not a collection named indexes");
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });

    it("reads this project's layout (<dir>/*.json, <dir>/<collection>/*.json), skipping a folder named like an index", () => {
        const root = mkdtempSync(join(tmpdir(), "indexes-"));
        try {
            write(join(root, "indexOwner.json"), index("indexOwner"));
            write(join(root, "private1", "indexColor.json"), index("indexColor"));
            mkdirSync(join(root, "folder.json"));
            assert.deepEqual(read(root), ["(state)/indexOwner", "private1/indexColor"]);
        } finally {
            rmSync(root, { recursive: true, force: true });
        }
    });
});
