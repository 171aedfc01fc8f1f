/**
 * How an install carries its package in the state: raw DEFLATE, base64.
 * The package itself is built with stored (uncompressed) gzip blocks, so
 * its bytes and ID never depend on a zlib version; the state only needs the
 * same bytes back. A mutual-TLS package of 6.7 kB takes 1.2 kB so, and the
 * state, which the file backend rewrites after every step, carries it once
 * per peer (encrypted, as it holds the peer's client key).
 */
import { deflateRawSync, inflateRawSync } from "node:zlib";

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export function isBase64(value: unknown): value is string {
    return typeof value === "string" && value.length > 0 && BASE64.test(value);
}

/** The deflated form of a base64 package; undefined for anything that is not base64 (the check names it as given). */
export function deflatedPackage(packageBase64: unknown): string | undefined {
    if (!isBase64(packageBase64)) return undefined;
    return deflateRawSync(Buffer.from(packageBase64, "base64"), { level: 9 }).toString("base64");
}

/** The package bytes back; throws when the text is not a deflated package's base64. */
export function inflatedPackage(packageDeflated: unknown): Buffer {
    if (!isBase64(packageDeflated)) throw new Error("not base64");
    return inflateRawSync(Buffer.from(packageDeflated, "base64"));
}
