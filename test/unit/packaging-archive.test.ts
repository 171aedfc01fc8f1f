import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import * as zlib from "node:zlib";
import { crc32 } from "../../components/packaging/crc32";
import { gzipStored } from "../../components/packaging/gzip";
import { isUstarPath, readTar, TarFormatError, writeTar } from "../../components/packaging/tar";

/** Deterministic pseudo-random bytes, so the test data is the same on every run. */
function bytes(length: number, seed: string): Buffer {
    const out = Buffer.alloc(length);
    for (let at = 0, block = 0; at < length; block++) {
        at += createHash("sha256").update(`${seed}:${block}`).digest().copy(out, at);
    }
    return out;
}

/** Walks the deflate stream of a gzip member and returns the BTYPE of each block (stored blocks only). */
function deflateBlockTypes(gz: Buffer): number[] {
    const types: number[] = [];
    let at = 10;
    for (;;) {
        const header = gz[at];
        const type = (header >> 1) & 0b11;
        types.push(type);
        if (type !== 0) return types; // not stored: cannot walk further
        const length = gz.readUInt16LE(at + 1);
        assert.equal(gz.readUInt16LE(at + 3), ~length & 0xffff, "NLEN is not the complement of LEN");
        at += 5 + length;
        if (header & 1) {
            assert.equal(at + 8, gz.length, "trailer is not exactly CRC32 + ISIZE");
            return types;
        }
    }
}

describe("crc32", () => {
    it("matches the standard check value and zlib", () => {
        assert.equal(crc32(Buffer.from("123456789")), 0xcbf43926);
        assert.equal(crc32(Buffer.alloc(0)), 0);
        const data = bytes(100_000, "crc");
        assert.equal(crc32(data), zlib.crc32(data));
    });
});

describe("gzipStored", () => {
    for (const length of [0, 1, 511, 65_535, 65_536, 200_000]) {
        it(`round-trips ${length} bytes through zlib with only stored blocks`, () => {
            const data = bytes(length, `gz${length}`);
            const gz = gzipStored(data);
            assert.deepEqual(zlib.gunzipSync(gz), data);
            const types = deflateBlockTypes(gz);
            assert.ok(
                types.every((type) => type === 0),
                `block types ${types}`,
            );
            assert.equal(types.length, Math.max(1, Math.ceil(length / 65_535)));
            assert.equal(gz.readUInt32LE(gz.length - 8), zlib.crc32(data));
            assert.equal(gz.readUInt32LE(gz.length - 4), length);
        });
    }

    it("has a fixed header: deflate, no flags, mtime 0, OS byte 255", () => {
        const gz = gzipStored(Buffer.from("x"));
        assert.deepEqual([...gz.subarray(0, 10)], [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);
    });
});

describe("writeTar / readTar", () => {
    const dir = mkdtempSync(join(tmpdir(), "packaging-archive-"));
    after(() => rmSync(dir, { recursive: true, force: true }));

    const longPath = `META-INF/statedb/couchdb/collections/${"c".repeat(60)}/indexes/${"n".repeat(60)}.json`;
    const files = [
        { path: "a.txt", data: Buffer.from("alpha\n") },
        { path: "empty", data: Buffer.alloc(0) },
        { path: longPath, data: bytes(1_000, "long") },
    ];

    it("writes ustar headers with fixed metadata that GNU tar lists and extracts", () => {
        const archive = writeTar(files);
        assert.equal(archive.length % 512, 0);
        assert.deepEqual(archive.subarray(archive.length - 1024), Buffer.alloc(1024), "missing end-of-archive blocks");
        const file = join(dir, "t.tar");
        writeFileSync(file, archive);
        const listing = execFileSync("tar", ["--numeric-owner", "-tvf", file], {
            encoding: "utf8",
            env: { ...process.env, TZ: "UTC" },
        });
        const lines = listing.trim().split("\n");
        assert.equal(lines.length, 3);
        lines.forEach((line, i) => {
            assert.match(line, /^-rw-r--r-- 0\/0 +\d+ 1970-01-01 00:00 /);
            assert.ok(line.endsWith(` ${files[i].path}`), line);
        });
        execFileSync("tar", ["-xf", file, "-C", dir]);
        assert.deepEqual(readFileSync(join(dir, longPath)), files[2].data);
    });

    it("reads back paths (including a prefix-split long path), types, modes, owners and contents", () => {
        const entries = readTar(writeTar(files));
        assert.deepEqual(
            entries.map((e) => e.path),
            files.map((f) => f.path),
        );
        for (const [i, entry] of entries.entries()) {
            assert.equal(entry.type, "file");
            assert.equal(entry.typeflag, "0");
            assert.equal(entry.mode, 0o644);
            assert.deepEqual([entry.uid, entry.gid, entry.uname, entry.gname, entry.mtime], [0, 0, "", "", 0]);
            assert.equal(entry.format, "ustar");
            assert.deepEqual(entry.data, files[i].data);
        }
    });

    it("reads archives made by GNU tar, directories included", () => {
        const src = join(dir, "src");
        execFileSync("mkdir", ["-p", join(src, "sub")]);
        writeFileSync(join(src, "sub", "f.json"), "{}");
        const file = join(dir, "gnu.tar");
        execFileSync("tar", ["-cf", file, "-C", src, "sub"]);
        const entries = readTar(readFileSync(file));
        assert.deepEqual(
            entries.map((e) => [e.path, e.type]),
            [
                ["sub/", "directory"],
                ["sub/f.json", "file"],
            ],
        );
        assert.equal(entries[1].data.toString(), "{}");
    });

    it("rejects a header with a bad checksum", () => {
        const archive = writeTar(files);
        archive[0] ^= 1;
        assert.throws(() => readTar(archive), TarFormatError);
    });

    it("refuses paths that would escape or not fit", () => {
        for (const bad of ["", "/abs", "../up", "a/../b", "a//b", "dir/", "ü", "a\nb", "x".repeat(101)]) {
            assert.equal(isUstarPath(bad), false, bad);
            assert.throws(() => writeTar([{ path: bad, data: Buffer.alloc(0) }]));
        }
        assert.equal(isUstarPath(longPath), true);
    });
});
