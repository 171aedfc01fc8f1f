/*
 * An identity whose key is in an HSM, through the Gateway client's PKCS#11
 * signer on a real token (SoftHSM): signatures Fabric verifies, and each
 * wrong setting named before anything reaches a peer.
 */
import assert from "node:assert/strict";
import { randomBytes, verify, X509Certificate } from "node:crypto";
import { describe, it } from "node:test";
import { createHsmSigningIdentity, createSigningIdentity, InvalidSettingError } from "../../components/fabric";
import { assertFabricEcdsaSignature, P256_ORDER } from "../support/der-signature";
import { selfSignedCertificate, testPki } from "../support/pki";
import { importKeyToSoftHsm, softHsmMissing } from "../support/softhsm";

const names = { library: "hsmLibrary", tokenLabel: "hsmTokenLabel", keyId: "hsmKeyId", pin: "hsmPin" };

describe("HSM signing identity (SoftHSM)", { skip: softHsmMissing() }, () => {
    const pki = testPki();
    // Every token before the first signature: the library lists the slots once, when it is initialised.
    const hsm = importKeyToSoftHsm(pki.clientKeyPem, "org1-admin");
    const notLoggedIn = importKeyToSoftHsm(pki.clientKeyPem, "org1-admin");
    const other = importKeyToSoftHsm(pki.unrelatedKeyPem, "someone-else");
    const identity = () =>
        createHsmSigningIdentity({ mspId: "Org1MSP", certPem: pki.clientCertPem, hsm, hsmSettings: names }, "admin");
    const publicKey = new X509Certificate(pki.clientCertPem).publicKey;

    it("signs as the PEM identity does: SHA-256, DER, low S, verified by the certificate; same creator", async () => {
        const signer = identity();
        const fromPem = createSigningIdentity({
            mspId: "Org1MSP",
            certPem: pki.clientCertPem,
            keyPem: pki.clientKeyPem,
        });
        assert.deepEqual(signer.creator, fromPem.creator);
        for (let i = 0; i < 20; i++) {
            const message = randomBytes(200);
            assertFabricEcdsaSignature(await signer.sign(message), message, publicKey, P256_ORDER, `signature ${i}`);
        }
    });

    it("signs many messages at once on one session, each correctly", async () => {
        const messages = Array.from({ length: 25 }, () => randomBytes(64));
        const signatures = await Promise.all(messages.map((message) => identity().sign(message)));
        for (const [i, signature] of signatures.entries()) {
            assert.ok(
                verify("sha256", messages[i], { key: publicKey, dsaEncoding: "der" }, signature),
                `signature ${i}`,
            );
        }
    });

    it("a wrong PIN names the PIN setting and does not show it; the right one works after", async () => {
        // A token this process has not logged in to (PKCS#11 keeps a login per token and process).
        const wrong = createHsmSigningIdentity({
            mspId: "Org1MSP",
            certPem: pki.clientCertPem,
            hsm: { ...notLoggedIn, pin: "not-the-pin" },
            hsmSettings: names,
        });
        await assert.rejects(wrong.sign(Buffer.from("x")), (error: unknown) => {
            assert.ok(error instanceof InvalidSettingError);
            assert.equal(error.setting, "hsmPin");
            assert.match(error.message, /CKR_PIN_INCORRECT/);
            assert.ok(!error.message.includes("not-the-pin"));
            return true;
        });
        const right = createHsmSigningIdentity({
            mspId: "Org1MSP",
            certPem: pki.clientCertPem,
            hsm: notLoggedIn,
            hsmSettings: names,
        });
        assert.ok(
            verify(
                "sha256",
                Buffer.from("y"),
                { key: publicKey, dsaEncoding: "der" },
                await right.sign(Buffer.from("y")),
            ),
        );
    });

    it("names the token label, the key ID and the library when each is wrong", async () => {
        const failing = (change: object) =>
            createHsmSigningIdentity({
                mspId: "Org1MSP",
                certPem: pki.clientCertPem,
                hsm: { ...hsm, ...change },
                hsmSettings: names,
            }).sign(Buffer.from("x"));
        await assert.rejects(
            failing({ tokenLabel: "no-such-token" }),
            /invalid hsmTokenLabel: "no-such-token"; expected the label of an initialised token/,
        );
        await assert.rejects(
            failing({ keyId: "no-such-key" }),
            /invalid hsmKeyId: "no-such-key"; expected the CKA_ID of an EC private key on token "fabric-test-/,
        );
        await assert.rejects(
            failing({ library: "/nonexistent/libpkcs11.so" }),
            /invalid hsmLibrary: "\/nonexistent\/libpkcs11.so"; expected the path of a PKCS#11 library this machine can load/,
        );
    });

    it("refuses a key on the token that is not the certificate's, before it signs anything for Fabric", async () => {
        const mismatched = createHsmSigningIdentity(
            { mspId: "Org1MSP", certPem: pki.clientCertPem, hsm: other, hsmSettings: names },
            "admin",
        );
        await assert.rejects(
            mismatched.sign(Buffer.from("x")),
            /invalid hsmKeyId: "someone-else"; expected the ID of the private key of admin.certPem/,
        );
    });

    it("refuses settings it cannot use without opening the HSM: a relative library, an empty PIN, a certificate that is not P-256", () => {
        assert.throws(
            () =>
                createHsmSigningIdentity({
                    mspId: "Org1MSP",
                    certPem: pki.clientCertPem,
                    hsm: { ...hsm, library: "libsofthsm2.so" },
                    hsmSettings: names,
                }),
            /invalid hsmLibrary: "libsofthsm2.so"; expected the absolute path/,
        );
        assert.throws(
            () =>
                createHsmSigningIdentity({
                    mspId: "Org1MSP",
                    certPem: pki.clientCertPem,
                    hsm: { ...hsm, pin: "" },
                    hsmSettings: names,
                }),
            /invalid hsmPin/,
        );
        const ed25519Cert = selfSignedCertificate("Ed25519");
        assert.throws(
            () =>
                createHsmSigningIdentity({ mspId: "Org1MSP", certPem: ed25519Cert, hsm, hsmSettings: names }, "admin"),
            /invalid admin.certPem: \(a certificate whose key is ed25519\); expected a certificate with an ECDSA P-256 key: the Gateway client's HSM signer signs with P-256 keys only/,
        );
    });
});
