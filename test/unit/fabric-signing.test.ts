/*
 * Signatures, identities, transaction IDs and proposal structure: what a
 * peer checks before it even looks at the function being called.
 */
import assert from "node:assert/strict";
import {
    createHash,
    createPrivateKey,
    createPublicKey,
    generateKeyPairSync,
    randomBytes,
    verify,
    X509Certificate,
} from "node:crypto";
import { describe, it } from "node:test";
import { common, msp, peer } from "@hyperledger/fabric-protos";
import {
    buildSignedProposal,
    computeTxId,
    createSigningIdentity,
    InvalidSettingError,
    signForFabric,
} from "../../components/fabric";
import {
    assertFabricEcdsaSignature,
    decodeDerSignature,
    encodeDerSignature,
    P256_ORDER,
    P384_ORDER,
} from "../support/der-signature";
import { testPki } from "../support/pki";

describe("low-S ECDSA P-256 signatures", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });

    it("keeps s <= n/2 on every signature and each verifies with node:crypto", async () => {
        // Node's own signer yields high S about half the time, so 300 low-S
        // signatures in a row only happen when normalisation works.
        for (let i = 0; i < 300; i++) {
            const message = randomBytes(64);
            assertFabricEcdsaSignature(
                await signForFabric(privateKey, message),
                message,
                publicKey,
                P256_ORDER,
                `signature ${i}`,
            );
        }
    });

    it("the high-S twin of a signature also verifies, which is why peers insist on low S", async () => {
        const message = Buffer.from("malleable");
        const { r, s } = decodeDerSignature(await signForFabric(privateKey, message));
        const twin = encodeDerSignature(r, P256_ORDER - s);
        assert.ok(verify("sha256", message, { key: publicKey, dsaEncoding: "der" }, twin));
        assert.ok(P256_ORDER - s > P256_ORDER >> 1n);
    });
});

describe("P-384 and Ed25519 signatures, as Fabric verifies them", () => {
    it("P-384: SHA-256 digest (Fabric's SHA2 family), DER, s <= n/2 of the P-384 group, verifying with node:crypto", async () => {
        const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "secp384r1" });
        for (let i = 0; i < 100; i++) {
            const message = randomBytes(64);
            assertFabricEcdsaSignature(
                await signForFabric(privateKey, message),
                message,
                publicKey,
                P384_ORDER,
                `signature ${i}`,
            );
        }
    });

    it("Ed25519: over the message itself (no digest first)", async () => {
        const { privateKey, publicKey } = generateKeyPairSync("ed25519");
        const message = randomBytes(64);
        const signature = await signForFabric(privateKey, message);
        assert.equal(signature.length, 64);
        assert.ok(verify(null, message, publicKey, signature));
    });
});

describe("signing identity from PEM", () => {
    const pki = testPki();
    const identity = createSigningIdentity({ mspId: "Org1MSP", certPem: pki.clientCertPem, keyPem: pki.clientKeyPem });

    it("serialises the creator as msp.SerializedIdentity{mspid, PEM}", () => {
        const creator = msp.SerializedIdentity.deserializeBinary(identity.creator);
        assert.equal(creator.getMspid(), "Org1MSP");
        const pem = Buffer.from(creator.getIdBytes_asU8()).toString("utf8");
        assert.equal(new X509Certificate(pem).fingerprint256, new X509Certificate(pki.clientCertPem).fingerprint256);
    });

    it("signs so that the certificate's public key verifies", async () => {
        const message = Buffer.from("proposal bytes");
        const publicKey = new X509Certificate(pki.clientCertPem).publicKey;
        assert.ok(verify("sha256", message, { key: publicKey, dsaEncoding: "der" }, await identity.sign(message)));
    });

    it("rejects a key that does not belong to the certificate, naming the setting and hiding the key", () => {
        assert.throws(
            () =>
                createSigningIdentity(
                    { mspId: "Org1MSP", certPem: pki.clientCertPem, keyPem: pki.unrelatedKeyPem },
                    "approval.admin",
                ),
            (error: unknown) => {
                assert.ok(error instanceof InvalidSettingError);
                assert.equal(error.setting, "approval.admin.keyPem");
                assert.match(error.message, /the private key of the certificate/);
                assert.ok(!error.message.includes("PRIVATE KEY"));
                assert.ok(!error.message.includes(pki.unrelatedKeyPem.split("\n")[1]));
                return true;
            },
        );
    });

    it("rejects text that is not a certificate or not a key", () => {
        assert.throws(
            () => createSigningIdentity({ mspId: "Org1MSP", certPem: pki.clientKeyPem, keyPem: pki.clientKeyPem }),
            (error: unknown) => {
                assert.ok(error instanceof InvalidSettingError);
                assert.equal(error.setting, "identity.certPem");
                assert.ok(!error.message.includes(pki.clientKeyPem.split("\n")[1]), "the key must not be echoed");
                return true;
            },
        );
        assert.throws(
            () => createSigningIdentity({ mspId: "Org1MSP", certPem: pki.clientCertPem, keyPem: pki.clientCertPem }),
            (error: unknown) => {
                assert.ok(error instanceof InvalidSettingError);
                assert.equal(error.setting, "identity.keyPem");
                return true;
            },
        );
        assert.throws(
            () => createSigningIdentity({ mspId: "Org 1", certPem: pki.clientCertPem, keyPem: pki.clientKeyPem }),
            /invalid identity.mspId: "Org 1"/,
        );
    });

    it("rejects a key type Fabric MSPs do not verify, naming those they do", () => {
        const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 })
            .privateKey.export({ type: "pkcs8", format: "pem" })
            .toString();
        assert.throws(
            () => createSigningIdentity({ mspId: "Org1MSP", certPem: pki.clientCertPem, keyPem: rsa }),
            /invalid identity\.keyPem: \(a private key, not shown\); expected an ECDSA P-256 or P-384 private key, or an Ed25519 one \(Fabric 3\.0 or later\)/,
        );
        const p521 = generateKeyPairSync("ec", { namedCurve: "secp521r1" })
            .privateKey.export({ type: "pkcs8", format: "pem" })
            .toString();
        assert.throws(
            () => createSigningIdentity({ mspId: "Org1MSP", certPem: pki.clientCertPem, keyPem: p521 }),
            /ECDSA P-256 or P-384/,
        );
    });
});

