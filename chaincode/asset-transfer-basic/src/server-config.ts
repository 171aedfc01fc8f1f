import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { DEFAULT_SERVER_ADDRESS, SERVER_ENV, type ServerSetting } from "./server-env";

/** A setting the server cannot start with; the message names the variable (and file). */
export class ServerConfigError extends Error {
    constructor(
        readonly variable: string,
        message: string,
    ) {
        super(message);
        this.name = "ServerConfigError";
    }
}

/** PEM bytes handed to gRPC as read; never logged. */
export interface ServerTls {
    readonly key: Buffer;
    readonly cert: Buffer;
    /** Present when clients must present a certificate signed by one of these CAs. */
    readonly clientCaCerts?: Buffer;
}

export interface ServerConfig {
    readonly chaincodeId: string;
    readonly address: string;
    /** The variable that supplied the address, or undefined for the default. */
    readonly addressVariable: string | undefined;
    /** Undefined only when TLS was disabled explicitly. */
    readonly tls: ServerTls | undefined;
}

/** Package IDs as the peer computes them: label ":" hex(sha256(package)). */
const PACKAGE_ID = /^[A-Za-z0-9][A-Za-z0-9_.+-]*:[0-9a-f]{64}$/;
const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[^\s:[\]]+):([0-9]{1,5})$/;
const LOG_LEVELS = ["CRITICAL", "ERROR", "WARNING", "INFO", "DEBUG"];

/** Reads and checks every setting, and the TLS files, before anything listens. */
export function readServerConfig(env: NodeJS.ProcessEnv): ServerConfig {
    const chaincodeId = readChaincodeId(env);
    const address = readSetting(env, "address");
    if (address !== undefined) checkAddress(address);
    checkLogLevel(readSetting(env, "logLevel"));
    return {
        chaincodeId,
        address: address?.value ?? DEFAULT_SERVER_ADDRESS,
        addressVariable: address?.name,
        tls: readTls(env),
    };
}

interface EnvValue {
    readonly name: string;
    readonly value: string;
}

/** The first non-empty alias of a setting; aliases that are set must agree. */
function readSetting(env: NodeJS.ProcessEnv, setting: ServerSetting): EnvValue | undefined {
    const set: EnvValue[] = [];
    for (const name of SERVER_ENV[setting]) {
        const value = env[name];
        if (value !== undefined && value !== "") set.push({ name, value });
    }
    const [first] = set;
    if (first === undefined) return undefined;
    const disagreeing = set.find((other) => other.value !== first.value);
    if (disagreeing !== undefined) {
        throw new ServerConfigError(
            first.name,
            `${first.name}=${JSON.stringify(first.value)} and ${disagreeing.name}=${JSON.stringify(disagreeing.value)} disagree; ` +
                "they are aliases of one setting: give them the same value or unset one",
        );
    }
    return first;
}

function readChaincodeId(env: NodeJS.ProcessEnv): string {
    const id = readSetting(env, "chaincodeId");
    if (id === undefined) {
        throw new ServerConfigError(
            SERVER_ENV.chaincodeId[0],
            `${SERVER_ENV.chaincodeId.join(" / ")} is empty or not set; expected the installed package ID (label:sha256hex)`,
        );
    }
    if (!PACKAGE_ID.test(id.value)) {
        throw new ServerConfigError(
            id.name,
            `invalid ${id.name}: ${JSON.stringify(id.value)}; expected the installed package ID, ` +
                "a label ([A-Za-z0-9][A-Za-z0-9_.+-]*), a colon and 64 lowercase hex digits",
        );
    }
    return id.value;
}

function checkAddress(address: EnvValue): void {
    const match = HOST_PORT.exec(address.value);
    const port = match === null ? NaN : Number(match[2]);
    if (!(port >= 1 && port <= 65535)) {
        throw new ServerConfigError(
            address.name,
            `invalid ${address.name}: ${JSON.stringify(address.value)}; expected host:port with a port from 1 to 65535, e.g. ${DEFAULT_SERVER_ADDRESS}`,
        );
    }
}

function checkLogLevel(level: EnvValue | undefined): void {
    if (level !== undefined && !LOG_LEVELS.includes(level.value.toUpperCase())) {
        throw new ServerConfigError(
            level.name,
            `invalid ${level.name}: ${JSON.stringify(level.value)}; expected one of ${LOG_LEVELS.join(", ")}`,
        );
    }
}

