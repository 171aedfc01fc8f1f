/*
 * testenv/build-fabric.sh with FABRIC_HOME: an official Fabric release folder
 * (bin/, config/, builders/ccaas/bin/) is checked and linked into the cache.
 * The release's binaries here are stand-ins that answer `peer version`; the
 * fabric tier runs the real ones (docs/testing.md, Tests).
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const SCRIPT = join(__dirname, "..", "..", "..", "testenv", "build-fabric.sh");

function releaseFolder(version: string, omit: string[] = []): string {
    const home = mkdtempSync(join(tmpdir(), "fabric-release-"));
    const files = [
        ...["peer", "orderer", "configtxgen", "osnadmin", "cryptogen", "configtxlator", "discover"].map(
            (b) => `bin/${b}`,
        ),
        ...["detect", "build", "release"].map((b) => `builders/ccaas/bin/${b}`),
        "config/core.yaml",
        "config/orderer.yaml",
        "config/configtx.yaml",
    ];
    for (const file of files.filter((f) => !omit.includes(f))) {
        mkdirSync(join(home, file, ".."), { recursive: true });
        const executable = !file.startsWith("config/");
        writeFileSync(
            join(home, file),
            executable ? `#!/bin/sh\nprintf 'peer:\\n Version: ${version}\\n Commit SHA: 0000000\\n'\n` : `# ${file}\n`,
        );
        if (executable) chmodSync(join(home, file), 0o755);
    }
    return home;
}

function run(env: Record<string, string>) {
    const result = spawnSync("bash", [SCRIPT], {
        env: { PATH: process.env.PATH ?? "", HOME: tmpdir(), ...env },
        encoding: "utf8",
    });
    return { code: result.status, out: result.stdout + result.stderr };
}

describe("build-fabric.sh with a Fabric release folder (FABRIC_HOME)", () => {
    it("links the release's binaries and ccaas builder into the cache under its own version, says where from, and reuses it on the next run", () => {
        const home = releaseFolder("3.1.5");
        const cache = mkdtempSync(join(tmpdir(), "ccaas-cache-"));
        try {
            const first = run({ FABRIC_HOME: home, CCAAS_CACHE: cache });
            assert.equal(first.code, 0, first.out);
            const dest = join(cache, "fabric", "3.1.5");
            assert.equal(readlinkSync(join(dest, "bin", "peer")), join(home, "bin", "peer"));
            assert.equal(
                readlinkSync(join(dest, "ccaas", "bin", "release")),
                join(home, "builders", "ccaas", "bin", "release"),
            );
            assert.equal(readFileSync(join(dest, "config", "core.yaml"), "utf8"), "# config/core.yaml\n");
            assert.equal(
                readFileSync(join(dest, "PROVENANCE"), "utf8"),
                `Linked from the Fabric release folder ${home} (peer version 3.1.5).\n`,
            );
            assert.match(first.out, /run them with FABRIC_VERSION=3\.1\.5/);
            const again = run({ FABRIC_HOME: home, CCAAS_CACHE: cache, FABRIC_VERSION: "3.1.5" });
            assert.equal(again.code, 0, again.out);
            assert.match(again.out, /fabric 3\.1\.5: cached at .*Linked from the Fabric release folder/);
        } finally {
            rmSync(home, { recursive: true, force: true });
            rmSync(cache, { recursive: true, force: true });
        }
    });

    it("refuses a folder without the release layout, naming what it lacks, and a release of another version than FABRIC_VERSION", () => {
        const cache = mkdtempSync(join(tmpdir(), "ccaas-cache-"));
        const noBuilder = releaseFolder("2.5.16", [
            "builders/ccaas/bin/detect",
            "builders/ccaas/bin/build",
            "builders/ccaas/bin/release",
        ]);
        const other = releaseFolder("2.5.9");
        try {
            const lacking = run({ FABRIC_HOME: noBuilder, CCAAS_CACHE: cache });
            assert.equal(lacking.code, 2);
            assert.match(
                lacking.out,
                /is not a Fabric release folder: it lacks builders\/ccaas\/bin\/detect builders\/ccaas\/bin\/build builders\/ccaas\/bin\/release/,
            );
            const mismatch = run({ FABRIC_HOME: other, CCAAS_CACHE: cache, FABRIC_VERSION: "2.5.16" });
            assert.equal(mismatch.code, 2);
            assert.match(mismatch.out, /holds Fabric 2\.5\.9, but FABRIC_VERSION is 2\.5\.16/);
        } finally {
            for (const dir of [cache, noBuilder, other]) rmSync(dir, { recursive: true, force: true });
        }
    });
});
