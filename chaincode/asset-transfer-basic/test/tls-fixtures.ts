import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** PEM files written by the openssl command line: the certificates a real deployment would mount. */
export interface CertificateFiles {
    readonly certFile: string;
    readonly keyFile: string;
    readonly certPem: string;
    readonly keyPem: string;
}

export interface TlsFixtures {
    readonly dir: string;
    /** CA that signs the server certificate (what connection.json's root_cert holds). */
    readonly serverCa: CertificateFiles;
    /** Server leaf: CN asset-transfer-basic, SAN IP:127.0.0.1 and DNS:localhost. */
    readonly server: CertificateFiles;
    /** CA the server trusts for client certificates (mutual TLS). */
    readonly clientCa: CertificateFiles;
    /** Client leaf signed by clientCa (what a peer presents). */
    readonly client: CertificateFiles;
    /** An unrelated CA, trusted by nobody. */
    readonly strangerCa: CertificateFiles;
    /** Client leaf signed by strangerCa: must be refused. */
    readonly strangerClient: CertificateFiles;
    /** Server leaf like `server` (same names) but signed by strangerCa: peers holding serverCa must refuse it. */
    readonly strangerServer: CertificateFiles;
    remove(): void;
}

export const SERVER_COMMON_NAME = "asset-transfer-basic";
const SERVER_EXTENSIONS = ["subjectAltName=IP:127.0.0.1,DNS:localhost", "extendedKeyUsage=serverAuth"];

/**
 * Generates every certificate the server tests need into a fresh temporary
 * folder. Node builtins only, so the repository's end-to-end test reuses it.
 */
export function createTlsFixtures(): TlsFixtures {
    const dir = mkdtempSync(join(tmpdir(), "atb-tls-"));
    const serverCa = selfSignedCa(dir, "server-ca", "test chaincode server CA");
    const server = leaf(dir, "server", serverCa, `/CN=${SERVER_COMMON_NAME}`, SERVER_EXTENSIONS);
    const clientCa = selfSignedCa(dir, "client-ca", "test peer client CA");
    const client = leaf(dir, "client", clientCa, "/CN=peer0.org1.example.com", ["extendedKeyUsage=clientAuth"]);
    const strangerCa = selfSignedCa(dir, "stranger-ca", "unrelated CA");
    const strangerClient = leaf(dir, "stranger-client", strangerCa, "/CN=stranger", ["extendedKeyUsage=clientAuth"]);
    const strangerServer = leaf(dir, "stranger-server", strangerCa, `/CN=${SERVER_COMMON_NAME}`, SERVER_EXTENSIONS);
    return {
        dir,
        serverCa,
        server,
        clientCa,
        client,
        strangerCa,
        strangerClient,
        strangerServer,
        remove: () => rmSync(dir, { recursive: true, force: true }),
    };
}

function selfSignedCa(dir: string, name: string, commonName: string): CertificateFiles {
    const keyFile = join(dir, `${name}.key`);
    const certFile = join(dir, `${name}.crt`);
    openssl([
        "req", "-x509", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
        "-keyout", keyFile, "-out", certFile, "-days", "30", "-subj", `/CN=${commonName}`,
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign",
    ]);
    return files(certFile, keyFile);
}

function leaf(dir: string, name: string, ca: CertificateFiles, subject: string, extensions: readonly string[]): CertificateFiles {
    const keyFile = join(dir, `${name}.key`);
    const csrFile = join(dir, `${name}.csr`);
    const extFile = join(dir, `${name}.ext`);
    const certFile = join(dir, `${name}.crt`);
    openssl(["req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", keyFile, "-out", csrFile, "-subj", subject]);
    writeFileSync(extFile, ["basicConstraints=CA:FALSE", "keyUsage=critical,digitalSignature", ...extensions, ""].join("\n"));
    openssl([
        "x509", "-req", "-in", csrFile, "-CA", ca.certFile, "-CAkey", ca.keyFile, "-set_serial", `0x${randomBytes(8).toString("hex")}`,
        "-days", "30", "-sha256", "-extfile", extFile, "-out", certFile,
    ]);
    return files(certFile, keyFile);
}

function files(certFile: string, keyFile: string): CertificateFiles {
    return { certFile, keyFile, certPem: readFileSync(certFile, "utf8"), keyPem: readFileSync(keyFile, "utf8") };
}

function openssl(args: readonly string[]): void {
    try {
        execFileSync("openssl", args, { stdio: ["ignore", "ignore", "pipe"] });
    } catch (error) {
        const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? "";
        throw new Error(`openssl ${args[0]} failed: ${stderr || (error as Error).message}`);
    }
}
