import assert from "node:assert/strict";
import { chmodSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { readServerConfig, ServerConfigError } from "../src/server-config";
import { DEFAULT_SERVER_ADDRESS, SERVER_ENV, SERVER_ENV_NAMES } from "../src/server-env";
import { createTlsFixtures, type TlsFixtures } from "./tls-fixtures";

const PACKAGE_ID = `basic_1.0:${"ab".repeat(32)}`;

describe("readServerConfig", () => {
    let pki: TlsFixtures;
    let tlsEnv: NodeJS.ProcessEnv;

    before(() => {
        pki = createTlsFixtures();
        tlsEnv = { CHAINCODE_ID: PACKAGE_ID, CHAINCODE_TLS_CERT_FILE: pki.server.certFile, CHAINCODE_TLS_KEY_FILE: pki.server.keyFile };
    });
    after(() => pki.remove());

    function refusal(env: NodeJS.ProcessEnv): ServerConfigError {
        try {
            readServerConfig(env);
        } catch (error) {
            assert.ok(error instanceof ServerConfigError, `expected a ServerConfigError, got ${String(error)}`);
            return error;
        }
        assert.fail("the settings were accepted");
    }

    it("reads the ID, the default address and the TLS files", () => {
        const config = readServerConfig(tlsEnv);
        assert.equal(config.chaincodeId, PACKAGE_ID);
        assert.equal(config.address, DEFAULT_SERVER_ADDRESS);
        assert.equal(config.addressVariable, undefined);
        assert.equal(config.tls?.cert.toString(), pki.server.certPem);
        assert.equal(config.tls?.key.toString(), pki.server.keyPem);
        assert.equal(config.tls?.clientCaCerts, undefined);
    });

    it("accepts the CORE_* aliases alone", () => {
        const config = readServerConfig({
            CORE_CHAINCODE_ID_NAME: PACKAGE_ID,
            CORE_CHAINCODE_ADDRESS: "127.0.0.1:7052",
            CORE_CHAINCODE_TLS_CERT_FILE: pki.server.certFile,
            CORE_CHAINCODE_TLS_KEY_FILE: pki.server.keyFile,
            CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE: pki.clientCa.certFile,
        });
        assert.equal(config.chaincodeId, PACKAGE_ID);
        assert.equal(config.address, "127.0.0.1:7052");
        assert.equal(config.addressVariable, "CORE_CHAINCODE_ADDRESS");
        assert.equal(config.tls?.clientCaCerts?.toString(), pki.clientCa.certPem);
    });

    it("accepts the whole superset set to the same values, as the Deployment sets it", () => {
        const env: NodeJS.ProcessEnv = {};
        const values: Record<keyof typeof SERVER_ENV, string> = {
            chaincodeId: PACKAGE_ID,
            address: "[::]:9999",
            tlsDisabled: "false",
            tlsCertFile: pki.server.certFile,
            tlsKeyFile: pki.server.keyFile,
            clientCaCertFile: pki.clientCa.certFile,
            logLevel: "info",
        };
        for (const [setting, names] of Object.entries(SERVER_ENV)) {
            for (const name of names) env[name] = values[setting as keyof typeof SERVER_ENV];
        }
        assert.equal(Object.keys(env).length, SERVER_ENV_NAMES.length);
        const config = readServerConfig(env);
        assert.equal(config.address, "[::]:9999");
        assert.ok(config.tls?.clientCaCerts !== undefined);
    });

    it("refuses aliases that disagree, naming both", () => {
        const error = refusal({ ...tlsEnv, CORE_CHAINCODE_ID: `other:${"cd".repeat(32)}` });
        assert.equal(error.variable, "CHAINCODE_ID");
        assert.match(error.message, /^CHAINCODE_ID=".*" and CORE_CHAINCODE_ID=".*" disagree/);
    });

    it("refuses an empty or malformed chaincode ID", () => {
        assert.match(refusal({ ...tlsEnv, CHAINCODE_ID: "" }).message, /^CHAINCODE_ID \/ CORE_CHAINCODE_ID \/ CORE_CHAINCODE_ID_NAME is empty or not set/);
        const malformed = refusal({ ...tlsEnv, CHAINCODE_ID: "basic_1.0" });
        assert.match(malformed.message, /^invalid CHAINCODE_ID: "basic_1.0"; expected the installed package ID/);
    });

    it("refuses an address without a usable port", () => {
        for (const address of ["0.0.0.0", "0.0.0.0:0", "host:70000", ":9999", "a b:1"]) {
            const error = refusal({ ...tlsEnv, CHAINCODE_SERVER_ADDRESS: address });
            assert.equal(error.variable, "CHAINCODE_SERVER_ADDRESS");
            assert.ok(error.message.startsWith(`invalid CHAINCODE_SERVER_ADDRESS: ${JSON.stringify(address)}; expected host:port`), error.message);
        }
    });

    it("requires the TLS files unless TLS is disabled explicitly", () => {
        const noCert = refusal({ CHAINCODE_ID: PACKAGE_ID, CHAINCODE_TLS_KEY_FILE: pki.server.keyFile });
        assert.equal(noCert.variable, "CHAINCODE_TLS_CERT_FILE");
        assert.match(noCert.message, /CHAINCODE_TLS_DISABLED=true/);
        const noKey = refusal({ CHAINCODE_ID: PACKAGE_ID, CHAINCODE_TLS_CERT_FILE: pki.server.certFile });
        assert.equal(noKey.variable, "CHAINCODE_TLS_KEY_FILE");
        assert.equal(readServerConfig({ CHAINCODE_ID: PACKAGE_ID, CHAINCODE_TLS_DISABLED: "true" }).tls, undefined);
    });

    it("refuses TLS files next to CHAINCODE_TLS_DISABLED=true, and values other than true/false", () => {
        const stray = refusal({ ...tlsEnv, CHAINCODE_TLS_DISABLED: "TRUE" });
        assert.equal(stray.variable, "CHAINCODE_TLS_CERT_FILE");
        assert.match(stray.message, /is set but CHAINCODE_TLS_DISABLED=true/);
        assert.equal(refusal({ ...tlsEnv, CHAINCODE_TLS_DISABLED: "yes" }).message, 'invalid CHAINCODE_TLS_DISABLED: "yes"; expected true or false');
    });

    it("names the variable and the path of a file that is missing, a directory or not PEM", () => {
        const missing = join(pki.dir, "absent.pem");
        assert.equal(refusal({ ...tlsEnv, CHAINCODE_TLS_CERT_FILE: missing }).message, `CHAINCODE_TLS_CERT_FILE: the file ${missing} does not exist`);
        const directory = join(pki.dir, "a-directory");
        mkdirSync(directory);
        assert.equal(
            refusal({ ...tlsEnv, CHAINCODE_TLS_KEY_FILE: directory }).message,
            `CHAINCODE_TLS_KEY_FILE: the file ${directory} is a directory, not a PEM file`,
        );
        const garbage = join(pki.dir, "garbage.pem");
        writeFileSync(garbage, "hello\n");
        assert.match(refusal({ ...tlsEnv, CHAINCODE_CLIENT_CA_CERT_FILE: garbage }).message, new RegExp(`^CHAINCODE_CLIENT_CA_CERT_FILE: the file ${garbage} holds no PEM certificate`));
        assert.match(refusal({ ...tlsEnv, CHAINCODE_TLS_KEY_FILE: garbage }).message, new RegExp(`^CHAINCODE_TLS_KEY_FILE: the file ${garbage} holds no PEM private key`));
        const broken = join(pki.dir, "broken.crt");
        writeFileSync(broken, "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n");
        assert.equal(refusal({ ...tlsEnv, CHAINCODE_TLS_CERT_FILE: broken }).message, `CHAINCODE_TLS_CERT_FILE: certificate 1 in ${broken} is not a valid X.509 certificate`);
    });

    it("reports a file without read permission", (t) => {
        if (process.getuid?.() === 0) {
            t.skip("running as root, which reads files whatever their mode; the directory case above covers unreadable paths");
            return;
        }
        const locked = join(pki.dir, "locked.key");
        writeFileSync(locked, pki.server.keyPem);
        chmodSync(locked, 0o000);
        assert.equal(refusal({ ...tlsEnv, CHAINCODE_TLS_KEY_FILE: locked }).message, `CHAINCODE_TLS_KEY_FILE: the file ${locked} is not readable (permission denied)`);
    });

    it("spots swapped certificate and key files", () => {
        const swapped = refusal({ ...tlsEnv, CHAINCODE_TLS_CERT_FILE: pki.server.keyFile, CHAINCODE_TLS_KEY_FILE: pki.server.certFile });
        assert.match(swapped.message, /are CHAINCODE_TLS_CERT_FILE and CHAINCODE_TLS_KEY_FILE swapped\?$/);
    });

    it("refuses a key that does not belong to the certificate, without showing key material", () => {
        const error = refusal({ ...tlsEnv, CHAINCODE_TLS_KEY_FILE: pki.client.keyFile });
        assert.equal(error.variable, "CHAINCODE_TLS_KEY_FILE");
        assert.match(error.message, /does not belong to the certificate/);
        const keyBody = pki.client.keyPem.split("\n")[1] ?? "";
        assert.ok(keyBody.length > 20 && !error.message.includes(keyBody));
    });

    it("refuses an encrypted key", () => {
        const encrypted = join(pki.dir, "encrypted.key");
        writeFileSync(encrypted, "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
        assert.match(refusal({ ...tlsEnv, CHAINCODE_TLS_KEY_FILE: encrypted }).message, /is encrypted; expected an unencrypted PEM private key$/);
    });

    it("refuses an unknown log level", () => {
        assert.equal(
            refusal({ ...tlsEnv, CORE_CHAINCODE_LOGGING_LEVEL: "verbose" }).message,
            'invalid CORE_CHAINCODE_LOGGING_LEVEL: "verbose"; expected one of CRITICAL, ERROR, WARNING, INFO, DEBUG',
        );
    });
});
