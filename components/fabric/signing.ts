/**
 * ECDSA P-256 signatures in the form Fabric accepts: SHA-256 digest, DER
 * encoding, and low-S (s <= n/2), because peers and orderers reject the
 * equivalent high-S signature as malleable.
 */
import { createHash, type KeyObject, sign } from "node:crypto";

/** Order n of the P-256 group. */
export const P256_ORDER = BigInt("0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
export const P256_HALF_ORDER = P256_ORDER >> 1n;

/** Signs SHA-256(message) with a P-256 key; returns a DER signature with low S. */
export function signLowS(privateKey: KeyObject, message: Uint8Array): Buffer {
    const raw = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });
    const r = bytesToBigInt(raw.subarray(0, 32));
    let s = bytesToBigInt(raw.subarray(32, 64));
    if (s > P256_HALF_ORDER) s = P256_ORDER - s;
    return encodeDerSignature(r, s);
}

/** Reads r and s from a DER ECDSA signature (SEQUENCE of two INTEGERs). */
export function decodeDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
    const fail = (why: string): never => {
        throw new Error(`malformed DER signature: ${why}`);
    };
    if (der[0] !== 0x30) fail("not a SEQUENCE");
    if (der[1] !== der.length - 2) fail("bad SEQUENCE length");
    let offset = 2;
    const readInteger = (): bigint => {
        if (der[offset] !== 0x02) fail("expected INTEGER");
        const length = der[offset + 1];
        const start = offset + 2;
        offset = start + length;
        if (offset > der.length) fail("INTEGER runs past the end");
        return bytesToBigInt(der.subarray(start, offset));
    };
    const r = readInteger();
    const s = readInteger();
    if (offset !== der.length) fail("trailing bytes");
    return { r, s };
}

export function encodeDerSignature(r: bigint, s: bigint): Buffer {
    const rBytes = encodeDerInteger(r);
    const sBytes = encodeDerInteger(s);
    return Buffer.concat([Buffer.from([0x30, rBytes.length + sBytes.length]), rBytes, sBytes]);
}

export function sha256(...parts: Uint8Array[]): Buffer {
    const hash = createHash("sha256");
    for (const part of parts) hash.update(part);
    return hash.digest();
}

/** DER INTEGER: minimal big-endian bytes, with a leading 0 when the top bit is set (it is unsigned). */
function encodeDerInteger(value: bigint): Buffer {
    let hex = value.toString(16);
    if (hex.length % 2 === 1) hex = `0${hex}`;
    let bytes = Buffer.from(hex, "hex");
    if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
    return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
    return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString("hex")}`);
}
