import { buildChaincodePackage } from "../components/packaging";
import { testPki } from "../test/support/pki";
import { type BenchResult, median } from "./result";

/** Time to build one mutual-TLS ccaas package with two CouchDB indexes, in microseconds. */
export async function packagingBenchmark(): Promise<BenchResult[]> {
    const pki = testPki();
    const input = {
        label: "basic_1.0",
        address: "basic.hlf1:9999",
        tls: {
            rootCertPem: pki.caCertPem,
            clientAuth: { clientCertPem: pki.clientCertPem, clientKeyPem: pki.clientKeyPem },
        },
        couchDbIndexes: [
            {
                name: "indexOwner",
                definition: { index: { fields: ["owner"] }, ddoc: "indexOwnerDoc", name: "indexOwner", type: "json" },
            },
            {
                name: "indexColor",
                definition: { index: { fields: ["color"] }, ddoc: "indexColorDoc", name: "indexColor", type: "json" },
            },
        ],
    };
    for (let i = 0; i < 200; i++) buildChaincodePackage(input); // warm-up
    const samples: number[] = [];
    let size = 0;
    for (let round = 0; round < 15; round++) {
        const iterations = 500;
        const start = process.hrtime.bigint();
        for (let i = 0; i < iterations; i++) size = buildChaincodePackage(input).bytes.length;
        samples.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
    }
    return [
        {
            bench: "package-build",
            value: Number(median(samples).toFixed(2)),
            unit: "us/package",
            details: { packageBytes: size, rounds: samples.length },
        },
    ];
}
