import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildChaincodePackage, readChaincodePackage, type ChaincodePackageInput } from "../../components/packaging";
import { InvalidSettingError } from "../../components/validation/errors";
import { normalizePem } from "../../components/validation/pem";
import { testPki } from "../support/pki";

function rejection(input: ChaincodePackageInput): InvalidSettingError {
    try {
        buildChaincodePackage(input);
    } catch (err) {
        assert.ok(err instanceof InvalidSettingError, `expected InvalidSettingError, got ${String(err)}`);
        return err;
    }
    assert.fail("expected an InvalidSettingError");
}

describe("connection.json", () => {
    const pki = testPki();

    it("without TLS: address, dial_timeout (default 10s) and JSON booleans, in that order", () => {
        const pkg = buildChaincodePackage({ label: "basic", address: "mycc:7052" });
        assert.equal(
            pkg.connectionJson,
            '{"address":"mycc:7052","dial_timeout":"10s","tls_required":false,"client_auth_required":false}',
        );
        assert.equal(pkg.containsPrivateKey, false);
        assert.equal(readChaincodePackage(pkg.bytes).connectionJson, pkg.connectionJson);
    });

    it("keeps a given Go dial timeout", () => {
        for (const dialTimeout of ["500ms", "1m30s"]) {
            const connection = JSON.parse(
                buildChaincodePackage({ label: "b", address: "mycc:7052", dialTimeout }).connectionJson,
            );
            assert.equal(connection.dial_timeout, dialTimeout);
        }
    });

    it("with TLS: tls_required true (a boolean), root_cert the CA PEM, no client fields", () => {
        const pkg = buildChaincodePackage({ label: "b", address: "mycc:7052", tls: { rootCertPem: pki.caCertPem } });
        const connection = JSON.parse(pkg.connectionJson);
        assert.deepEqual(Object.keys(connection), [
            "address",
            "dial_timeout",
            "tls_required",
            "client_auth_required",
            "root_cert",
        ]);
        assert.equal(connection.tls_required, true);
        assert.equal(connection.client_auth_required, false);
        assert.equal(connection.root_cert, normalizePem(pki.caCertPem));
        assert.equal(pkg.containsPrivateKey, false);
    });

    it("with client auth: client_auth_required true, client_key and client_cert present, flagged as secret", () => {
        const pkg = buildChaincodePackage({
            label: "b",
            address: "mycc:7052",
            tls: {
                rootCertPem: pki.caCertPem,
                clientAuth: { clientCertPem: pki.clientCertPem, clientKeyPem: pki.clientKeyPem },
            },
        });
        const connection = JSON.parse(pkg.connectionJson);
        assert.deepEqual(Object.keys(connection), [
            "address",
            "dial_timeout",
            "tls_required",
            "client_auth_required",
            "root_cert",
            "client_key",
            "client_cert",
        ]);
        assert.equal(connection.client_auth_required, true);
        assert.equal(connection.client_key, normalizePem(pki.clientKeyPem));
        assert.equal(connection.client_cert, normalizePem(pki.clientCertPem));
        assert.equal(pkg.containsPrivateKey, true);
    });

    it("gives the same package for CRLF PEMs, PEMs without a trailing newline and with surrounding text", () => {
        const base = { label: "b", address: "mycc:7052" };
        const tls = (root: string, cert: string, key: string) => ({
            rootCertPem: root,
            clientAuth: { clientCertPem: cert, clientKeyPem: key },
        });
        const reference = buildChaincodePackage({
            ...base,
            tls: tls(pki.caCertPem, pki.clientCertPem, pki.clientKeyPem),
        });
        const crlf = (pem: string) => pem.replace(/\n/g, "\r\n");
        const variants = [
            tls(crlf(pki.caCertPem), crlf(pki.clientCertPem), crlf(pki.clientKeyPem)),
            tls(pki.caCertPem.trimEnd(), pki.clientCertPem.trimEnd(), pki.clientKeyPem.trimEnd()),
            tls(`issuer=CN = test-ca\n${pki.caCertPem}\n`, `\n\n${pki.clientCertPem}`, `${pki.clientKeyPem}\n\n`),
        ];
        for (const variant of variants)
            assert.equal(buildChaincodePackage({ ...base, tls: variant }).packageId, reference.packageId);
    });

    it("does not change when the server's leaf certificate is renewed: only the CA goes in", () => {
        // The server leaf is not an input at all; with the CA as root_cert the
        // same package serves both leaves, while a package pinned to a leaf
        // changes with it.
        const withCa = buildChaincodePackage({ label: "b", address: "mycc:7052", tls: { rootCertPem: pki.caCertPem } });
        assert.ok(!withCa.connectionJson.includes(normalizePem(pki.serverCertPem)!.split("\n")[1]));
        assert.ok(!withCa.connectionJson.includes(normalizePem(pki.renewedServerCertPem)!.split("\n")[1]));
        const pinnedOld = buildChaincodePackage({
            label: "b",
            address: "mycc:7052",
            tls: { rootCertPem: pki.serverCertPem },
        });
        const pinnedNew = buildChaincodePackage({
            label: "b",
            address: "mycc:7052",
            tls: { rootCertPem: pki.renewedServerCertPem },
        });
        assert.notEqual(pinnedOld.packageId, pinnedNew.packageId);
        assert.notEqual(withCa.packageId, pinnedOld.packageId);
        const otherCa = buildChaincodePackage({
            label: "b",
            address: "mycc:7052",
            tls: { rootCertPem: pki.otherCaCertPem },
        });
        assert.notEqual(otherCa.packageId, withCa.packageId);
    });

    it("changes with every field that matters", () => {
        const base: ChaincodePackageInput = { label: "b", address: "mycc:7052" };
        const ids = new Set([
            buildChaincodePackage(base).packageId,
            buildChaincodePackage({ ...base, label: "c" }).packageId.replace(/^c:/, "b:"),
            buildChaincodePackage({ ...base, address: "mycc:7053" }).packageId,
            buildChaincodePackage({ ...base, dialTimeout: "11s" }).packageId,
            buildChaincodePackage({ ...base, type: "external" }).packageId,
            buildChaincodePackage({ ...base, tls: { rootCertPem: pki.caCertPem } }).packageId,
        ]);
        assert.equal(ids.size, 6);
    });
});

