/*
 * Private data collections against the peer CLI's own encoding
 * (test/data/policy-vectors.json, made by Fabric v2.5.16's
 * GetCollectionConfigFromFile), and the checks made before anything is sent.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { peer } from "@hyperledger/fabric-protos";
import {
    collectionsFromCliJson,
    compileSignaturePolicy,
    encodeCollections,
    InvalidSettingError,
} from "../../components/fabric";

interface Vector {
    input: string;
    base64?: string;
    error?: string;
}
const vectorsFile = join(__dirname, "..", "..", "..", "test", "data", "policy-vectors.json");
const collections = (JSON.parse(readFileSync(vectorsFile, "utf8")) as { vectors: { collections: Vector[] } }).vectors
    .collections;

describe("collection encoding matches the peer CLI", () => {
    it("has vectors to compare with", () => assert.ok(collections.filter((vector) => vector.base64).length >= 4));

    for (const vector of collections) {
        if (vector.base64) {
            it(`encodes ${vector.input.slice(0, 70)}... byte-identically`, () => {
                const ours = encodeCollections(collectionsFromCliJson(vector.input));
                assert.equal(Buffer.from(ours).toString("hex"), Buffer.from(vector.base64!, "base64").toString("hex"));
            });
        } else {
            it(`rejects what the CLI rejects: ${vector.error}`, () => {
                assert.throws(() => encodeCollections(collectionsFromCliJson(vector.input)), InvalidSettingError);
            });
        }
    }

    it("applies the CLI's defaults: requiredPeerCount 0, maxPeerCount 1", () => {
        const bytes = encodeCollections([{ name: "c1", policy: "OR('Org1MSP.member')" }]);
        const config = peer.CollectionConfigPackage.deserializeBinary(bytes)
            .getConfigList()[0]
            .getStaticCollectionConfig()!;
        assert.equal(config.getRequiredPeerCount(), 0);
        assert.equal(config.getMaximumPeerCount(), 1);
        assert.equal(config.getBlockToLive(), 0);
        assert.equal(config.getMemberOnlyRead(), false);
        assert.equal(config.hasEndorsementPolicy(), false);
        const member = config.getMemberOrgsPolicy()!.getSignaturePolicy()!;
        assert.equal(
            Buffer.from(member.serializeBinary()).toString("hex"),
            Buffer.from(compileSignaturePolicy("OR('Org1MSP.member')").serializeBinary()).toString("hex"),
        );
    });

    it("encodes no collections as empty bytes", () => {
        assert.equal(encodeCollections([]).length, 0);
        assert.equal(encodeCollections(undefined).length, 0);
    });
});

describe("collection checks name the field", () => {
    const base = { name: "private", policy: "OR('Org1MSP.member', 'Org2MSP.member')" };
    const cases: Array<[string, object, string, RegExp]> = [
        [
            "an AND member policy (the peer requires ORs)",
            { policy: "AND('Org1MSP.member', 'Org2MSP.member')" },
            "collections[0].policy",
            /OR-only/,
        ],
        [
            "a malformed member policy",
            { policy: "OR('Org1MSP.owner')" },
            "collections[0].policy",
            /unknown role 'owner'/,
        ],
        [
            "a channel reference as member policy",
            { policy: "/Channel/Application/Readers" },
            "collections[0].policy",
            /OR-only/,
        ],
        [
            "maxPeerCount below requiredPeerCount",
            { requiredPeerCount: 2, maxPeerCount: 1 },
            "collections[0].maxPeerCount",
            /not less than requiredPeerCount \(2\)/,
        ],
        ["a negative requiredPeerCount", { requiredPeerCount: -1 }, "collections[0].requiredPeerCount", /whole number/],
        ["a fractional blockToLive", { blockToLive: 1.5 }, "collections[0].blockToLive", /whole number/],
        ["a name starting with _", { name: "_private" }, "collections[0].name", /collection name/],
        [
            "a malformed endorsement policy",
            { endorsementPolicy: "OR('Org1MSP.member'" },
            "collections[0].endorsementPolicy",
            /at character 20/,
        ],
    ];
    for (const [what, change, setting, message] of cases) {
        it(`rejects ${what}`, () => {
            assert.throws(
                () => encodeCollections([{ ...base, ...change }]),
                (error: unknown) => {
                    assert.ok(error instanceof InvalidSettingError, String(error));
                    assert.equal(error.setting, setting);
                    assert.match(error.message, message);
                    return true;
                },
            );
        });
    }

    it("rejects duplicate names", () => {
        assert.throws(
            () => encodeCollections([base, base]),
            /invalid collections\[1\]\.name: "private"; expected a name not used by another collection/,
        );
    });
});
