import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gunzipSync } from "node:zlib";
import {
    buildChaincodePackage,
    readChaincodePackage,
    readTar,
    type CouchDbIndexInput,
} from "../../components/packaging";
import { InvalidSettingError } from "../../components/validation/errors";

const base = { label: "basic_1.0", address: "mycc:7052" };
const owner = '{"index":{"fields":["docType","owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}\n';
const color = { index: { fields: [{ color: "desc" }, "size"], partial_filter_selector: { size: { $gt: 1 } } } };

function codePaths(input: CouchDbIndexInput[]): string[] {
    return readTar(gunzipSync(buildChaincodePackage({ ...base, couchDbIndexes: input }).codeTarGz)).map((e) => e.path);
}

function rejection(indexes: CouchDbIndexInput[]): InvalidSettingError {
    try {
        buildChaincodePackage({ ...base, couchDbIndexes: indexes });
    } catch (err) {
        assert.ok(err instanceof InvalidSettingError, `expected InvalidSettingError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected an InvalidSettingError");
}

describe("CouchDB indexes in code.tar.gz", () => {
    it("puts state and collection indexes under META-INF/statedb/couchdb, after connection.json, sorted", () => {
        assert.deepEqual(
            codePaths([
                { name: "indexOwner", definition: owner },
                { name: "byColor.json", collection: "org1-private", definition: color },
            ]),
            [
                "connection.json",
                "META-INF/statedb/couchdb/collections/org1-private/indexes/byColor.json",
                "META-INF/statedb/couchdb/indexes/indexOwner.json",
            ],
        );
    });

    it("keeps JSON text byte for byte and writes objects with JSON.stringify", () => {
        const read = readChaincodePackage(
            buildChaincodePackage({
                ...base,
                couchDbIndexes: [
                    { name: "indexOwner", definition: owner },
                    { name: "byColor", definition: color },
                ],
            }).bytes,
        );
        const byName = new Map(read.couchDbIndexes.map((i) => [i.name, i.definition]));
        assert.equal(byName.get("indexOwner"), owner);
        assert.equal(byName.get("byColor"), JSON.stringify(color));
    });

    it("gives the same package whatever the order of the indexes", () => {
        const a: CouchDbIndexInput = { name: "a", definition: owner };
        const b: CouchDbIndexInput = { name: "b", collection: "c1", definition: color };
        assert.equal(
            buildChaincodePackage({ ...base, couchDbIndexes: [a, b] }).packageId,
            buildChaincodePackage({ ...base, couchDbIndexes: [b, a] }).packageId,
        );
        assert.notEqual(
            buildChaincodePackage({ ...base, couchDbIndexes: [a] }).packageId,
            buildChaincodePackage({ ...base, couchDbIndexes: [a, b] }).packageId,
        );
    });

    const bad: Array<[string, CouchDbIndexInput[], string, RegExp]> = [
        ["invalid JSON", [{ name: "x", definition: "{index:" }], "couchDbIndexes[0].definition", /valid JSON/],
        ["a JSON array", [{ name: "x", definition: "[]" }], "couchDbIndexes[0].definition", /not a JSON object/],
        [
            "no index field",
            [{ name: "x", definition: { name: "x" } }],
            "couchDbIndexes[0].definition",
            /"index" is missing/,
        ],
        [
            "index without fields",
            [{ name: "x", definition: { index: {} } }],
            "couchDbIndexes[0].definition",
            /"index\.fields"/,
        ],
        [
            "an unknown key",
            [{ name: "x", definition: { index: { fields: ["a"] }, view: 1 } }],
            "couchDbIndexes[0].definition",
            /unexpected top-level key "view"/,
        ],
        [
            "type other than json",
            [{ name: "x", definition: { index: { fields: ["a"] }, type: "text" } }],
            "couchDbIndexes[0].definition",
            /"type" is not "json"/,
        ],
        [
            "a bad sort",
            [{ name: "x", definition: { index: { fields: [{ a: "up" }] } } }],
            "couchDbIndexes[0].definition",
            /asc/,
        ],
        ["a name with a slash", [{ name: "../x", definition: color }], "couchDbIndexes[0].name", /index file name/],
        ["an empty name", [{ name: "", definition: color }], "couchDbIndexes[0].name", /index file name/],
        [
            "a bad collection",
            [{ name: "x", collection: "_c", definition: color }],
            "couchDbIndexes[0].collection",
            /collection name/,
        ],
        [
            "a duplicate name",
            [
                { name: "x", definition: color },
                { name: "x.json", definition: owner },
            ],
            "couchDbIndexes[1].name",
            /not used by another index/,
        ],
    ];
    for (const [what, indexes, setting, accepted] of bad) {
        it(`rejects ${what}, naming ${setting}`, () => {
            const err = rejection(indexes);
            assert.equal(err.setting, setting);
            assert.match(err.accepted, accepted);
        });
    }

    it("rejects a definition object JSON cannot represent, with a readable message", () => {
        const circular: Record<string, unknown> = { index: { fields: ["a"] } };
        circular.self = circular;
        const err = rejection([{ name: "x", definition: circular }]);
        assert.equal(err.setting, "couchDbIndexes[0].definition");
        assert.match(err.message, /cannot represent/);
    });

    it("allows the same index name in different collections", () => {
        assert.equal(
            codePaths([
                { name: "x", definition: color },
                { name: "x", collection: "c1", definition: color },
            ]).length,
            3,
        );
    });
});