function readTls(env: NodeJS.ProcessEnv): ServerTls | undefined {
    const certFile = readSetting(env, "tlsCertFile");
    const keyFile = readSetting(env, "tlsKeyFile");
    const clientCaFile = readSetting(env, "clientCaCertFile");

    if (tlsDisabled(env)) {
        const stray = certFile ?? keyFile ?? clientCaFile;
        if (stray !== undefined) {
            throw new ServerConfigError(
                stray.name,
                `${stray.name} is set but ${SERVER_ENV.tlsDisabled[0]}=true; unset one of them (TLS files are never ignored silently)`,
            );
        }
        return undefined;
    }

    const cert = requireFile(certFile, "tlsCertFile", "the server certificate");
    const key = requireFile(keyFile, "tlsKeyFile", "the server certificate's private key");
    const certPem = readPemFile(cert);
    const keyPem = readPemFile(key);
    const [leaf] = parseCertificates(cert, certPem, keyFile);
    const privateKey = parsePrivateKey(key, keyPem, certFile);
    if (!leaf.checkPrivateKey(privateKey)) {
        throw new ServerConfigError(
            key.name,
            `${key.name}: the key in ${key.value} does not belong to the certificate in ${cert.value} (${cert.name}); ` +
                "the first certificate in the file must be the server's own",
        );
    }

    if (clientCaFile === undefined) return { key: keyPem, cert: certPem };
    const clientCaCerts = readPemFile(clientCaFile);
    parseCertificates(clientCaFile, clientCaCerts, undefined);
    return { key: keyPem, cert: certPem, clientCaCerts };
}

function tlsDisabled(env: NodeJS.ProcessEnv): boolean {
    const flag = readSetting(env, "tlsDisabled");
    if (flag === undefined) return false;
    const normalised = flag.value.toLowerCase();
    if (normalised === "true") return true;
    if (normalised === "false") return false;
    throw new ServerConfigError(flag.name, `invalid ${flag.name}: ${JSON.stringify(flag.value)}; expected true or false`);
}

function requireFile(file: EnvValue | undefined, setting: ServerSetting, what: string): EnvValue {
    if (file !== undefined) return file;
    const names = SERVER_ENV[setting];
    throw new ServerConfigError(
        names[0],
        `${names.join(" / ")} is empty or not set; TLS is on by default and needs a PEM file with ${what} ` +
            `(or set ${SERVER_ENV.tlsDisabled[0]}=true to run without TLS)`,
    );
}

function readPemFile(file: EnvValue): Buffer {
    try {
        return readFileSync(file.value);
    } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
            code === "ENOENT"
                ? "does not exist"
                : code === "EACCES" || code === "EPERM"
                  ? "is not readable (permission denied)"
                  : code === "EISDIR"
                    ? "is a directory, not a PEM file"
                    : `cannot be read (${code ?? (error as Error).message})`;
        throw new ServerConfigError(file.name, `${file.name}: the file ${file.value} ${reason}`);
    }
}

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const PRIVATE_KEY_HEADER = /-----BEGIN ([A-Z]+ )?PRIVATE KEY-----/;

/** One or more PEM certificates, each a valid X.509 certificate; returns them in file order. */
function parseCertificates(file: EnvValue, pem: Buffer, swapCandidate: EnvValue | undefined): [X509Certificate, ...X509Certificate[]] {
    const text = pem.toString("utf8");
    const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
    if (blocks.length === 0) {
        const hint = PRIVATE_KEY_HEADER.test(text)
            ? `; it holds a private key${swapCandidate === undefined ? "" : `: are ${file.name} and ${swapCandidate.name} swapped?`}`
            : "";
        throw new ServerConfigError(file.name, `${file.name}: the file ${file.value} holds no PEM certificate (-----BEGIN CERTIFICATE-----)${hint}`);
    }
    const certificates = blocks.map((block, index) => {
        try {
            return new X509Certificate(block);
        } catch {
            throw new ServerConfigError(file.name, `${file.name}: certificate ${index + 1} in ${file.value} is not a valid X.509 certificate`);
        }
    });
    return certificates as [X509Certificate, ...X509Certificate[]];
}

function parsePrivateKey(file: EnvValue, pem: Buffer, swapCandidate: EnvValue | undefined): KeyObject {
    const text = pem.toString("utf8");
    const header = PRIVATE_KEY_HEADER.exec(text);
    if (header === null) {
        const hint =
            text.includes("-----BEGIN CERTIFICATE-----") && swapCandidate !== undefined
                ? `; it holds a certificate: are ${swapCandidate.name} and ${file.name} swapped?`
                : "";
        throw new ServerConfigError(file.name, `${file.name}: the file ${file.value} holds no PEM private key (-----BEGIN PRIVATE KEY-----)${hint}`);
    }
    if (header[1] === "ENCRYPTED ") {
        throw new ServerConfigError(file.name, `${file.name}: the key in ${file.value} is encrypted; expected an unencrypted PEM private key`);
    }
    try {
        return createPrivateKey({ key: pem, format: "pem" });
    } catch {
        // The parser's message is not repeated: it is about key bytes, which stay out of logs.
        throw new ServerConfigError(file.name, `${file.name}: the file ${file.value} does not hold a valid PEM private key`);
    }
}
