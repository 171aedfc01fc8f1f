/*
 * Throwaway TLS material for the tests and benchmarks, made with the
 * openssl CLI in a temporary folder once per test process (no keys live in
 * git). ECDSA P-256, as the product defaults to.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestPki {
    readonly caCertPem: string;
    /** Two server leaves signed by the same CA: renewing one must not change a package. */
    readonly serverCertPem: string;
    readonly serverKeyPem: string;
    readonly renewedServerCertPem: string;
    readonly clientCertPem: string;
    readonly clientKeyPem: string;
    /** A key that belongs to no certificate here. */
    readonly unrelatedKeyPem: string;
    /** A second, unrelated CA. */
    readonly otherCaCertPem: string;
    /** A client leaf of the test CA that expired on 2020-01-02, and its key. */
    readonly expiredCertPem: string;
    readonly expiredKeyPem: string;
}

let cached: TestPki | undefined;

function openssl(dir: string, ...args: string[]): void {
    try {
        execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
    } catch (err) {
        throw new Error(
            `the packaging tests need the openssl CLI to make test certificates: openssl ${args.join(" ")} failed: ${(err as Error).message}`,
        );
    }
}

function newKey(dir: string, file: string): void {
    openssl(dir, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", file);
}

function newCa(dir: string, name: string): void {
    newKey(dir, `${name}.key`);
    openssl(
        dir,
        "req",
        "-x509",
        "-new",
        "-key",
        `${name}.key`,
        "-subj",
        `/CN=${name}`,
        "-days",
        "3650",
        "-addext",
        "basicConstraints=critical,CA:TRUE",
        "-addext",
        "keyUsage=critical,keyCertSign,cRLSign",
        "-out",
        `${name}.pem`,
    );
}

function newLeaf(dir: string, name: string, ca: string, serial: string, usage: string): void {
    newKey(dir, `${name}.key`);
    openssl(dir, "req", "-new", "-key", `${name}.key`, "-subj", `/CN=${name}`, "-out", `${name}.csr`);
    writeFileSync(join(dir, `${name}.ext`), `subjectAltName=DNS:${name}\nextendedKeyUsage=${usage}\n`);
    openssl(
        dir,
        "x509",
        "-req",
        "-in",
        `${name}.csr`,
        "-CA",
        `${ca}.pem`,
        "-CAkey",
        `${ca}.key`,
        "-set_serial",
        serial,
        "-days",
        "365",
        "-extfile",
        `${name}.ext`,
        "-out",
        `${name}.pem`,
    );
}

/** A leaf of `ca` valid only from 2020-01-01 to 2020-01-02 (openssl ca takes explicit dates, x509 -req does not). */
function expiredLeaf(dir: string, name: string, ca: string): void {
    newKey(dir, `${name}.key`);
    openssl(dir, "req", "-new", "-key", `${name}.key`, "-subj", `/CN=${name}`, "-out", `${name}.csr`);
    writeFileSync(join(dir, "index.txt"), "");
    writeFileSync(join(dir, "serial.txt"), "1004\n");
    writeFileSync(
        join(dir, "ca.cnf"),
        "[ca]\ndefault_ca = test\n[test]\ndatabase = index.txt\nnew_certs_dir = .\nserial = serial.txt\ndefault_md = sha256\npolicy = any\n[any]\ncommonName = supplied\n",
    );
    openssl(
        dir,
        "ca",
        "-batch",
        "-config",
        "ca.cnf",
        "-cert",
        `${ca}.pem`,
        "-keyfile",
        `${ca}.key`,
        "-in",
        `${name}.csr`,
        "-out",
        `${name}.pem`,
        "-startdate",
        "20200101000000Z",
        "-enddate",
        "20200102000000Z",
        "-notext",
    );
}

/** The test PKI, made on first use. */
export function testPki(): TestPki {
    if (cached !== undefined) return cached;
    const dir = mkdtempSync(join(tmpdir(), "packaging-pki-"));
    try {
        newCa(dir, "test-ca");
        newCa(dir, "other-ca");
        newLeaf(dir, "mycc", "test-ca", "1001", "serverAuth");
        newLeaf(dir, "mycc-renewed", "test-ca", "1002", "serverAuth");
        newLeaf(dir, "peer0-client", "test-ca", "1003", "clientAuth");
        newKey(dir, "unrelated.key");
        expiredLeaf(dir, "expired-admin", "test-ca");
        const read = (file: string) => readFileSync(join(dir, file), "utf8");
        cached = {
            caCertPem: read("test-ca.pem"),
            serverCertPem: read("mycc.pem"),
            serverKeyPem: read("mycc.key"),
            renewedServerCertPem: read("mycc-renewed.pem"),
            clientCertPem: read("peer0-client.pem"),
            clientKeyPem: read("peer0-client.key"),
            unrelatedKeyPem: read("unrelated.key"),
            otherCaCertPem: read("other-ca.pem"),
            expiredCertPem: read("expired-admin.pem"),
            expiredKeyPem: read("expired-admin.key"),
        };
        return cached;
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** A self-signed end-entity certificate (CA:FALSE, as an admin's is) whose key is not P-256 (what an HSM-held admin key may not be). */
export function selfSignedCertificate(keyType: "P-384" | "Ed25519"): string {
    const dir = mkdtempSync(join(tmpdir(), "self-signed-"));
    try {
        const keyArgs =
            keyType === "P-384"
                ? ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]
                : ["-algorithm", "ed25519"];
        openssl(dir, "genpkey", ...keyArgs, "-out", "key.pem");
        openssl(
            dir,
            "req",
            "-new",
            "-x509",
            "-key",
            "key.pem",
            "-subj",
            `/CN=${keyType}`,
            "-addext",
            "basicConstraints=critical,CA:FALSE",
            "-days",
            "1",
            "-out",
            "cert.pem",
        );
        return readFileSync(join(dir, "cert.pem"), "utf8");
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
