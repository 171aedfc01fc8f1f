/**
 * A Fabric signing identity built from PEM: the MSP ID, the X.509
 * certificate the MSP issued, and its private key (ECDSA P-256 or P-384, or
 * Ed25519 on Fabric 3).
 */
import { createPrivateKey } from "node:crypto";
import { msp } from "@hyperledger/fabric-protos";
import { HiddenValue, InvalidSettingError } from "../validation/errors";
import { checkCertificatePem, checkKeyMatchesCertificate, checkPrivateKeyPem } from "../validation/pem";
import { fabricSigner, isSupportedSigningKey, SIGNING_KEY_TYPES } from "./signing";

/** What callers pass in: plain PEM strings. */
export interface IdentityPem {
    /** MSP ID the certificate belongs to, e.g. "Org1MSP". */
    readonly mspId: string;
    /** The enrollment certificate (PEM). */
    readonly certPem: string;
    /** Its private key (PEM, PKCS#8 or SEC1). */
    readonly keyPem: string;
}

export interface SigningIdentity {
    readonly mspId: string;
    /** The certificate as the peer sees it (normalised PEM). */
    readonly certPem: string;
    /** `msp.SerializedIdentity{mspid, id_bytes}` bytes: the creator of every proposal. */
    readonly creator: Buffer;
    /** ECDSA: low-S DER signature over SHA-256(message); Ed25519: over the message. */
    sign(message: Uint8Array): Promise<Buffer>;
}

/** A PEM private key of a type Fabric MSPs verify; returns it normalised. `setting` names it in the error. */
export function checkSigningKeyPem(setting: string, value: unknown): string {
    const keyPem = checkPrivateKeyPem(setting, value);
    if (!isSupportedSigningKey(createPrivateKey(keyPem))) {
        throw new InvalidSettingError(
            setting,
            new HiddenValue("a private key"),
            `${SIGNING_KEY_TYPES}, as Fabric MSPs verify`,
        );
    }
    return keyPem;
}

/**
 * Checks the PEM and builds the identity. `setting` names where the
 * identity came from, so errors point at the right input.
 */
export function createSigningIdentity(pem: IdentityPem, setting = "identity"): SigningIdentity {
    const creator = creatorOf(pem.mspId, pem.certPem, setting);
    const keyPem = checkSigningKeyPem(`${setting}.keyPem`, pem.keyPem);
    checkKeyMatchesCertificate(`${setting}.keyPem`, keyPem, creator.certPem);
    return {
        mspId: pem.mspId,
        certPem: creator.certPem,
        creator: creator.bytes,
        sign: fabricSigner(createPrivateKey(keyPem)),
    };
}

/** Checks the MSP ID and certificate; returns the certificate normalised and `msp.SerializedIdentity{mspid, id_bytes}`. */
export function creatorOf(mspId: string, certPem: string, setting: string): { certPem: string; bytes: Buffer } {
    if (typeof mspId !== "string" || !/^[A-Za-z0-9.-]+$/.test(mspId)) {
        throw new InvalidSettingError(
            `${setting}.mspId`,
            mspId,
            "an MSP ID of letters, digits, '.' and '-' (e.g. Org1MSP)",
        );
    }
    const normalised = checkCertificatePem(`${setting}.certPem`, certPem);
    const serialized = new msp.SerializedIdentity();
    serialized.setMspid(mspId);
    serialized.setIdBytes(Buffer.from(normalised, "utf8"));
    return { certPem: normalised, bytes: Buffer.from(serialized.serializeBinary()) };
}
