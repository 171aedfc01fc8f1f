/**
 * Signatures in the form Fabric's MSPs verify: ECDSA (P-256 or P-384) over
 * the SHA-256 digest (Fabric's SHA2 hash family hashes with SHA-256 whatever
 * the curve), DER with low S (the Gateway client's signer normalises it);
 * Ed25519 (Fabric 3) over the message itself.
 */
import { createHash, type KeyObject } from "node:crypto";
import { signers } from "@hyperledger/fabric-gateway";

/** The key types a Fabric identity may have here, as an error message says them. */
export const SIGNING_KEY_TYPES = "an ECDSA P-256 or P-384 private key, or an Ed25519 one (Fabric 3.0 or later)";

const EC_CURVES = ["prime256v1", "secp384r1"];

/** True if `key` is a private key Fabric MSPs verify and the Gateway client signs with. */
export function isSupportedSigningKey(key: KeyObject): boolean {
    if (key.asymmetricKeyType === "ed25519") return true;
    return key.asymmetricKeyType === "ec" && EC_CURVES.includes(key.asymmetricKeyDetails?.namedCurve ?? "");
}

/** A function that signs messages with `privateKey` as Fabric verifies its key type (see above). */
export function fabricSigner(privateKey: KeyObject): (message: Uint8Array) => Promise<Buffer> {
    if (!isSupportedSigningKey(privateKey)) {
        throw new Error(`cannot sign with a ${privateKey.asymmetricKeyType} key: expected ${SIGNING_KEY_TYPES}`);
    }
    const sign = signers.newPrivateKeySigner(privateKey);
    // ECDSA signs a digest, Ed25519 the message (the Gateway client's signers expect just that).
    const digestOf =
        privateKey.asymmetricKeyType === "ed25519"
            ? (message: Uint8Array) => message
            : (message: Uint8Array) => sha256(message);
    return async (message) => Buffer.from(await sign(digestOf(message)));
}

/** Signs one message with `privateKey` as Fabric verifies it. */
export function signForFabric(privateKey: KeyObject, message: Uint8Array): Promise<Buffer> {
    return fabricSigner(privateKey)(message);
}

export function sha256(...parts: Uint8Array[]): Buffer {
    const hash = createHash("sha256");
    for (const part of parts) hash.update(part);
    return hash.digest();
}
