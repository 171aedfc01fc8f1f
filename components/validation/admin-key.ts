/**
 * The one rule for where an org admin's private key comes from: a PEM key,
 * or an HSM that holds it, never both. The components check it on their
 * arguments, the providers on their inputs, each under its own names.
 */
import { X509Certificate } from "node:crypto";
import { checkHsmCertificate, checkHsmField, checkSigningKeyPem, type HsmKey, type HsmSettingNames } from "../fabric";
import { checkKeyMatchesCertificate } from "./pem";
import { HiddenValue, InvalidSettingError } from "./errors";

/** The admin key as given: `hsm` is undefined when no HSM holds the key. */
export interface AdminKeySource {
    readonly keyPem: unknown;
    readonly hsm: Partial<Record<keyof HsmKey, unknown>> | undefined;
    readonly certPem: unknown;
}

/** What the caller's user calls each part. */
export interface AdminKeyNames {
    readonly keyPem: string;
    readonly certPem: string;
    readonly hsmFields: HsmSettingNames;
}

/** One check of the rule: the setting it names, the values it reads (skipped while any is unknown), and the check. */
export interface AdminKeyCheck {
    readonly setting: string;
    readonly reads: readonly unknown[];
    readonly check: () => void;
}

/**
 * The checks the rule makes: with no HSM, a signing key that matches the
 * certificate; with an HSM, no PEM key, its four fields, and a P-256
 * certificate (the HSM signer signs with P-256 only).
 */
export function adminKeyChecks(source: AdminKeySource, names: AdminKeyNames): AdminKeyCheck[] {
    if (source.hsm === undefined) {
        return [
            {
                setting: names.keyPem,
                reads: [source.keyPem],
                check: () => {
                    if (source.keyPem === undefined) {
                        throw new InvalidSettingError(
                            names.keyPem,
                            undefined,
                            "the admin's private key (PEM, as a secret), or the HSM that holds it (adminHsm)",
                        );
                    }
                },
            },
            {
                setting: names.keyPem,
                reads: [source.keyPem, source.certPem],
                check: () => {
                    if (source.keyPem === undefined) return;
                    const keyPem = checkSigningKeyPem(names.keyPem, source.keyPem);
                    if (typeof source.certPem === "string")
                        checkKeyMatchesCertificate(names.keyPem, keyPem, source.certPem);
                },
            },
        ];
    }
    const hsm = source.hsm;
    return [
        {
            setting: names.keyPem,
            reads: [source.keyPem],
            check: () => {
                if (source.keyPem !== undefined && source.keyPem !== "") {
                    throw new InvalidSettingError(
                        names.keyPem,
                        new HiddenValue("set"),
                        "one admin key: a PEM key or an HSM (adminHsm), not both",
                    );
                }
            },
        },
        ...(Object.keys(names.hsmFields) as Array<keyof HsmKey>).map((field) => ({
            setting: names.hsmFields[field],
            reads: [hsm[field]],
            check: () => checkHsmField(field, names.hsmFields[field], hsm[field]),
        })),
        {
            setting: names.certPem,
            reads: [source.certPem],
            check: () => {
                // A certificate that does not parse is the certificate check's to name.
                if (typeof source.certPem === "string" && parsesAsCertificate(source.certPem))
                    checkHsmCertificate(names.certPem, source.certPem);
            },
        },
    ];
}

function parsesAsCertificate(pem: string): boolean {
    try {
        new X509Certificate(pem);
        return true;
    } catch {
        return false;
    }
}
