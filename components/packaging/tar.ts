/*
 * A minimal ustar writer with fixed metadata (mode 0644, uid/gid 0, no user or
 * group names, mtime 0), so archive bytes depend only on paths and contents;
 * and a reader for the subset of tar that chaincode packages use (ustar and
 * GNU regular files and directories, pax and GNU long names).
 */

const BLOCK = 512;
const FILE_MODE = 0o644;
const MAX_SIZE = 8 ** 11 - 1; // what 11 octal digits hold

/** A regular file to archive. */
export interface TarFileInput {
    /** Relative path with "/" separators, printable ASCII. */
    readonly path: string;
    readonly data: Uint8Array;
}

/** One entry read back from an archive. */
export interface TarEntry {
    readonly path: string;
    /** "file" for regular files ('0' or NUL), "directory" ('5'), "other" for links, devices and the rest. */
    readonly type: "file" | "directory" | "other";
    /** The raw type flag character. */
    readonly typeflag: string;
    readonly mode: number;
    readonly uid: number;
    readonly gid: number;
    readonly uname: string;
    readonly gname: string;
    readonly mtime: number;
    /** "ustar" for POSIX ustar ("ustar\0" + "00"), "gnu" for GNU ("ustar  \0"), "v7" otherwise. */
    readonly format: "ustar" | "gnu" | "v7";
    readonly data: Buffer;
}

/** Thrown when bytes are not a tar archive this reader understands. */
export class TarFormatError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "TarFormatError";
    }
}

/** Splits a path into ustar's prefix (155) and name (100) fields, at a "/". */
function splitUstarPath(path: string): { prefix: string; name: string } {
    if (path.length <= 100) return { prefix: "", name: path };
    for (let slash = path.indexOf("/"); slash !== -1; slash = path.indexOf("/", slash + 1)) {
        const prefix = path.slice(0, slash);
        const name = path.slice(slash + 1);
        if (prefix.length <= 155 && name.length <= 100 && name.length > 0) return { prefix, name };
    }
    throw new Error(`tar path too long for ustar (at most 155 + 100 characters split at a "/"): ${path}`);
}

/** True when path fits a ustar header: printable ASCII, relative, no "." or ".." segments. */
export function isUstarPath(path: string): boolean {
    if (!/^[\x21-\x7e]+( [\x21-\x7e]+)*$/.test(path) || path.startsWith("/") || path.endsWith("/")) return false;
    if (path.split("/").some((segment) => segment === "" || segment === "." || segment === "..")) return false;
    try {
        splitUstarPath(path);
        return true;
    } catch {
        return false;
    }
}

function writeString(header: Buffer, offset: number, length: number, value: string): void {
    header.write(value, offset, length, "ascii");
}

function writeOctal(header: Buffer, offset: number, length: number, value: number): void {
    // length - 1 zero-padded octal digits, then NUL.
    writeString(header, offset, length - 1, value.toString(8).padStart(length - 1, "0"));
}

function ustarHeader(path: string, size: number): Buffer {
    if (!isUstarPath(path)) throw new Error(`not a valid ustar path: ${JSON.stringify(path)}`);
    if (size > MAX_SIZE) throw new Error(`file too large for a ustar header: ${path} (${size} bytes)`);
    const { prefix, name } = splitUstarPath(path);
    const header = Buffer.alloc(BLOCK);
    writeString(header, 0, 100, name);
    writeOctal(header, 100, 8, FILE_MODE);
    writeOctal(header, 108, 8, 0); // uid
    writeOctal(header, 116, 8, 0); // gid
    writeOctal(header, 124, 12, size);
    writeOctal(header, 136, 12, 0); // mtime
    writeString(header, 148, 8, " ".repeat(8)); // checksum counts as spaces while summing
    writeString(header, 156, 1, "0"); // regular file
    writeString(header, 257, 6, "ustar"); // magic, NUL-terminated
    writeString(header, 263, 2, "00"); // version
    // uname (265) and gname (297) stay empty.
    writeOctal(header, 329, 8, 0); // devmajor
    writeOctal(header, 337, 8, 0); // devminor
    writeString(header, 345, 155, prefix);
    let sum = 0;
    for (const byte of header) sum += byte;
    writeString(header, 148, 8, `${sum.toString(8).padStart(6, "0")}\0 `);
    return header;
}

/** A ustar archive of the files, in the given order, ending with two zero blocks. */
export function writeTar(files: readonly TarFileInput[]): Buffer {
    const parts: Buffer[] = [];
    for (const file of files) {
        parts.push(ustarHeader(file.path, file.data.length), Buffer.from(file.data));
        const padding = (BLOCK - (file.data.length % BLOCK)) % BLOCK;
        if (padding > 0) parts.push(Buffer.alloc(padding));
    }
    parts.push(Buffer.alloc(2 * BLOCK));
    return Buffer.concat(parts);
}

