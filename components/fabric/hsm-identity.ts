/**
 * A Fabric signing identity whose private key stays in an HSM, reached
 * through PKCS#11: ECDSA P-256, the one key type the Gateway client's HSM
 * signer signs with. The session opens on the first signature, so building
 * the identity touches no HSM.
 */
import { type KeyObject, verify, X509Certificate } from "node:crypto";
import { type HSMSignerFactory, signers } from "@hyperledger/fabric-gateway";
import { DescribedValue, HiddenValue, InvalidSettingError } from "../validation/errors";
import { creatorOf, type SigningIdentity } from "./identity";
import { sha256 } from "./signing";

/** Where the private key is and how to log in to its token. */
export interface HsmKey {
    /** Absolute path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
    readonly library: string;
    /** Label of the token that holds the key. */
    readonly tokenLabel: string;
    /** The key's CKA_ID, as text (e.g. what `softhsm2-util --import --id <hex of the text>` set). */
    readonly keyId: string;
    /** The token's user PIN (secret). */
    readonly pin: string;
}

/** How the caller named each field of HsmKey, for errors. */
export type HsmSettingNames = Readonly<Record<keyof HsmKey, string>>;

/** An identity whose key is in an HSM: the MSP ID and certificate as for PEM, the key by reference. */
export interface IdentityHsm {
    readonly mspId: string;
    readonly certPem: string;
    readonly hsm: HsmKey;
    /** Names of the settings in errors. Defaults to hsm.library, hsm.tokenLabel, … */
    readonly hsmSettings?: HsmSettingNames;
}

const DEFAULT_NAMES: HsmSettingNames = {
    library: "hsm.library",
    tokenLabel: "hsm.tokenLabel",
    keyId: "hsm.keyId",
    pin: "hsm.pin",
};

/** Checks one HSM setting's shape (no HSM is opened); throws InvalidSettingError naming it as `setting`. */
export function checkHsmField(field: keyof HsmKey, setting: string, value: unknown): void {
    switch (field) {
        case "library":
            if (typeof value !== "string" || !value.startsWith("/")) {
                throw new InvalidSettingError(
                    setting,
                    value,
                    "the absolute path of a PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so",
                );
            }
            return;
        case "tokenLabel":
            // PKCS#11 token labels are 32 bytes, blank-padded.
            if (typeof value !== "string" || value.trim() === "" || Buffer.byteLength(value) > 32) {
                throw new InvalidSettingError(
                    setting,
                    value,
                    "the label of the token that holds the key (1 to 32 bytes)",
                );
            }
            return;
        case "keyId":
            if (typeof value !== "string" || value.trim() === "")
                throw new InvalidSettingError(setting, value, "the CKA_ID of the private key on the token, as text");
            return;
        case "pin":
            if (typeof value !== "string" || value === "") {
                throw new InvalidSettingError(
                    setting,
                    value === undefined ? undefined : new HiddenValue("an empty or non-text PIN"),
                    "the token's user PIN, set as a secret",
                );
            }
    }
}

/** Checks every HSM setting's shape (no HSM is opened); throws InvalidSettingError naming the setting. */
export function checkHsmKey(hsm: Partial<Record<keyof HsmKey, unknown>>, names: HsmSettingNames = DEFAULT_NAMES): void {
    for (const field of HSM_FIELDS) checkHsmField(field, names[field], hsm[field]);
}

const HSM_FIELDS: ReadonlyArray<keyof HsmKey> = ["library", "tokenLabel", "keyId", "pin"];

/** The certificate's public key, which must be ECDSA P-256 for an HSM-held key; `setting` names it in the error. */
export function checkHsmCertificate(setting: string, certPem: string): KeyObject {
    const publicKey = new X509Certificate(certPem).publicKey;
    if (publicKey.asymmetricKeyType !== "ec" || publicKey.asymmetricKeyDetails?.namedCurve !== "prime256v1") {
        const type = publicKey.asymmetricKeyDetails?.namedCurve ?? publicKey.asymmetricKeyType;
        throw new InvalidSettingError(
            setting,
            new DescribedValue(`a certificate whose key is ${type}`),
            "a certificate with an ECDSA P-256 key: the Gateway client's HSM signer signs with P-256 keys only",
        );
    }
    return publicKey;
}

/** Builds the identity; the HSM is opened, and the key checked against the certificate, at its first signature. */
export function createHsmSigningIdentity(input: IdentityHsm, setting = "identity"): SigningIdentity {
    const names = input.hsmSettings ?? DEFAULT_NAMES;
    const certSetting = `${setting}.certPem`;
    const creator = creatorOf(input.mspId, input.certPem, setting);
    const publicKey = checkHsmCertificate(certSetting, creator.certPem);
    checkHsmKey(input.hsm, names);

    let checked: Promise<HsmSession> | undefined;
    const session = (): Promise<HsmSession> => {
        if (checked) return checked;
        const opening = openSession(input.hsm, names).then((opened) =>
            requireKeyOfCertificate(opened, publicKey, input.hsm, names, certSetting),
        );
        // A failure is not kept: a re-run after the token is fixed opens it again.
        opening.catch(() => {
            if (checked === opening) checked = undefined;
        });
        checked = opening;
        return opening;
    };
    return {
        mspId: input.mspId,
        certPem: creator.certPem,
        creator: creator.bytes,
        sign: async (message) => (await session()).signDigest(sha256(message)),
    };
}