describe("package input validation", () => {
    const pki = testPki();
    const base: ChaincodePackageInput = { label: "basic_1.0", address: "mycc:7052" };

    const cases: Array<[string, ChaincodePackageInput, string, RegExp]> = [
        ["bad label", { ...base, label: "-basic" }, "label", /\[\[:alnum:\]\]/],
        ["empty label", { ...base, label: "" }, "label", /\[\[:alnum:\]\]/],
        ["unknown type", { ...base, type: "golang" as "ccaas" }, "type", /ccaas, external/],
        ["path with a newline", { ...base, path: "a\nb" }, "path", /control characters/],
        ["address without port", { ...base, address: "mycc" }, "address", /host:port/],
        ["address with bad port", { ...base, address: "mycc:99999" }, "address", /1-65535/],
        ["dial timeout without unit", { ...base, dialTimeout: "10" }, "dialTimeout", /Go duration/],
        ["zero dial timeout", { ...base, dialTimeout: "0s" }, "dialTimeout", /positive/],
        ["TLS without a root cert", { ...base, tls: { rootCertPem: "" } }, "tls.rootCertPem", /X\.509/],
        [
            "TLS with a key as root cert",
            { ...base, tls: { rootCertPem: pki.clientKeyPem } },
            "tls.rootCertPem",
            /X\.509/,
        ],
        [
            "client auth without a cert",
            {
                ...base,
                tls: { rootCertPem: pki.caCertPem, clientAuth: { clientCertPem: "", clientKeyPem: pki.clientKeyPem } },
            },
            "tls.clientAuth.clientCertPem",
            /X\.509/,
        ],
        [
            "client auth without a key",
            {
                ...base,
                tls: { rootCertPem: pki.caCertPem, clientAuth: { clientCertPem: pki.clientCertPem, clientKeyPem: "" } },
            },
            "tls.clientAuth.clientKeyPem",
            /private key/,
        ],
        [
            "client auth with another key",
            {
                ...base,
                tls: {
                    rootCertPem: pki.caCertPem,
                    clientAuth: { clientCertPem: pki.clientCertPem, clientKeyPem: pki.unrelatedKeyPem },
                },
            },
            "tls.clientAuth.clientKeyPem",
            /CN=peer0-client/,
        ],
    ];
    for (const [what, input, setting, accepted] of cases) {
        it(`rejects ${what}, naming ${setting}`, () => {
            const err = rejection(input);
            assert.equal(err.setting, setting);
            assert.match(err.accepted, accepted);
            assert.ok(err.message.startsWith(`invalid ${setting}: `), err.message);
        });
    }

    it("names the rejected value in the message", () => {
        assert.match(rejection({ ...base, label: "-basic" }).message, /"-basic"/);
        assert.match(rejection({ ...base, address: "mycc:99999" }).message, /"mycc:99999"/);
        assert.match(rejection({ ...base, dialTimeout: "10" }).message, /"10"/);
    });

    it("never shows a private key in a message", () => {
        const keyLine = pki.unrelatedKeyPem.split("\n")[1];
        const err = rejection({
            ...base,
            tls: {
                rootCertPem: pki.caCertPem,
                clientAuth: { clientCertPem: pki.clientCertPem, clientKeyPem: pki.unrelatedKeyPem },
            },
        });
        assert.ok(!err.message.includes(keyLine.slice(0, 16)));
        assert.ok(!JSON.stringify(err.value).includes(keyLine.slice(0, 16)));
    });
});
