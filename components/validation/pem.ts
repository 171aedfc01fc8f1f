import { X509Certificate, createPrivateKey, type KeyObject } from "node:crypto";
import { DescribedValue, HiddenValue, InvalidSettingError } from "./errors";

/*
 * PEM checks and normalisation. Every validator returns the PEM in canonical
 * form: each block re-encoded from its decoded bytes with LF line endings,
 * 64-character base64 lines and one trailing newline; text outside the blocks
 * (comments, `openssl -text` output) is dropped. Two files holding the same
 * certificates or key therefore give the same string, and hash equally.
 */

/** One decoded PEM block. */
export interface PemBlock {
    /** The word(s) after BEGIN, e.g. "CERTIFICATE", "PRIVATE KEY", "EC PRIVATE KEY". */
    readonly label: string;
    readonly der: Buffer;
}

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END ([A-Z0-9 ]+)-----/g;
const PRIVATE_KEY_LABELS = new Set(["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"]);
/** Shown instead of a rejected key: key material never reaches an error message. */
const KEY_NOT_SHOWN = new HiddenValue("a private key");

/**
 * The PEM blocks in text, in order. Returns undefined when the text has a
 * malformed block (mismatched END, headers such as Proc-Type, bad base64).
 */
export function parsePemBlocks(text: string): PemBlock[] | undefined {
    const blocks: PemBlock[] = [];
    for (const [, label, body, endLabel] of text.matchAll(PEM_BLOCK)) {
        const base64 = body.replace(/\s+/g, "");
        if (label !== endLabel || base64.length === 0 || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64)) return undefined;
        const der = Buffer.from(base64, "base64");
        // Round-trip so stray characters or truncation are not silently ignored.
        if (der.toString("base64") !== base64) return undefined;
        blocks.push({ label, der });
    }
    return blocks;
}

/** Encodes one block canonically: LF, 64-character lines, trailing newline. */
export function encodePemBlock(block: PemBlock): string {
    const lines = block.der.toString("base64").match(/.{1,64}/g) ?? [];
    return `-----BEGIN ${block.label}-----\n${lines.join("\n")}\n-----END ${block.label}-----\n`;
}

/** Canonical form of a PEM text (see the file comment); undefined when it holds no well-formed block. */
export function normalizePem(text: string): string | undefined {
    const blocks = parsePemBlocks(text);
    if (blocks === undefined || blocks.length === 0) return undefined;
    return blocks.map(encodePemBlock).join("");
}

function certificateBlocks(setting: string, value: unknown, accepted: string): PemBlock[] {
    const blocks = typeof value === "string" ? parsePemBlocks(value) : undefined;
    if (blocks === undefined || blocks.length === 0 || blocks.some((b) => b.label !== "CERTIFICATE")) {
        throw new InvalidSettingError(setting, value, accepted);
    }
    const certificates = blocks.map((block) => {
        try {
            return new X509Certificate(block.der);
        } catch {
            throw new InvalidSettingError(setting, value, `${accepted} (a block did not parse as X.509)`);
        }
    });
    // A bundle may carry a retired CA beside its successor (rotation): refused only when every one has expired.
    // (Not-yet-valid is left to the peer: a certificate made a moment ago on a skewed clock is not an input error.)
    const now = Date.now();
    if (certificates.every((cert) => Date.parse(cert.validTo) < now)) {
        const cert = certificates[0];
        const expiry = new Date(cert.validTo).toISOString();
        throw new InvalidSettingError(
            setting,
            new DescribedValue(`certificate ${cert.subject.replace(/\n/g, ", ")}, expired ${expiry}`),
            `a certificate valid now: this one expired on ${expiry}; renew it and set the new one`,
        );
    }
    return blocks;
}

/** Exactly one PEM X.509 certificate; returns it in canonical form. */
export function checkCertificatePem(setting: string, value: unknown): string {
    const accepted = "one PEM-encoded X.509 certificate (-----BEGIN CERTIFICATE-----)";
    const blocks = certificateBlocks(setting, value, accepted);
    if (blocks.length !== 1) throw new InvalidSettingError(setting, value, accepted);
    return encodePemBlock(blocks[0]);
}

/**
 * The one certificate of an identity (an admin, a TLS client): exactly one,
 * not a bundle, and not a CA's, which signs others' certificates and is no
 * one's identity. Returns it in canonical form.
 */
export function checkLeafCertificatePem(setting: string, value: unknown): string {
    const accepted = "one PEM certificate of an admin or client, not a CA's";
    const blocks = certificateBlocks(setting, value, accepted);
    if (blocks.length !== 1) {
        throw new InvalidSettingError(
            setting,
            new DescribedValue(`a bundle of ${blocks.length} certificates`),
            `${accepted}: exactly one certificate, not a bundle`,
        );
    }
    const pem = encodePemBlock(blocks[0]);
    const certificate = new X509Certificate(pem);
    if (certificate.ca) {
        throw new InvalidSettingError(
            setting,
            new DescribedValue(`certificate ${certificate.subject.replace(/\n/g, ", ")}, a CA (CA:TRUE)`),
            `${accepted} (this is a CA certificate: the admin's own certificate is the one its CA issued to it, e.g. msp/signcerts/*.pem)`,
        );
    }
    return pem;
}

/** One or more PEM X.509 certificates (e.g. a CA bundle); returns them in canonical form, order kept. */
export function checkCertificateBundlePem(setting: string, value: unknown): string {
    const accepted = "one or more PEM-encoded X.509 certificates (-----BEGIN CERTIFICATE-----)";
    return certificateBlocks(setting, value, accepted).map(encodePemBlock).join("");
}

/**
 * Exactly one unencrypted PEM private key (PKCS#8, SEC1 or PKCS#1); returns it
 * in canonical form with its original encoding. Errors never show the value.
 */
export function checkPrivateKeyPem(setting: string, value: unknown): string {
    const accepted = "one unencrypted PEM private key (-----BEGIN PRIVATE KEY-----, EC PRIVATE KEY or RSA PRIVATE KEY)";
    const blocks = typeof value === "string" ? parsePemBlocks(value) : undefined;
    if (blocks === undefined || blocks.length !== 1 || !PRIVATE_KEY_LABELS.has(blocks[0].label)) {
        throw new InvalidSettingError(setting, KEY_NOT_SHOWN, accepted);
    }
    const pem = encodePemBlock(blocks[0]);
    try {
        createPrivateKey(pem);
    } catch {
        throw new InvalidSettingError(setting, KEY_NOT_SHOWN, `${accepted} that parses`);
    }
    return pem;
}

/**
 * Checks that the private key is the one whose public key the certificate
 * carries. Both must already be valid PEM; the setting names the key.
 */
export function checkKeyMatchesCertificate(setting: string, keyPem: string, certificatePem: string): void {
    let key: KeyObject;
    let certificate: X509Certificate;
    try {
        key = createPrivateKey(keyPem);
        certificate = new X509Certificate(certificatePem);
    } catch {
        throw new InvalidSettingError(setting, KEY_NOT_SHOWN, "a valid private key and certificate pair");
    }
    if (!certificate.checkPrivateKey(key)) {
        throw new InvalidSettingError(
            setting,
            KEY_NOT_SHOWN,
            `the private key of the certificate with subject "${certificate.subject.replace(/\n/g, ", ")}"`,
        );
    }
}
