/**
 * Why not the Gateway client (@hyperledger/fabric-gateway): one signature rule for this library's own proposals and envelopes and for its signer.
 *
 * Signatures in the form Fabric's MSPs verify: ECDSA (P-256 or P-384) over
 * the SHA-256 digest (Fabric's SHA2 hash family hashes with SHA-256 whatever
 * the curve), DER-encoded with low S (s <= n/2: peers and orderers reject the
 * equivalent high-S signature as malleable); Ed25519 (Fabric 3) over the
 * message itself.
 */
import { createHash, type KeyObject, sign } from "node:crypto";

/** Order n of the P-256 group. */
export const P256_ORDER = BigInt("0xFFFFFFFF00000000FFFFFFFFFFFFFFFFBCE6FAADA7179E84F3B9CAC2FC632551");
export const P256_HALF_ORDER = P256_ORDER >> 1n;
/** Order n of the P-384 group. */
export const P384_ORDER = BigInt("0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFC7634D81F4372DDF581A0DB248B0A77AECEC196ACCC52973");

/** The ECDSA curves Fabric MSP identities use, by node's name: the group order and the size of r and s. */
const CURVES: Readonly<Record<string, { order: bigint; bytes: number }>> = {
    prime256v1: { order: P256_ORDER, bytes: 32 },
    secp384r1: { order: P384_ORDER, bytes: 48 },
};

/** The key types a Fabric identity may have here, as an error message says them. */
export const SIGNING_KEY_TYPES = "an ECDSA P-256 or P-384 private key, or an Ed25519 one (Fabric 3.0 or later)";

/** True if `key` is a private key this module signs with. */
export function isSupportedSigningKey(key: KeyObject): boolean {
    if (key.asymmetricKeyType === "ed25519") return true;
    return key.asymmetricKeyType === "ec" && key.asymmetricKeyDetails?.namedCurve !== undefined && key.asymmetricKeyDetails.namedCurve in CURVES;
}

/** Signs `message` as Fabric verifies it for this key type (see above). */
export function signForFabric(privateKey: KeyObject, message: Uint8Array): Buffer {
    if (privateKey.asymmetricKeyType === "ed25519") return sign(null, message, privateKey);
    const curve = CURVES[privateKey.asymmetricKeyDetails?.namedCurve ?? ""];
    if (!curve) throw new Error(`cannot sign with a ${privateKey.asymmetricKeyType} key: expected ${SIGNING_KEY_TYPES}`);
    const raw = sign("sha256", message, { key: privateKey, dsaEncoding: "ieee-p1363" });
    const r = bytesToBigInt(raw.subarray(0, curve.bytes));
    let s = bytesToBigInt(raw.subarray(curve.bytes));
    if (s > curve.order >> 1n) s = curve.order - s;
    return encodeDerSignature(r, s);
}

/** signForFabric under its earlier name (it signed with P-256 keys only). */
export function signLowS(privateKey: KeyObject, message: Uint8Array): Buffer {
    return signForFabric(privateKey, message);
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
