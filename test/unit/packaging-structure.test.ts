import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { gunzipSync, gzipSync } from "node:zlib";
import {
    buildChaincodePackage,
    ChaincodePackageFormatError,
    computePackageId,
    readChaincodePackage,
} from "../../components/packaging";
import { InvalidSettingError } from "../../components/validation/errors";
import { testPki } from "../support/pki";

/** A header reader independent of the one under test: name, mode, owner, size, type, magic of each entry. */
function listTar(tar: Buffer) {
    const entries = [];
    for (let at = 0; at + 512 <= tar.length; ) {
        const h = tar.subarray(at, at + 512);
        if (h.every((b) => b === 0)) break;
        const field = (from: number, to: number) => h.subarray(from, to).toString("latin1").replace(/\0.*$/s, "");
        const size = parseInt(field(124, 136), 8);
        entries.push({
            name: field(0, 100),
            mode: field(100, 108),
            uid: field(108, 116),
            gid: field(116, 124),
            mtime: field(136, 148),
            type: String.fromCharCode(h[156]),
            magic: h.subarray(257, 265).toString("latin1"),
            uname: field(265, 297),
            gname: field(297, 329),
            data: tar.subarray(at + 512, at + 512 + size),
        });
        at += 512 + Math.ceil(size / 512) * 512;
    }
    return entries;
}

const dir = mkdtempSync(join(tmpdir(), "packaging-structure-"));
after(() => rmSync(dir, { recursive: true, force: true }));

describe("package structure", () => {
    const pki = testPki();
    const pkg = buildChaincodePackage({
        label: "basic_1.0",
        address: "basic.chaincode.svc.cluster.local:7052",
        tls: { rootCertPem: pki.caCertPem },
        couchDbIndexes: [
            {
                name: "indexOwner",
                definition: '{"index":{"fields":["owner"]},"ddoc":"indexOwnerDoc","name":"indexOwner","type":"json"}',
            },
        ],
    });

    it("is a gzip'd ustar archive with exactly metadata.json then code.tar.gz, regular files, 0644, owner 0, mtime 0", () => {
        const entries = listTar(gunzipSync(pkg.bytes));
        assert.deepEqual(
            entries.map((e) => e.name),
            ["metadata.json", "code.tar.gz"],
        );
        for (const entry of entries) {
            assert.equal(entry.type, "0", `${entry.name} is not a regular file`);
            assert.equal(parseInt(entry.mode, 8), 0o644);
            assert.deepEqual([parseInt(entry.uid, 8), parseInt(entry.gid, 8), parseInt(entry.mtime, 8)], [0, 0, 0]);
            assert.deepEqual([entry.uname, entry.gname], ["", ""]);
            assert.equal(entry.magic, "ustar\u000000");
        }
        assert.equal(entries[0].data.toString(), pkg.metadataJson);
        assert.deepEqual(entries[1].data, pkg.codeTarGz);
    });

    it("holds a valid gzip'd tar as code.tar.gz with connection.json first and the index, no directory entries", () => {
        const entries = listTar(gunzipSync(pkg.codeTarGz));
        assert.deepEqual(
            entries.map((e) => [e.name, e.type]),
            [
                ["connection.json", "0"],
                ["META-INF/statedb/couchdb/indexes/indexOwner.json", "0"],
            ],
        );
        for (const entry of entries) assert.equal(parseInt(entry.mode, 8), 0o644);
        assert.equal(entries[0].data.toString(), pkg.connectionJson);
    });

    it("is listed by the system tar exactly so", () => {
        const file = join(dir, "basic.tgz");
        writeFileSync(file, pkg.bytes);
        const env = { ...process.env, TZ: "UTC" };
        const outer = execFileSync("tar", ["--numeric-owner", "-tzvf", file], { encoding: "utf8", env })
            .trim()
            .split("\n");
        assert.equal(outer.length, 2);
        assert.match(outer[0], /^-rw-r--r-- 0\/0 +\d+ 1970-01-01 00:00 metadata\.json$/);
        assert.match(outer[1], /^-rw-r--r-- 0\/0 +\d+ 1970-01-01 00:00 code\.tar\.gz$/);
        const codeFile = join(dir, "code.tar.gz");
        writeFileSync(codeFile, pkg.codeTarGz);
        const inner = execFileSync("tar", ["-tzf", codeFile], { encoding: "utf8" }).trim().split("\n");
        assert.deepEqual(inner, ["connection.json", "META-INF/statedb/couchdb/indexes/indexOwner.json"]);
        execFileSync("gzip", ["-t", file]);
    });

    it("writes metadata.json as {type, label} with type ccaas by default, path only when given", () => {
        assert.equal(pkg.metadataJson, '{"type":"ccaas","label":"basic_1.0"}');
        const withPath = buildChaincodePackage({
            label: "x",
            type: "external",
            path: "github.com/x/cc",
            address: "x:1",
        });
        assert.equal(withPath.metadataJson, '{"type":"external","label":"x","path":"github.com/x/cc"}');
    });

    it("has packageId = label:sha256(package bytes)", () => {
        const digest = createHash("sha256").update(pkg.bytes).digest("hex");
        assert.equal(pkg.packageId, `basic_1.0:${digest}`);
        assert.equal(computePackageId("basic_1.0", pkg.bytes), pkg.packageId);
        assert.equal(pkg.label, "basic_1.0");
        assert.throws(() => computePackageId("bad label", pkg.bytes), InvalidSettingError);
    });
});