interface HsmSession {
    signDigest(digest: Uint8Array): Promise<Buffer>;
}

/** PKCS#11 allows one C_Initialize per library in a process: one factory per library, for the process's life. */
const factories = new Map<string, HSMSignerFactory>();
/** One logged-in session per key, shared by every identity that uses it. */
const sessions = new Map<string, Promise<HsmSession>>();

function openSession(hsm: HsmKey, names: HsmSettingNames): Promise<HsmSession> {
    const key = [hsm.library, hsm.tokenLabel, hsm.keyId, sha256(Buffer.from(hsm.pin)).toString("hex")].join("\0");
    let opened = sessions.get(key);
    if (!opened) {
        opened = Promise.resolve().then(() => newSession(hsm, names));
        sessions.set(key, opened);
        opened.catch(() => sessions.delete(key));
    }
    return opened;
}

function newSession(hsm: HsmKey, names: HsmSettingNames): HsmSession {
    const factory = factoryFor(hsm.library, names);
    let signer: (digest: Uint8Array) => Promise<Uint8Array>;
    try {
        ({ signer } = factory.newSigner({ label: hsm.tokenLabel, pin: hsm.pin, identifier: hsm.keyId }));
    } catch (error) {
        throw hsmSettingError(error, hsm, names);
    }
    // A PKCS#11 session signs one message at a time (C_SignInit, then C_Sign).
    let queue: Promise<unknown> = Promise.resolve();
    return {
        signDigest(digest) {
            const signed = queue.then(() => signer(digest));
            queue = signed.catch(() => undefined);
            return signed.then((signature) => Buffer.from(signature));
        },
    };
}

function factoryFor(library: string, names: HsmSettingNames): HSMSignerFactory {
    let factory = factories.get(library);
    if (!factory) {
        try {
            factory = signers.newHSMSignerFactory(library);
        } catch (error) {
            const why = error instanceof Error ? error.message : String(error);
            if (/Cannot find module 'pkcs11js'/.test(why)) {
                throw new Error(
                    `${names.library}: signing with an HSM needs the npm package pkcs11js (an optional dependency of @hyperledger/fabric-gateway), which is not installed or did not build on this machine; build it with a C++ compiler and Node's headers: npm rebuild pkcs11js`,
                );
            }
            throw new InvalidSettingError(
                names.library,
                library,
                `the path of a PKCS#11 library this machine can load (it said: ${why})`,
            );
        }
        factories.set(library, factory);
    }
    return factory;
}

/** The Gateway client's HSM errors, as the setting that is wrong. */
function hsmSettingError(error: unknown, hsm: HsmKey, names: HsmSettingNames): Error {
    const why = error instanceof Error ? error.message : String(error);
    if (/cannot be found in the pkcs11 slot list|No pkcs11 slots/.test(why)) {
        return new InvalidSettingError(
            names.tokenLabel,
            hsm.tokenLabel,
            `the label of an initialised token of ${hsm.library} (it said: ${why})`,
        );
    }
    if (/CKR_PIN_INCORRECT|CKR_PIN_INVALID|CKR_PIN_LEN_RANGE|CKR_PIN_LOCKED/.test(why)) {
        return new InvalidSettingError(
            names.pin,
            new HiddenValue("a PIN"),
            `the user PIN of token ${JSON.stringify(hsm.tokenLabel)} (the token said: ${why.match(/CKR_PIN_\w+/)?.[0]})`,
        );
    }
    if (/Unable to find object in HSM/.test(why)) {
        return new InvalidSettingError(
            names.keyId,
            hsm.keyId,
            `the CKA_ID of an EC private key on token ${JSON.stringify(hsm.tokenLabel)}`,
        );
    }
    return new Error(
        `the HSM (${names.library} ${hsm.library}, token ${JSON.stringify(hsm.tokenLabel)}) refused to open a signing session: ${why}`,
    );
}

/** Signs a probe and verifies it with the certificate's key, so a wrong key fails here, naming the setting, not at a peer. */
async function requireKeyOfCertificate(
    session: HsmSession,
    publicKey: KeyObject,
    hsm: HsmKey,
    names: HsmSettingNames,
    certSetting: string,
): Promise<HsmSession> {
    const probe = Buffer.from("fabric-ccaas: is this the certificate's key?");
    const signature = await session.signDigest(sha256(probe));
    if (!verify("sha256", probe, { key: publicKey, dsaEncoding: "der" }, signature)) {
        throw new InvalidSettingError(
            names.keyId,
            hsm.keyId,
            `the ID of the private key of ${certSetting} on token ${JSON.stringify(hsm.tokenLabel)} (this key's signatures do not verify with that certificate)`,
        );
    }
    return session;
}
