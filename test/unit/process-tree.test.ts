/*
 * descendantPids (testenv/network/processes.ts): the processes a killed
 * command leaves behind are found through their parents, so a test that
 * SIGKILLs `pulumi` ends its plugins too.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { descendantPids, pidAlive } from "../../testenv/network/processes";

describe("a process's descendants", () => {
    it("lists children and grandchildren, and nothing once they are gone", async () => {
        // sh -> (sh -> sleep) and sleep: two levels below the parent.
        const parent = spawn("sh", ["-c", "sh -c 'sleep 30 & wait' & sleep 30 & wait"], { stdio: "ignore" });
        const pid = parent.pid!;
        let found: number[] = [];
        for (let i = 0; i < 50 && found.length < 3; i++) {
            await sleep(20);
            found = descendantPids(pid);
        }
        assert.equal(found.length, 3, `children and grandchild of ${pid}: ${found.join(", ")}`);
        for (const child of found) process.kill(child, "SIGKILL");
        parent.kill("SIGKILL");
        await new Promise((resolve) => parent.once("exit", resolve));
        for (let i = 0; i < 50 && found.some(pidAlive); i++) await sleep(20);
        assert.deepEqual(found.filter(pidAlive), [], "every descendant is gone");
        assert.deepEqual(descendantPids(pid), []);
    });
});
