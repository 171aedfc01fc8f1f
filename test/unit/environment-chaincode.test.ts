import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
    chaincodeEnvironment,
    TLS_CERT_FILE,
    TLS_CLIENT_CA_FILE,
    TLS_KEY_FILE,
    TLS_MOUNT_PATH,
} from "../../components/kubernetes/environment";
import { readServerConfig } from "../../chaincode/asset-transfer-basic/src/server-config";
import { testPki } from "../support/pki";

/** The Deployment's environment, with the Secret volume's files written where the mount would put them. */
function mountedEnvironment(dir: string, tls: boolean, clientAuth: boolean): NodeJS.ProcessEnv {
    const pki = testPki();
    const files: Record<string, string> = {
        [TLS_CERT_FILE]: pki.clientCertPem,
        [TLS_KEY_FILE]: pki.clientKeyPem,
        [TLS_CLIENT_CA_FILE]: pki.caCertPem,
    };
    for (const [path, pem] of Object.entries(files)) writeFileSync(path.replace(TLS_MOUNT_PATH, dir), pem);
    const vars = chaincodeEnvironment({ packageId: `basic_1.0:${"ab".repeat(32)}`, port: 9999, tls, clientAuth });
    return Object.fromEntries(vars.map((v) => [v.name, v.value.replace(TLS_MOUNT_PATH, dir)]));
}

describe("the Deployment's environment starts our Node chaincode server", () => {
    for (const [tls, clientAuth] of [
        [true, true],
        [true, false],
        [false, false],
    ] as const) {
        it(`with TLS ${tls ? "on" : "off"} and client auth ${clientAuth ? "on" : "off"}`, () => {
            const dir = mkdtempSync(join(tmpdir(), "cc-env-"));
            try {
                const config = readServerConfig(mountedEnvironment(dir, tls, clientAuth));
                assert.equal(config.chaincodeId, `basic_1.0:${"ab".repeat(32)}`);
                assert.equal(config.address, "0.0.0.0:9999");
                assert.equal(config.tls !== undefined, tls);
                assert.equal(config.tls?.clientCaCerts !== undefined, clientAuth);
            } finally {
                rmSync(dir, { recursive: true, force: true });
            }
        });
    }
});
