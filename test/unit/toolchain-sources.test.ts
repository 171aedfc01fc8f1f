/*
 * testenv/toolchain/build.sh picks each component's source in order: a
 * binary already on the machine's PATH, a plugin acquired with `pulumi plugin
 * install`, a build from the Go module proxy; and says which in the
 * component's .complete line, or, when none works, why each did not. The
 * pulumi CLI, the plugins and `go` here are stand-in scripts.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import {
    chmodSync,
    existsSync,
    mkdirSync,
    mkdtempSync,
    readFileSync,
    readlinkSync,
    rmSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, it } from "node:test";

const SCRIPT = join(__dirname, "..", "..", "..", "testenv", "toolchain", "build.sh");

let scratch: string;
let standIns: string;
let cache: string;

function standIn(name: string, body: string): string {
    const path = join(standIns, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
}

/** build.sh with only the stand-ins and the system's own tools on PATH. */
function toolchain(...components: string[]) {
    const result = spawnSync("bash", [SCRIPT, ...components], {
        env: { PATH: `${standIns}:/usr/bin:/bin`, HOME: scratch, CCAAS_CACHE: cache },
        encoding: "utf8",
    });
    return { code: result.status, out: result.stdout + result.stderr };
}

function provenance(component: string, version: string): string {
    return readFileSync(join(cache, "toolchain", `${component}-${version}`, ".complete"), "utf8").trim();
}

describe("toolchain sources: on PATH, acquired, built, missing", () => {
    beforeEach(() => {
        scratch = mkdtempSync(join(tmpdir(), "toolchain-sources-"));
        standIns = join(scratch, "bin");
        cache = join(scratch, "cache");
        mkdirSync(standIns);
    });
    afterEach(() => rmSync(scratch, { recursive: true, force: true }));

    it("links a plugin already on PATH, builds nothing, and says so", () => {
        const plugin = standIn("pulumi-resource-tls", "exit 0");
        standIn("go", 'echo "go must not run" >&2; exit 9');
        const run = toolchain("pulumi-resource-tls");
        assert.equal(run.code, 0, run.out);
        assert.equal(
            readlinkSync(join(cache, "toolchain", "pulumi-resource-tls-5.5.1", "bin", "pulumi-resource-tls")),
            plugin,
        );
        assert.equal(
            provenance("pulumi-resource-tls", "5.5.1"),
            `pulumi-resource-tls 5.5.1: found on PATH (${plugin}), linked, not built.`,
        );
        assert.ok(
            existsSync(join(cache, "toolchain", "bin", "pulumi-resource-tls")),
            "linked into the toolchain's bin",
        );
        assert.doesNotMatch(run.out, /go must not run/);
    });

    it("acquires a plugin with the machine's pulumi CLI when it is not on PATH", () => {
        const cli = standIn(
            "pulumi",
            [
                '[ "$1 $2 $3 $4 $5" = "plugin install resource tls 5.5.1" ] || { echo "unexpected: $*" >&2; exit 2; }',
                'mkdir -p "$PULUMI_HOME/plugins/resource-tls-v5.5.1"',
                'printf "#!/bin/sh\\necho acquired-tls\\n" > "$PULUMI_HOME/plugins/resource-tls-v5.5.1/pulumi-resource-tls"',
                'chmod +x "$PULUMI_HOME/plugins/resource-tls-v5.5.1/pulumi-resource-tls"',
            ].join("\n"),
        );
        const run = toolchain("pulumi-resource-tls");
        assert.equal(run.code, 0, run.out);
        assert.equal(
            provenance("pulumi-resource-tls", "5.5.1"),
            `pulumi-resource-tls 5.5.1: acquired with \`pulumi plugin install resource tls 5.5.1\` (${cli}), not built.`,
        );
        const binary = join(cache, "toolchain", "bin", "pulumi-resource-tls");
        assert.equal(spawnSync(binary, { encoding: "utf8" }).stdout, "acquired-tls\n");
        assert.match(run.out, /\[pulumi-resource-tls\] path\n[\s\S]*\[pulumi-resource-tls\] acquire\n/);
    });

    it("builds from the Go module proxy when the plugin is neither on PATH nor acquirable", () => {
        standIn("pulumi", 'echo "error: could not download plugin" >&2; exit 1');
        standIn(
            "go",
            [
                'case "$1 $2" in',
                '  "mod download") echo "{\\"Dir\\": \\"/nonexistent\\"}" ;;',
                '  "install "*) for a in "$@"; do :; done; printf "#!/bin/sh\\n" > "$GOBIN/pulumi-resource-command"; chmod +x "$GOBIN/pulumi-resource-command" ;;',
                '  *) echo "unexpected go $*" >&2; exit 2 ;;',
                "esac",
            ].join("\n"),
        );
        const run = toolchain("pulumi-resource-command");
        assert.equal(run.code, 0, run.out);
        assert.match(
            provenance("pulumi-resource-command", "1.2.1"),
            /^pulumi-resource-command 1\.2\.1: built from Go module github\.com\/pulumi\/pulumi-command\/provider@[0-9a-f]{40} on \d{4}-\d\d-\d\d\.$/,
        );
        assert.match(
            run.out,
            /`pulumi plugin install resource command 1\.2\.1` failed/,
            "the acquisition was tried first",
        );
    });

    it("names each source that failed and why, exits 1, and leaves no partial component", () => {
        standIn("go", 'echo "go: github.com/pulumi/pulumi-tls/provider/v5@v5.5.1: reading: 403 Forbidden" >&2; exit 1');
        const run = toolchain("pulumi-resource-tls");
        assert.equal(run.code, 1, run.out);
        assert.match(
            run.out,
            /\[pulumi-resource-tls\] MISSING after \d+s: path: pulumi-resource-tls is not on PATH; acquire: no pulumi CLI on PATH or in the toolchain to run `pulumi plugin install` with; build: its recipe failed \(exit 1; the lines above say why\)/,
        );
        assert.match(
            run.out,
            /pulumi-resource-tls has no build recipe here: put the plugin on PATH or let `pulumi plugin install resource tls 5\.5\.1` fetch it/,
        );
        assert.match(run.out, /toolchain: FAILED components: pulumi-resource-tls/);
        assert.equal(existsSync(join(cache, "toolchain", "pulumi-resource-tls-5.5.1")), false);
        assert.equal(existsSync(join(cache, "toolchain", "pulumi-resource-tls-5.5.1.partial")), false);
    });

    it("takes the official pulumi CLI from PATH instead of building it", () => {
        const cli = standIn("pulumi", 'echo "v3.260.0"');
        const script = standIn("pulumi-resource-pulumi-nodejs", "exit 0");
        const run = toolchain("pulumi");
        assert.equal(run.code, 0, run.out);
        assert.equal(
            provenance("pulumi", "3.259.0"),
            `pulumi 3.259.0: found on PATH (${cli} ${script}), linked, not built.`,
        );
    });
});
