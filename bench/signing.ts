import { randomBytes, sign } from "node:crypto";
import { createHsmSigningIdentity, createSigningIdentity, type SigningIdentity } from "../components/fabric";
import { testPki } from "../test/support/pki";
import { importKeyToSoftHsm, softHsmMissing } from "../test/support/softhsm";
import { type BenchResult, median } from "./result";

/**
 * One Fabric signature (a 2 KB proposal), in microseconds, three ways in one
 * run, rotating: the admin's P-256 key in memory through the Gateway
 * client's signer (what adminKeyPem does), node:crypto signing directly (the
 * hand-written signer it replaced, without low-S), and the key in SoftHSM
 * through the Gateway client's PKCS#11 signer (signer: hsm).
 */
export async function signingBenchmark(): Promise<BenchResult[]> {
    const missing = softHsmMissing();
    if (missing) throw new Error(`the signing benchmark needs SoftHSM: ${missing}`);
    const pki = testPki();
    const message = randomBytes(2048);
    const key = { mspId: "Org1MSP", certPem: pki.clientCertPem };
    const pem = createSigningIdentity({ ...key, keyPem: pki.clientKeyPem });
    const hsm = createHsmSigningIdentity({ ...key, hsm: importKeyToSoftHsm(pki.clientKeyPem, "bench-admin") });
    const nodeCrypto: Pick<SigningIdentity, "sign"> = {
        sign: async (bytes) => sign("sha256", bytes, { key: pki.clientKeyPem, dsaEncoding: "der" }),
    };
    const ways: Array<[string, Pick<SigningIdentity, "sign">]> = [
        ["signing-pem-gateway", pem],
        ["signing-node-crypto", nodeCrypto],
        ["signing-hsm-softhsm", hsm],
    ];
    const samples = new Map<string, number[]>(ways.map(([name]) => [name, []]));
    for (const [, identity] of ways) for (let i = 0; i < 50; i++) await identity.sign(message); // warm-up, and the HSM session opens
    const iterations = 200;
    for (let round = 0; round < 7; round++) {
        for (const [name, identity] of ways) {
            const start = process.hrtime.bigint();
            for (let i = 0; i < iterations; i++) await identity.sign(message);
            samples.get(name)!.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
        }
    }
    return ways.map(([name]) => ({
        bench: name,
        value: Number(median(samples.get(name)!).toFixed(1)),
        unit: "us/signature",
        details: { rounds: 7, messageBytes: message.length },
    }));
}
