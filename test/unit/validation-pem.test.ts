import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import { InvalidSettingError } from "../../components/validation/errors";
import {
    normalizePem,
    parsePemBlocks,
    checkCertificateBundlePem,
    checkCertificatePem,
    checkKeyMatchesCertificate,
    checkPrivateKeyPem,
} from "../../components/validation/pem";
import { testPki } from "../support/pki";

function rejection(fn: () => unknown): InvalidSettingError {
    try {
        fn();
    } catch (err) {
        assert.ok(err instanceof InvalidSettingError, `expected InvalidSettingError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected an InvalidSettingError");
}

describe("PEM normalisation", () => {
    const pki = testPki();

    it("gives the same text for CRLF, no trailing newline, other line widths and surrounding text", () => {
        const canonical = normalizePem(pki.caCertPem);
        assert.ok(canonical);
        const body = pki.caCertPem
            .split("\n")
            .filter((line) => !line.startsWith("-----") && line !== "")
            .join("");
        const variants = [
            pki.caCertPem.replace(/\n/g, "\r\n"),
            pki.caCertPem.trimEnd(),
            `subject=CN = test-ca\n\n${pki.caCertPem}\n\n`,
            `-----BEGIN CERTIFICATE-----\n${body.match(/.{1,76}/g)!.join("\n")}\n-----END CERTIFICATE-----`,
        ];
        for (const variant of variants) assert.equal(normalizePem(variant), canonical);
    });

    it("writes LF, 64-character lines and one trailing newline", () => {
        const canonical = normalizePem(pki.caCertPem.replace(/\n/g, "\r\n"))!;
        assert.ok(!canonical.includes("\r"));
        assert.ok(canonical.endsWith("-----END CERTIFICATE-----\n") && !canonical.endsWith("\n\n"));
        for (const line of canonical.split("\n").filter((l) => l && !l.startsWith("-----")))
            assert.ok(line.length <= 64);
        assert.equal(new X509Certificate(canonical).fingerprint256, new X509Certificate(pki.caCertPem).fingerprint256);
    });

    it("reports malformed blocks", () => {
        assert.equal(parsePemBlocks("-----BEGIN CERTIFICATE-----\nnot*base64\n-----END CERTIFICATE-----\n"), undefined);
        assert.equal(parsePemBlocks("-----BEGIN CERTIFICATE-----\nAAAA\n-----END PRIVATE KEY-----\n"), undefined);
        assert.equal(normalizePem("no pem here"), undefined);
    });
});

describe("certificate validators", () => {
    const pki = testPki();

    it("accepts one certificate and returns it canonical", () => {
        assert.equal(
            checkCertificatePem("cert", pki.serverCertPem.replace(/\n/g, "\r\n")),
            normalizePem(pki.serverCertPem),
        );
    });

    it("accepts a bundle in order and rejects a bundle where one certificate is required", () => {
        const bundle = pki.caCertPem + pki.otherCaCertPem;
        assert.equal(
            checkCertificateBundlePem("ca", bundle),
            normalizePem(pki.caCertPem)! + normalizePem(pki.otherCaCertPem)!,
        );
        const err = rejection(() => checkCertificatePem("cert", bundle));
        assert.equal(err.setting, "cert");
        assert.match(err.accepted, /one PEM-encoded X\.509 certificate/);
    });

    it("rejects keys, garbage and non-X.509 DER, naming the setting", () => {
        for (const bad of [
            "",
            "hello",
            pki.clientKeyPem,
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
            42,
        ]) {
            const err = rejection(() => checkCertificateBundlePem("tls.rootCertPem", bad));
            assert.equal(err.setting, "tls.rootCertPem");
            assert.match(err.message, /^invalid tls\.rootCertPem: .*; expected .*X\.509 certificate/);
        }
    });
});

describe("private key validators", () => {
    const pki = testPki();

    it("accepts a PKCS#8 key and keeps its encoding", () => {
        const canonical = checkPrivateKeyPem("key", pki.clientKeyPem.replace(/\n/g, "\r\n"));
        assert.equal(canonical, normalizePem(pki.clientKeyPem));
        assert.match(canonical, /^-----BEGIN PRIVATE KEY-----\n/);
    });

    it("rejects certificates, two keys and garbage without showing the value", () => {
        const bodyOfKey = pki.clientKeyPem.split("\n")[1];
        for (const bad of [
            pki.caCertPem,
            pki.clientKeyPem + pki.unrelatedKeyPem,
            "garbage",
            pki.clientKeyPem.replace(bodyOfKey, bodyOfKey.slice(0, 20)),
        ]) {
            const err = rejection(() => checkPrivateKeyPem("tls.clientAuth.clientKeyPem", bad));
            assert.equal(err.setting, "tls.clientAuth.clientKeyPem");
            assert.ok(!err.message.includes(bodyOfKey.slice(0, 16)), "key material leaked into the message");
            assert.match(err.message, /not shown/);
        }
    });

    it("checks that the key belongs to the certificate, naming the certificate subject", () => {
        checkKeyMatchesCertificate("key", pki.clientKeyPem, pki.clientCertPem);
        const err = rejection(() => checkKeyMatchesCertificate("key", pki.unrelatedKeyPem, pki.clientCertPem));
        assert.equal(err.setting, "key");
        assert.match(err.accepted, /CN=peer0-client/);
        assert.ok(!err.message.includes(pki.unrelatedKeyPem.split("\n")[1].slice(0, 16)));
    });
});
