/**
 * A Fabric signing identity built from PEM: the MSP ID, the X.509
 * certificate the MSP issued, and its P-256 private key.
 */
import { createPrivateKey } from "node:crypto";
import { msp } from "@hyperledger/fabric-protos";
import { HiddenValue, InvalidSettingError } from "../validation/errors";
import { validateCertificatePem, validateKeyMatchesCertificate, validatePrivateKeyPem } from "../validation/pem";
import { signLowS } from "./signing";

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
    /** Low-S DER ECDSA signature over SHA-256(message). */
    sign(message: Uint8Array): Buffer;
}

/**
 * Checks the PEM and builds the identity. `setting` names where the
 * identity came from, so errors point at the right input.
 */
export function createSigningIdentity(pem: IdentityPem, setting = "identity"): SigningIdentity {
    if (typeof pem.mspId !== "string" || !/^[A-Za-z0-9.-]+$/.test(pem.mspId)) {
        throw new InvalidSettingError(`${setting}.mspId`, pem.mspId, "an MSP ID of letters, digits, '.' and '-' (e.g. Org1MSP)");
    }
    const certPem = validateCertificatePem(`${setting}.certPem`, pem.certPem);
    const keyPem = validatePrivateKeyPem(`${setting}.keyPem`, pem.keyPem);
    const key = createPrivateKey(keyPem);
    if (key.asymmetricKeyType !== "ec" || key.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
        throw new InvalidSettingError(`${setting}.keyPem`, new HiddenValue("a private key"), "an ECDSA P-256 private key (Fabric MSP identities use P-256)");
    }
    validateKeyMatchesCertificate(`${setting}.keyPem`, keyPem, certPem);
    const serialized = new msp.SerializedIdentity();
    serialized.setMspid(pem.mspId);
    serialized.setIdBytes(Buffer.from(certPem, "utf8"));
    const creator = Buffer.from(serialized.serializeBinary());
    return {
        mspId: pem.mspId,
        certPem,
        creator,
        sign: (message) => signLowS(key, message),
    };
}