function readString(header: Buffer, offset: number, length: number): string {
    const field = header.subarray(offset, offset + length);
    const end = field.indexOf(0);
    return field.subarray(0, end === -1 ? length : end).toString("utf8");
}

function readOctal(header: Buffer, offset: number, length: number, what: string, at: number): number {
    const text = readString(header, offset, length).trim();
    if (text === "") return 0;
    if (!/^[0-7]+$/.test(text))
        throw new TarFormatError(`bad ${what} field ${JSON.stringify(text)} in tar header at byte ${at}`);
    return parseInt(text, 8);
}

function headerChecksumMatches(header: Buffer, stored: number): boolean {
    let unsigned = 0;
    let signed = 0;
    for (let i = 0; i < BLOCK; i++) {
        const byte = i >= 148 && i < 156 ? 0x20 : header[i];
        unsigned += byte;
        signed += byte > 127 ? byte - 256 : byte;
    }
    return stored === unsigned || stored === signed;
}

/** pax extended header records ("len key=value\n"); only path and size matter here. */
function parsePaxRecords(data: Buffer): Map<string, string> {
    const records = new Map<string, string>();
    let at = 0;
    while (at < data.length) {
        const space = data.indexOf(0x20, at);
        const length = space === -1 ? NaN : Number(data.subarray(at, space).toString("ascii"));
        if (!Number.isInteger(length) || length <= 0 || at + length > data.length) {
            throw new TarFormatError("malformed pax extended header");
        }
        const record = data.subarray(space + 1, at + length - 1).toString("utf8");
        const equals = record.indexOf("=");
        if (equals > 0) records.set(record.slice(0, equals), record.slice(equals + 1));
        at += length;
    }
    return records;
}

/** Reads every entry of an uncompressed tar archive. */
export function readTar(archive: Buffer): TarEntry[] {
    const entries: TarEntry[] = [];
    let pending: { path?: string; size?: number } = {};
    let at = 0;
    while (at + BLOCK <= archive.length) {
        const headerAt = at;
        const header = archive.subarray(at, at + BLOCK);
        if (header.every((byte) => byte === 0)) return entries;
        const stored = readOctal(header, 148, 8, "checksum", at);
        if (!headerChecksumMatches(header, stored))
            throw new TarFormatError(`tar header checksum mismatch at byte ${at}`);
        const magic = header.subarray(257, 265).toString("latin1");
        const format = magic === "ustar\u000000" ? "ustar" : magic === "ustar  \u0000" ? "gnu" : "v7";
        const typeflag = String.fromCharCode(header[156]);
        const size = pending.size ?? readOctal(header, 124, 12, "size", at);
        const dataStart = at + BLOCK;
        if (dataStart + size > archive.length) throw new TarFormatError(`tar entry at byte ${at} is truncated`);
        const data = archive.subarray(dataStart, dataStart + size);
        at = dataStart + Math.ceil(size / BLOCK) * BLOCK;

        if (typeflag === "x") {
            const records = parsePaxRecords(data);
            const paxSize = records.get("size");
            pending = { path: records.get("path"), size: paxSize === undefined ? undefined : Number(paxSize) };
            continue;
        }
        if (typeflag === "g") continue; // global pax defaults: nothing here uses them
        if (typeflag === "L") {
            pending = { ...pending, path: readString(data, 0, data.length) };
            continue;
        }
        const prefix = format === "ustar" ? readString(header, 345, 155) : "";
        const name = readString(header, 0, 100);
        const path = pending.path ?? (prefix ? `${prefix}/${name}` : name);
        pending = {};
        entries.push({
            path,
            type: typeflag === "0" || typeflag === "\0" ? "file" : typeflag === "5" ? "directory" : "other",
            typeflag,
            mode: readOctal(header, 100, 8, "mode", headerAt),
            uid: readOctal(header, 108, 8, "uid", headerAt),
            gid: readOctal(header, 116, 8, "gid", headerAt),
            uname: readString(header, 265, 32),
            gname: readString(header, 297, 32),
            mtime: readOctal(header, 136, 12, "mtime", headerAt),
            format,
            data: Buffer.from(data),
        });
    }
    // Like Go's reader, accept an archive that simply stops after its last entry.
    if (at === archive.length) return entries;
    throw new TarFormatError(`tar archive has ${archive.length - at} trailing bytes that are not a header`);
}