describe("readChaincodePackage", () => {
    const pki = testPki();

    it("reads back what was built", () => {
        const pkg = buildChaincodePackage({
            label: "basic_1.0",
            address: "mycc:7052",
            dialTimeout: "3s",
            tls: { rootCertPem: pki.caCertPem },
            couchDbIndexes: [{ name: "byColor", collection: "private", definition: { index: { fields: ["color"] } } }],
        });
        const read = readChaincodePackage(pkg.bytes);
        assert.equal(read.packageId, pkg.packageId);
        assert.equal(read.label, "basic_1.0");
        assert.equal(read.type, "ccaas");
        assert.equal(read.path, undefined);
        assert.equal(read.metadataJson, pkg.metadataJson);
        assert.deepEqual(read.codeTarGz, pkg.codeTarGz);
        assert.equal(read.connectionJson, pkg.connectionJson);
        assert.deepEqual(read.connection, JSON.parse(pkg.connectionJson));
        assert.deepEqual(
            read.entries.map((e) => e.path),
            ["metadata.json", "code.tar.gz"],
        );
        assert.deepEqual(read.couchDbIndexes, [
            {
                path: "META-INF/statedb/couchdb/collections/private/indexes/byColor.json",
                name: "byColor",
                collection: "private",
                definition: '{"index":{"fields":["color"]}}',
            },
        ]);
    });

    /** Builds a .tgz of the named members with the system tar, from a folder laid out by the callback. */
    function systemTgz(name: string, members: string[], layout: (root: string) => void): Buffer {
        const root = join(dir, name);
        mkdirSync(root, { recursive: true });
        layout(root);
        const file = join(dir, `${name}.tgz`);
        execFileSync("tar", ["-czf", file, "-C", root, ...members]);
        return readFileSync(file);
    }

    it("rejects a package with a directory entry at the top level, as the peer does", () => {
        const bytes = systemTgz("with-dir", ["metadata.json", "META-INF", "code.tar.gz"], (root) => {
            mkdirSync(join(root, "META-INF"));
            writeFileSync(join(root, "metadata.json"), '{"type":"ccaas","label":"x"}');
            writeFileSync(join(root, "code.tar.gz"), buildChaincodePackage({ label: "x", address: "x:1" }).codeTarGz);
        });
        assert.throws(
            () => readChaincodePackage(bytes),
            (err: unknown) =>
                err instanceof ChaincodePackageFormatError && /META-INF\/ is not a regular file/.test(err.message),
        );
    });

    it("rejects missing files, bad labels and non-gzip input", () => {
        const noCode = systemTgz("no-code", ["metadata.json"], (root) =>
            writeFileSync(join(root, "metadata.json"), '{"type":"ccaas","label":"x"}'),
        );
        assert.throws(() => readChaincodePackage(noCode), /code\.tar\.gz is missing/);
        assert.throws(() => readChaincodePackage(Buffer.from("plain text")), /not gzip data/);
        const good = buildChaincodePackage({ label: "x", address: "x:1" });
        const badLabel = Buffer.from(gunzipSync(good.bytes));
        const at = badLabel.indexOf('"label":"x"');
        badLabel.write('"label":"-"', at);
        // Only file data changes, so the tar header checksum stays valid.
        assert.throws(
            () => readChaincodePackage(gzipSync(badLabel)),
            /not a valid chaincode package: invalid metadata\.json label: "-"/,
        );
    });
});
