import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import { plaintextSecretsIn } from "../e2e/support/plaintext-secrets";

const keyPem = generateKeyPairSync("ec", { namedCurve: "P-256" })
    .privateKey.export({ format: "pem", type: "pkcs8" })
    .toString();
const kubeconfig = "apiVersion: v1\nclusters:\n- cluster:\n    server: https://127.0.0.1:6443\n  name: e2e\n";

describe("the e2e tier's plaintext-secret check", () => {
    it("finds a secret value as it is and JSON-escaped inside a state file", () => {
        assert.deepEqual(plaintextSecretsIn(`config: ${kubeconfig}`, { kubeconfig }), ["kubeconfig"]);
        assert.deepEqual(plaintextSecretsIn(JSON.stringify({ inputs: { kubeconfig } }), { kubeconfig }), [
            "kubeconfig",
        ]);
    });

    it("finds a PEM private key in plain text and inside base64 at every byte alignment", () => {
        assert.ok(plaintextSecretsIn(JSON.stringify({ keyPem }), {}).includes("a PEM private key"));
        for (const prefix of ["", "x", "xy", "xyz"]) {
            const packageBase64 = Buffer.from(`${prefix}{"client_key":${JSON.stringify(keyPem)}}`).toString("base64");
            assert.deepEqual(
                plaintextSecretsIn(JSON.stringify({ packageBase64 }), {}),
                ["a base64-encoded PEM private key"],
                `prefix "${prefix}"`,
            );
        }
    });

    it("finds nothing in a state whose secrets are encrypted", () => {
        const state = JSON.stringify({
            kubeconfig: {
                "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                ciphertext: "v1:8wT2cY1ZxZ0Q:9dR3k...",
            },
            certPem: "-----BEGIN CERTIFICATE-----\nMIIB...\n-----END CERTIFICATE-----\n",
        });
        assert.deepEqual(plaintextSecretsIn(state, { kubeconfig, adminKeyPem: keyPem }), []);
    });
});
