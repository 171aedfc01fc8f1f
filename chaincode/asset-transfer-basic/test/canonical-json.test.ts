import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { canonicalJson } from "../src/canonical-json";

describe("canonicalJson", () => {
    it("sorts keys at every depth and emits no whitespace", () => {
        assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: true, y: null }], c: "x" } }), '{"a":{"c":"x","d":[2,{"y":null,"z":true}]},"b":1}');
    });

    it("gives identical bytes for objects built in different key orders", () => {
        const one = { Owner: "A", ID: "x", Size: 1 };
        const two = { Size: 1, ID: "x", Owner: "A" };
        assert.equal(canonicalJson(one), canonicalJson(two));
    });

    it("escapes strings as JSON does", () => {
        assert.equal(canonicalJson({ 'q"': 'line\nbreak "quoted"' }), '{"q\\"":"line\\nbreak \\"quoted\\""}');
    });

    it("refuses numbers JSON cannot carry", () => {
        assert.throws(() => canonicalJson({ a: Number.NaN }), /cannot encode NaN as JSON/);
    });
});
