/** Reading ECDSA signatures in tests: DER (r, s) and the group orders that bound them. */
import assert from "node:assert/strict";
import { type KeyObject, verify } from "node:crypto";

/** Order n of the P-256 group. */
export const P256_ORDER = BigInt("0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
/** Order n of the P-384 group. */
export const P384_ORDER = BigInt(
    "0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973",
);

/** r and s of a DER ECDSA signature (SEQUENCE of two INTEGERs); throws on anything else. */
export function decodeDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
    const fail = (why: string): never => {
        throw new Error(`malformed DER signature: ${why}`);
    };
    if (der[0] !== 0x30) fail("not a SEQUENCE");
    if (der[1] !== der.length - 2) fail("bad SEQUENCE length");
    let offset = 2;
    const readInteger = (): bigint => {
        if (der[offset] !== 0x02) fail("expected INTEGER");
        const start = offset + 2;
        offset = start + der[offset + 1];
        if (offset > der.length) fail("INTEGER runs past the end");
        const bytes = Buffer.from(der.subarray(start, offset));
        return bytes.length === 0 ? 0n : BigInt(`0x${bytes.toString("hex")}`);
    };
    const r = readInteger();
    const s = readInteger();
    if (offset !== der.length) fail("trailing bytes");
    return { r, s };
}

/** What a peer checks of an ECDSA signature: DER, 0 < r < n, s <= n/2 (low S), verified over SHA-256(message) by `publicKey`. */
export function assertFabricEcdsaSignature(
    signature: Uint8Array,
    message: Uint8Array,
    publicKey: KeyObject,
    order: bigint,
    label: string,
): void {
    const { r, s } = decodeDerSignature(signature);
    assert.ok(s <= order >> 1n, `${label} has high S`);
    assert.ok(r > 0n && r < order, `${label}: r is outside 1..n-1`);
    assert.ok(verify("sha256", message, { key: publicKey, dsaEncoding: "der" }, signature), `${label} does not verify`);
}

/** The DER signature of (r, s): minimal INTEGERs, 0x00-padded when the top bit is set. */
export function encodeDerSignature(r: bigint, s: bigint): Buffer {
    const integer = (value: bigint) => {
        let hex = value.toString(16);
        if (hex.length % 2 === 1) hex = `0${hex}`;
        let bytes = Buffer.from(hex, "hex");
        if (bytes[0] & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
        return Buffer.concat([Buffer.from([0x02, bytes.length]), bytes]);
    };
    const rBytes = integer(r);
    const sBytes = integer(s);
    return Buffer.concat([Buffer.from([0x30, rBytes.length + sBytes.length]), rBytes, sBytes]);
}
