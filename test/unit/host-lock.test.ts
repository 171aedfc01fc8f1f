/*
 * The host lock of the node suites (testenv/node/host-lock.ts), on a cache
 * folder of its own: suites that share the host run at once; one that holds
 * it alone waits for them, and they for it.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { e2eFiles } from "../../testenv/node/e2e-tier";
import { holdHost } from "../../testenv/node/host-lock";

describe("holdHost", () => {
    const saved = process.env.CCAAS_CACHE;
    const cache = join(mkdtempSync(join(tmpdir(), "ccaas-lock-")), "cache");
    before(() => {
        process.env.CCAAS_CACHE = cache;
    });
    after(() => {
        if (saved === undefined) delete process.env.CCAAS_CACHE;
        else process.env.CCAAS_CACHE = saved;
        rmSync(join(cache, ".."), { recursive: true, force: true });
    });

    /** Whether the host could be taken so right now (flock without waiting). */
    const free = (use: "alone" | "shared") =>
        spawnSync("flock", ["--nonblock", use === "alone" ? "--exclusive" : "--shared", cache, "true"]).status === 0;

    it("lets shared holders run together, keeps the one alone out until both are gone, and keeps everyone out while it holds the host", async () => {
        const [first, second] = await Promise.all([holdHost("shared"), holdHost("shared")]);
        assert.ok(statSync(cache).isDirectory(), "the lock is on the cache folder, made as a folder");
        assert.equal(free("alone"), false, "two suites share the host");
        assert.equal(free("shared"), true, "a third may join them");
        first();
        await waitUntil(() => !free("alone") && free("shared"));
        assert.equal(free("alone"), false, "one suite still holds the host");
        second();
        const releaseAlone = await holdHost("alone");
        assert.equal(free("shared"), false, "a suite that holds the host alone keeps the others out");
        releaseAlone();
        await waitUntil(() => free("alone"));
    });
});

describe("the e2e tier's order (testenv/node/e2e-tier.ts)", () => {
    it("runs the suites that hold the host alone first, then the longest, then the rest by name, test files only", () => {
        const names = [
            "upgrade-from-release.test.js",
            "consumer-stack.test.js",
            "faults.test.js",
            "real-node.test.js",
            "demo.test.js",
            "full-stack.test.js",
            "support",
            "many-chaincodes.test.js.map",
        ];
        assert.deepEqual(e2eFiles(names), [
            "demo.test.js",
            "real-node.test.js",
            "full-stack.test.js",
            "faults.test.js",
            "consumer-stack.test.js",
            "upgrade-from-release.test.js",
        ]);
    });
});

/** Polls a condition that the lock's holder process reaches on its own (its stdin closing). */
async function waitUntil(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.ok(condition(), "the lock did not reach the expected state");
}
