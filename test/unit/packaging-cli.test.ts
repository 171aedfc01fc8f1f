import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
    existsSync,
    lstatSync,
    mkdtempSync,
    readdirSync,
    readFileSync,
    rmSync,
    statSync,
    symlinkSync,
    writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildChaincodePackage, readChaincodePackage } from "../../components/packaging";
import { writeFileAtomically } from "../../components/packaging/atomic-write";
import { normalizePem } from "../../components/validation/pem";
import { testPki } from "../support/pki";

const cli = join(__dirname, "..", "..", "components", "packaging", "cli.js");
const dir = mkdtempSync(join(tmpdir(), "packaging-cli-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]) {
    const result = spawnSync(process.execPath, [cli, ...args], { encoding: "utf8", cwd: dir, timeout: 30_000 });
    assert.equal(result.error, undefined);
    return result;
}

function file(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
}

describe("ccaas-package CLI", () => {
    const pki = testPki();

    it("starts with a node shebang", () => {
        assert.ok(readFileSync(cli, "utf8").startsWith("#!/usr/bin/env node\n"));
    });

    it("writes the package and prints only its ID, which the file hashes to", () => {
        const out = join(dir, "basic.tgz");
        const result = run("--label", "basic_1.0", "--address", "mycc:7052", "--out", out);
        assert.equal(result.status, 0, result.stderr);
        assert.match(result.stdout, /^basic_1\.0:[0-9a-f]{64}\n$/);
        const bytes = readFileSync(out);
        assert.equal(result.stdout, `basic_1.0:${createHash("sha256").update(bytes).digest("hex")}\n`);
        assert.equal(
            result.stdout.trim(),
            buildChaincodePackage({ label: "basic_1.0", address: "mycc:7052" }).packageId,
        );
        assert.equal(statSync(out).mode & 0o777, 0o644, "a package without a private key is an ordinary file");
    });

    it("passes every option through to the package", () => {
        const out = join(dir, "full.tgz");
        const indexFile = file("indexOwner.json", '{"index":{"fields":["owner"]}}');
        const collectionIndex = file("byColor.json", '{"index":{"fields":["color"]}}');
        const result = run(
            "--label",
            "full_2",
            "--address",
            "[::1]:9999",
            "--out",
            out,
            "--type",
            "external",
            "--dial-timeout",
            "750ms",
            "--tls-root-cert",
            file("ca.pem", pki.caCertPem),
            "--client-cert",
            file("client.pem", pki.clientCertPem),
            "--client-key",
            file("client.key", pki.clientKeyPem),
            "--couchdb-index",
            indexFile,
            "--couchdb-collection-index",
            `private=${collectionIndex}`,
        );
        assert.equal(result.status, 0, result.stderr);
        assert.equal(statSync(out).mode & 0o777, 0o600, "the package carries the peer's client key: owner only");
        const read = readChaincodePackage(readFileSync(out));
        assert.equal(result.stdout.trim(), read.packageId);
        assert.equal(read.type, "external");
        assert.deepEqual(read.connection, {
            address: "[::1]:9999",
            dial_timeout: "750ms",
            tls_required: true,
            client_auth_required: true,
            root_cert: normalizePem(pki.caCertPem),
            client_key: normalizePem(pki.clientKeyPem),
            client_cert: normalizePem(pki.clientCertPem),
        });
        assert.deepEqual(
            read.couchDbIndexes.map((i) => i.path),
            [
                "META-INF/statedb/couchdb/collections/private/indexes/byColor.json",
                "META-INF/statedb/couchdb/indexes/indexOwner.json",
            ],
        );
    });

    it("prints usage for --help and exits 0", () => {
        const result = run("--help");
        assert.equal(result.status, 0);
        assert.match(result.stdout, /^Usage: ccaas-package --label/);
        for (const flag of [
            "--label",
            "--address",
            "--out",
            "--type",
            "--dial-timeout",
            "--tls-root-cert",
            "--client-cert",
            "--client-key",
            "--couchdb-index",
        ]) {
            assert.ok(result.stdout.includes(flag), `help does not mention ${flag}`);
        }
    });

    const bad: Array<[string, string[], RegExp]> = [
        ["a missing --out", ["--label", "b", "--address", "mycc:7052"], /missing --out/],
        ["an unknown option", ["--label", "b", "--address", "mycc:7052", "--out", "x.tgz", "--colour"], /--colour/],
        [
            "a bad label",
            ["--label=-b", "--address", "mycc:7052", "--out", "x.tgz"],
            /invalid --label: "-b"; expected .*\[\[:alnum:\]\]/,
        ],
        [
            "a bad address",
            ["--label", "b", "--address", "mycc", "--out", "x.tgz"],
            /invalid --address: "mycc"; expected host:port/,
        ],
        [
            "a bad dial timeout",
            ["--label", "b", "--address", "mycc:1", "--out", "x.tgz", "--dial-timeout", "10"],
            /invalid --dial-timeout: "10"/,
        ],
        [
            "a bad type",
            ["--label", "b", "--address", "mycc:1", "--out", "x.tgz", "--type", "golang"],
            /invalid --type: "golang"; expected one of ccaas, external/,
        ],
        [
            "a missing root cert file",
            ["--label", "b", "--address", "mycc:1", "--out", "x.tgz", "--tls-root-cert", "nope.pem"],
            /cannot read --tls-root-cert nope\.pem: ENOENT/,
        ],
        [
            "a client cert without a key",
            ["--label", "b", "--address", "mycc:1", "--out", "x.tgz", "--client-cert", "c.pem"],
            /give both or neither/,
        ],
        [
            "a flag given twice (the last would win silently)",
            ["--label", "a_1", "--address", "mycc:1", "--out", "x.tgz", "--label", "b_1"],
            /--label given twice; give it once/,
        ],
        [
            "an output path that is a folder",
            ["--label", "b", "--address", "mycc:1", "--out", "."],
            /cannot write --out \.: E[A-Z]+/,
        ],
        [
            "an output folder that does not exist",
            ["--label", "b", "--address", "mycc:1", "--out", "no/such/dir/x.tgz"],
            /cannot write --out no\/such\/dir\/x\.tgz/,
        ],
    ];
    for (const [what, args, message] of bad) {
        it(`exits 2 with a message on stderr for ${what}, printing nothing on stdout, writing no file`, () => {
            const result = run(...args);
            assert.equal(result.status, 2, result.stderr);
            assert.match(result.stderr, message);
            assert.equal(result.stdout, "");
            assert.equal(existsSync(join(dir, "x.tgz")), false);
        });
    }

    it("names the file of an invalid index and the problem", () => {
        const result = run(
            "--label",
            "b",
            "--address",
            "mycc:1",
            "--out",
            "x.tgz",
            "--couchdb-index",
            file("broken.json", '{"fields":["a"]}'),
        );
        assert.equal(result.status, 2);
        assert.match(
            result.stderr,
            /invalid --couchdb-index .*broken\.json \(definition\): .*unexpected top-level key "fields"/,
        );
    });

    it("names the key file, not the key, when the key does not match the certificate", () => {
        const result = run(
            "--label",
            "b",
            "--address",
            "mycc:1",
            "--out",
            "x.tgz",
            "--tls-root-cert",
            file("ca2.pem", pki.caCertPem),
            "--client-cert",
            file("client2.pem", pki.clientCertPem),
            "--client-key",
            file("other.key", pki.unrelatedKeyPem),
        );
        assert.equal(result.status, 2);
        assert.match(result.stderr, /invalid --client-key .*other\.key: .*CN=peer0-client/);
        assert.ok(!result.stderr.includes(pki.unrelatedKeyPem.split("\n")[1].slice(0, 16)));
    });
});

describe("writing the package file", () => {
    it("never follows a symlink planted at the old predictable temporary name or at the target, and leaves nothing beside it", () => {
        const scratch = mkdtempSync(join(tmpdir(), "atomic-write-"));
        try {
            const victim = join(scratch, "victim.txt");
            writeFileSync(victim, "untouched");
            const target = join(scratch, "pkg.tgz");
            // What a local user could plant: <out>.<pid>.tmp was the temporary name, and the target itself.
            symlinkSync(victim, `${target}.${process.pid}.tmp`);
            symlinkSync(victim, target);
            writeFileAtomically(target, Buffer.from("package bytes"), true);
            assert.equal(readFileSync(victim, "utf8"), "untouched");
            assert.equal(lstatSync(target).isSymbolicLink(), false, "the target symlink was replaced, not followed");
            assert.equal(readFileSync(target, "utf8"), "package bytes");
            assert.equal(statSync(target).mode & 0o777, 0o600);
            assert.deepEqual(
                readdirSync(scratch).sort(),
                ["pkg.tgz", `pkg.tgz.${process.pid}.tmp`, "victim.txt"].sort(),
            );
        } finally {
            rmSync(scratch, { recursive: true, force: true });
        }
    });
});