describe("transaction ID and proposal", () => {
    const pki = testPki();
    const identity = createSigningIdentity({ mspId: "Org1MSP", certPem: pki.clientCertPem, keyPem: pki.clientKeyPem });

    it("computes txid = hex(sha256(nonce || creator))", () => {
        const nonce = Buffer.from("000102030405060708090a0b0c0d0e0f1011121314151617", "hex");
        const creator = Buffer.from("creator bytes");
        const expected = createHash("sha256")
            .update(Buffer.concat([nonce, creator]))
            .digest("hex");
        assert.equal(computeTxId(nonce, creator), expected);
        assert.notEqual(computeTxId(nonce, Buffer.from("other")), expected);
    });

    it("builds a signed _lifecycle proposal the peer can check", async () => {
        const args = Buffer.from([8, 1]);
        const built = await buildSignedProposal(identity, {
            channel: "",
            chaincodeName: "_lifecycle",
            args: [Buffer.from("InstallChaincode"), args],
        });
        const signed = built.signedProposal;
        const publicKey = createPublicKey(createPrivateKey(pki.clientKeyPem));
        assert.ok(
            verify(
                "sha256",
                signed.getProposalBytes_asU8(),
                { key: publicKey, dsaEncoding: "der" },
                signed.getSignature_asU8(),
            ),
        );

        const proposal = peer.Proposal.deserializeBinary(signed.getProposalBytes_asU8());
        const header = common.Header.deserializeBinary(proposal.getHeader_asU8());
        const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
        const signatureHeader = common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8());
        assert.equal(channelHeader.getType(), common.HeaderType.ENDORSER_TRANSACTION);
        assert.equal(channelHeader.getChannelId(), "");
        assert.equal(channelHeader.getEpoch(), 0);
        assert.equal(signatureHeader.getNonce_asU8().length, 24);
        assert.deepEqual(Buffer.from(signatureHeader.getCreator_asU8()), identity.creator);
        assert.equal(
            channelHeader.getTxId(),
            computeTxId(signatureHeader.getNonce_asU8(), signatureHeader.getCreator_asU8()),
        );
        assert.equal(channelHeader.getTxId(), built.txId);
        const extension = peer.ChaincodeHeaderExtension.deserializeBinary(channelHeader.getExtension_asU8());
        assert.equal(extension.getChaincodeId()!.getName(), "_lifecycle");
        const timestamp = channelHeader.getTimestamp()!.getSeconds();
        assert.ok(Math.abs(timestamp - Date.now() / 1000) < 60);

        const payload = peer.ChaincodeProposalPayload.deserializeBinary(proposal.getPayload_asU8());
        const spec = peer.ChaincodeInvocationSpec.deserializeBinary(payload.getInput_asU8()).getChaincodeSpec()!;
        assert.equal(spec.getChaincodeId()!.getName(), "_lifecycle");
        const sent = spec.getInput()!.getArgsList_asU8();
        assert.equal(sent.length, 2);
        assert.equal(Buffer.from(sent[0]).toString(), "InstallChaincode");
        assert.deepEqual(Buffer.from(sent[1]), args);
    });

    it("never reuses a transaction ID", async () => {
        const ids = new Set<string>();
        for (let i = 0; i < 50; i++)
            ids.add((await buildSignedProposal(identity, { channel: "c", chaincodeName: "cc", args: [] })).txId);
        assert.equal(ids.size, 50);
    });

    it("keeps transient data out of the payload that goes into the transaction", async () => {
        const built = await buildSignedProposal(identity, {
            channel: "c",
            chaincodeName: "cc",
            args: [Buffer.from("f")],
            transient: { secret: Buffer.from("s3cret") },
        });
        const sent = peer.ChaincodeProposalPayload.deserializeBinary(
            peer.Proposal.deserializeBinary(built.signedProposal.getProposalBytes_asU8()).getPayload_asU8(),
        );
        assert.equal(Buffer.from(sent.getTransientmapMap().get("secret") as Uint8Array).toString(), "s3cret");
        const forTransaction = peer.ChaincodeProposalPayload.deserializeBinary(built.payloadForTransaction);
        assert.equal(forTransaction.getTransientmapMap().getLength(), 0);
        assert.ok(!Buffer.from(built.payloadForTransaction).includes(Buffer.from("s3cret")));
    });
});
