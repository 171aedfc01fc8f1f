/*
 * components/fabric holds only what the official Gateway client
 * (@hyperledger/fabric-gateway) cannot do: its README says why for each file.
 */
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";

const FABRIC_DIR = join(__dirname, "..", "..", "..", "components", "fabric");

describe("the Fabric client's files", () => {
    it("each have a row in the README saying why the Gateway client cannot do its job, and every row names a file", () => {
        const files = readdirSync(FABRIC_DIR)
            .filter((file) => file.endsWith(".ts"))
            .sort();
        assert.ok(files.length > 10);
        const rows = [...readFileSync(join(FABRIC_DIR, "README.md"), "utf8").matchAll(/^\| `([^`]+)` \| (.+) \|$/gm)];
        assert.deepEqual(rows.map((row) => row[1]).sort(), files);
        assert.deepEqual(
            rows.filter((row) => row[2].trim().length < 20).map((row) => row[1]),
            [],
            "rows without a reason",
        );
    });
});
