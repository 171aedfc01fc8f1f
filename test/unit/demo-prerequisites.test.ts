/*
 * `npm run demo` on a machine without the Fabric binaries, the node's parts
 * or the full-stack toolchain: one message naming what is missing and how the docs get it,
 * no stack trace, and nothing started.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const DEMO_JS = join(__dirname, "..", "..", "testenv", "demo", "cli.js");

describe("npm run demo without its prerequisites", () => {
    it("names the missing Fabric binary, the node's parts and the toolchain binaries, with the commands that bring them, and starts nothing", () => {
        const scratch = mkdtempSync(join(tmpdir(), "demo-prereq-"));
        const home = join(scratch, "demo");
        try {
            const run = spawnSync(process.execPath, [DEMO_JS], {
                env: { ...process.env, CCAAS_CACHE: join(scratch, "empty-cache"), DEMO_HOME: home },
                encoding: "utf8",
            });
            assert.equal(run.status, 1);
            assert.match(run.stderr, /^demo: cannot start the demo:\n/);
            assert.match(
                run.stderr,
                /Fabric 2\.5\.16 binary "peer" is missing: .*npm run fabric:build.*\(docs\/testing\.md, "Fabric binaries and the local network by hand"\)/,
            );
            assert.match(
                run.stderr,
                /this machine cannot run the demo's Kubernetes node: .*kubelet, kube-proxy, kubectl, coredns, kube-router in .*: npm run toolchain/,
            );
            assert.match(
                run.stderr,
                /the full-stack toolchain in .* lacks pulumi, pulumi-language-nodejs, pulumi-resource-kubernetes, pulumi-resource-tls, pulumi-resource-command: run `npm run toolchain`/,
            );
            assert.doesNotMatch(run.stderr, /^\s+at /m, "no stack trace");
            assert.equal(existsSync(home), false, "nothing was started or written");
        } finally {
            rmSync(scratch, { recursive: true, force: true });
        }
    });

    it("refuses an unknown command with the usage", () => {
        const run = spawnSync(process.execPath, [DEMO_JS, "start"], {
            env: { ...process.env, DEMO_HOME: join(tmpdir(), "demo-never-made") },
            encoding: "utf8",
        });
        assert.equal(run.status, 1);
        assert.equal(run.stderr, 'demo: unknown command "start"\nusage: npm run demo [-- up|down|status]\n');
    });
});
