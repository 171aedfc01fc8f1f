/*
 * components/fabric holds only what the official Gateway client
 * (@hyperledger/fabric-gateway) cannot do: each file says why in its first line.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const FABRIC_DIR = join(__dirname, "..", "..", "..", "components", "fabric");

describe("the Fabric client's files", () => {
    it("each open by saying why the Gateway client cannot do its job", () => {
        const files = readdirSync(FABRIC_DIR).filter((file) => file.endsWith(".ts"));
        assert.ok(files.length > 10);
        const silent = files.filter((file) => !/^\/\*\*\n \* Why not the Gateway client \(@hyperledger\/fabric-gateway\): \S/.test(readFileSync(join(FABRIC_DIR, file), "utf8")));
        assert.deepEqual(silent, []);
    });
});
