/*
 * A new release of the same client generation carries the live package's
 * client certificate on, so its package (and the package ID a preview shows)
 * is known before the update; a renewal issues a new one; a release keeps
 * the resources that issued its certificate.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { installMocks, promiseOf, registrationsSettled } from "./support/pulumiMocks";

const mocks = installMocks();
import { ExternalChaincode, type ExternalChaincodeArgs } from "../../components/chaincode/external-chaincode";
import { livePackageParts } from "../../components/release/live-release";
import { readChaincodePackage } from "../../components/packaging";
import {
    clientCommonName,
    declaredClientCertificate,
    type LiveRelease,
    releaseKeyOf,
} from "../../components/release/release-plan";

const INDEX = {
    name: "byOwner",
    definition: { index: { fields: ["owner"] }, ddoc: "byOwnerDoc", name: "byOwner", type: "json" },
};
const CLIENT_KEY = "tls:index/privateKey:PrivateKey";

async function declare(name: string, args: Partial<ExternalChaincodeArgs>) {
    const cc = new ExternalChaincode(name, {
        chaincodeName: "basic",
        namespace: name,
        image: "registry.example.com/basic:1.0",
        couchDbIndexes: [INDEX],
        ...args,
    });
    const packageBase64 = await promiseOf(cc.packageBase64);
    await registrationsSettled();
    const resources = mocks.resources.filter((r) => r.name.startsWith(`${name}-`));
    return { cc, pkg: readChaincodePackage(Buffer.from(packageBase64, "base64")), resources };
}

/** What lookupChannelPlan reads of a live release: its package as the peer returns it. */
async function liveOf(
    version: string,
    namespace: string,
    commonName?: (key: string) => string,
): Promise<{ live: LiveRelease; key: string }> {
    const { cc, pkg } = await declare(`probe-${namespace}`, { chaincodeVersion: version, namespace });
    const parts = livePackageParts(pkg);
    const clientTls = parts.clientTls && {
        ...parts.clientTls,
        ...(commonName === undefined ? {} : { commonName: commonName(cc.releaseKey) }),
    };
    return {
        key: cc.releaseKey,
        live: {
            packageId: pkg.packageId,
            address: String(pkg.connection!.address),
            sequence: 1,
            replacedInThisUpdate: false,
            ...parts,
            clientTls,
        },
    };
}

const clientKeysOf = (resources: { type: string; name: string }[], key: string) =>
    resources.filter((r) => r.type === CLIENT_KEY && r.name.includes(`-${key}-tls-client`));

describe("the client certificate of a release (mocks)", () => {
    it("reads back from a package what its release key is made of", async () => {
        const { cc, pkg } = await declare("readback", { chaincodeVersion: "1.0" });
        const parts = livePackageParts(pkg);
        assert.deepEqual(Object.keys(parts.content!.indexFiles), ["META-INF/statedb/couchdb/indexes/byOwner.json"]);
        assert.equal(releaseKeyOf({ ...parts.content!, clientGeneration: 1, sharedCa: undefined }), cc.releaseKey);
        assert.notEqual(releaseKeyOf({ ...parts.content!, clientGeneration: 2, sharedCa: undefined }), cc.releaseKey);
        assert.equal(parts.clientTls?.certPem, pkg.connection!.client_cert);
        assert.match(parts.clientTls!.commonName, /\S/);
    });

    it("carries the live package's certificate into a new version: nothing issued, the same certificate and key in the new package", async () => {
        const { live, key: liveKey } = await liveOf("1.0", "upgrade");
        const { cc, pkg, resources } = await declare("upgrade", {
            chaincodeVersion: "1.1",
            channelPlan: { liveRelease: live },
        });
        assert.notEqual(cc.releaseKey, liveKey);
        assert.deepEqual(
            clientKeysOf(resources, cc.releaseKey),
            [],
            "a new client key was issued for the same generation",
        );
        assert.equal(pkg.connection!.client_cert, live.clientTls!.certPem);
        assert.equal(pkg.connection!.client_key, live.clientTls!.keyPem);
        // The live server (kept beside) needs no client certificate of its own either: this one was not issued for it.
        assert.deepEqual(clientKeysOf(resources, liveKey), []);
    });

    it("issues a new certificate for a new client generation (a renewal)", async () => {
        const { live } = await liveOf("1.0", "renewal");
        const { cc, resources } = await declare("renewal", {
            chaincodeVersion: "1.0",
            tls: { clientGeneration: 2 },
            channelPlan: { liveRelease: live },
        });
        assert.equal(clientKeysOf(resources, cc.releaseKey).length, 1);
    });

    it("keeps the resources that issued the live release's certificate, as the declared release and as the live one beside a new release", async () => {
        const { live, key } = await liveOf("1.0", "owner", (k) => clientCommonName(`basic-${k}`));
        const same = await declare("owner", { chaincodeVersion: "1.0", channelPlan: { liveRelease: live } });
        assert.equal(same.cc.releaseKey, key);
        assert.equal(clientKeysOf(same.resources, key).length, 1, "the release's own client key is still declared");

        const beside = await declare("beside", {
            chaincodeVersion: "1.1",
            namespace: "owner",
            channelPlan: { liveRelease: live },
        });
        assert.equal(
            clientKeysOf(beside.resources, key).length,
            1,
            "the live release's own client key is kept while it serves",
        );
        assert.deepEqual(clientKeysOf(beside.resources, beside.cc.releaseKey), []);
    });

    it("carries a certificate on again when the live release itself carried it (its certificate names an earlier release)", async () => {
        const { live, key } = await liveOf("1.0", "carried", () => clientCommonName("basic-0123abcd"));
        const { cc, pkg, resources } = await declare("carried", {
            chaincodeVersion: "1.0",
            channelPlan: { liveRelease: live },
        });
        assert.equal(cc.releaseKey, key);
        assert.deepEqual(clientKeysOf(resources, key), []);
        assert.equal(pkg.packageId, live.packageId, "the live package, byte for byte");
    });

    it("issues its own without mutual TLS, without a live release, or when the live package's content does not match", () => {
        const content = {
            label: "basic_1.1",
            type: "ccaas",
            dialTimeout: "10s",
            tls: "mutual",
            indexFiles: {},
            clientGeneration: 1,
        } as const;
        const clientTls = { certPem: "c", keyPem: "k", commonName: "x" };
        const live: LiveRelease = {
            packageId: "p",
            address: "a",
            sequence: 1,
            replacedInThisUpdate: false,
            content: { ...content, label: "basic_1.0" },
            clientTls,
        };
        const liveKey = releaseKeyOf({ ...content, label: "basic_1.0" });
        const serverName = (k: string) => `basic-${k}`;
        assert.equal(declaredClientCertificate("new", content, live, liveKey, serverName).from, "live");
        assert.equal(
            declaredClientCertificate("new", { ...content, tls: "server" }, live, liveKey, serverName).from,
            "own",
        );
        assert.equal(declaredClientCertificate("new", content, undefined, undefined, serverName).from, "own");
        assert.equal(
            declaredClientCertificate(
                "new",
                content,
                { ...live, content: { ...live.content!, dialTimeout: "5s" } },
                liveKey,
                serverName,
            ).from,
            "own",
        );
        assert.equal(
            declaredClientCertificate("new", { ...content, sharedCa: "consortium" }, live, liveKey, serverName).from,
            "own",
        );
    });
});
