import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import { holdChaincodeStream, registeredChaincodeId } from "./chaincode-stream";
import { freePort, ServerProcess, withDeadline } from "./server-process";
import { createTlsFixtures, SERVER_COMMON_NAME, type TlsFixtures } from "./tls-fixtures";

/** The real server (`node dist/server.js`) as a process, reached over loopback TLS by real clients. */

const PACKAGE_ID = `basic_1.0:${"5e".repeat(32)}`;
/** Generous bound against hangs; the server closes within its 2 s grace. */
const EXIT_DEADLINE_MS = 8000;

let pki: TlsFixtures;
before(() => {
    pki = createTlsFixtures();
});
after(() => pki.remove());

function keyBodies(): string[] {
    return [pki.server.keyPem, pki.client.keyPem].map((pem) => pem.split("\n")[1] ?? "");
}

function assertNoKeyMaterial(server: ServerProcess): void {
    const output = server.stdout + server.stderr;
    assert.doesNotMatch(output, /PRIVATE KEY/);
    for (const body of keyBodies()) assert.ok(body.length > 20 && !output.includes(body), "a private key appeared in the output");
}

function handshake(port: number, options: { ca?: string; servername?: string }): Promise<TLSSocket> {
    return withDeadline(
        new Promise<TLSSocket>((resolve, reject) => {
            const socket = tlsConnect({ host: "127.0.0.1", port, ALPNProtocols: ["h2"], ...options });
            socket.once("secureConnect", () => resolve(socket));
            socket.once("error", reject);
        }),
        10000,
        `TLS handshake with 127.0.0.1:${port}`,
    );
}

/**
 * Completes a handshake and sends the HTTP/2 preface; settles on the first
 * thing the server does: "spoke" (an accepted client gets the server's
 * SETTINGS frame at once) or "closed" (it dropped the connection first).
 */
function afterHandshake(port: number, options: { ca: string; cert: string; key: string }): Promise<"spoke" | "closed"> {
    return withDeadline(
        new Promise((resolve, reject) => {
            const socket = tlsConnect({ host: "127.0.0.1", port, ALPNProtocols: ["h2"], ...options });
            socket.once("secureConnect", () => socket.write("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"));
            socket.once("data", () => {
                resolve("spoke");
                socket.destroy();
            });
            socket.once("error", (error: NodeJS.ErrnoException) => {
                if (error.code === "ECONNRESET") resolve("closed");
                else reject(error);
            });
            socket.once("close", () => resolve("closed"));
        }),
        10000,
        `a TLS session with 127.0.0.1:${port}`,
    );
}

describe("server with TLS (server authentication only)", () => {
    let server: ServerProcess;
    let port: number;
    let startLine: string;

    before(async () => {
        port = await freePort();
        server = new ServerProcess({
            CHAINCODE_ID: PACKAGE_ID,
            CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
            CHAINCODE_TLS_CERT_FILE: pki.server.certFile,
            CHAINCODE_TLS_KEY_FILE: pki.server.keyFile,
        });
        startLine = await server.listening();
    });
    after(() => server.kill());

    it("logs one start line with the address, the ID and the TLS mode", () => {
        assert.equal(startLine, `asset-transfer-basic chaincode server listening on 127.0.0.1:${port} (chaincode ID ${PACKAGE_ID}; TLS on, client auth off)`);
    });

    it("presents our certificate, valid for 127.0.0.1, and negotiates h2", async () => {
        const socket = await handshake(port, { ca: pki.serverCa.certPem });
        try {
            assert.equal(socket.authorized, true);
            assert.equal(socket.alpnProtocol, "h2");
            const presented = socket.getPeerCertificate();
            assert.equal(presented.subject.CN, SERVER_COMMON_NAME);
            assert.equal(presented.fingerprint256, new X509Certificate(pki.server.certPem).fingerprint256);
            assert.match(presented.subjectaltname ?? "", /IP Address:127\.0\.0\.1/);
        } finally {
            socket.destroy();
        }
        const byName = await handshake(port, { ca: pki.serverCa.certPem, servername: "localhost" });
        assert.equal(byName.authorized, true);
        byName.destroy();
    });

    it("registers with the configured chaincode ID on the chaincode stream", async () => {
        assert.equal(await registeredChaincodeId(port, { ca: pki.serverCa.certPem }), PACKAGE_ID);
    });

    it("does not answer plaintext HTTP/2", async () => {
        await assert.rejects(registeredChaincodeId(port, undefined));
    });

    it("exits with code 0 on SIGTERM and never prints key material", async () => {
        server.signal("SIGTERM");
        assert.deepEqual(await server.exitWithin(EXIT_DEADLINE_MS), { code: 0, signal: null });
        assertNoKeyMaterial(server);
    });
});

describe("server with mutual TLS, configured through the CORE_* aliases", () => {
    let server: ServerProcess;
    let port: number;
    let startLine: string;
    const asPeer = () => ({ ca: pki.serverCa.certPem, cert: pki.client.certPem, key: pki.client.keyPem });

    before(async () => {
        port = await freePort();
        server = new ServerProcess({
            CORE_CHAINCODE_ID_NAME: PACKAGE_ID,
            CORE_CHAINCODE_ADDRESS: `127.0.0.1:${port}`,
            CORE_CHAINCODE_TLS_CERT_FILE: pki.server.certFile,
            CORE_CHAINCODE_TLS_KEY_FILE: pki.server.keyFile,
            CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE: pki.clientCa.certFile,
        });
        startLine = await server.listening();
    });
    after(() => server.kill());

    it("says client auth is on", () => {
        assert.match(startLine, /; TLS on, client auth on\)$/);
    });

    it("accepts a client certificate signed by the client CA", async () => {
        assert.equal(await registeredChaincodeId(port, asPeer()), PACKAGE_ID);
    });

    it("rejects a client without a certificate", async () => {
        await assert.rejects(registeredChaincodeId(port, { ca: pki.serverCa.certPem }), { code: "ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED" });
    });

    it("drops a client certificate from another CA before speaking HTTP/2", async () => {
        const stranger = { ca: pki.serverCa.certPem, cert: pki.strangerClient.certPem, key: pki.strangerClient.keyPem };
        // Node verifies the client chain after the TLS 1.3 handshake and closes the socket without an alert;
        // an accepted client would receive the server's HTTP/2 SETTINGS frame at once.
        assert.equal(await afterHandshake(port, asPeer()), "spoke");
        assert.equal(await afterHandshake(port, stranger), "closed");
        await assert.rejects(registeredChaincodeId(port, stranger), /stream ended before REGISTER|ECONNRESET/);
    });

    it("exits with code 0 on SIGINT while a peer holds its stream open, closing that stream", async () => {
        const stream = await holdChaincodeStream(port, asPeer());
        try {
            server.signal("SIGINT");
            assert.deepEqual(await server.exitWithin(EXIT_DEADLINE_MS), { code: 0, signal: null });
            await withDeadline(stream.closed, 5000, "the held stream to close");
        } finally {
            stream.release();
        }
        assertNoKeyMaterial(server);
    });
});

describe("server with TLS disabled explicitly", () => {
    it("serves plaintext, says so, and exits with code 0 on SIGTERM", async () => {
        const port = await freePort();
        const server = new ServerProcess({ CHAINCODE_ID: PACKAGE_ID, CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`, CHAINCODE_TLS_DISABLED: "true" });
        try {
            assert.match(await server.listening(), /; TLS off\)$/);
            assert.equal(await registeredChaincodeId(port, undefined), PACKAGE_ID);
            server.signal("SIGTERM");
            assert.deepEqual(await server.exitWithin(EXIT_DEADLINE_MS), { code: 0, signal: null });
        } finally {
            await server.kill();
        }
    });
});

describe("server refuses to start", () => {
    let port: number;
    let tlsEnv: NodeJS.ProcessEnv;

    before(async () => {
        port = await freePort();
        tlsEnv = {
            CHAINCODE_ID: PACKAGE_ID,
            CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}`,
            CHAINCODE_TLS_CERT_FILE: pki.server.certFile,
            CHAINCODE_TLS_KEY_FILE: pki.server.keyFile,
        };
    });

    async function refusal(env: NodeJS.ProcessEnv): Promise<string> {
        const server = new ServerProcess(env);
        try {
            const exit = await server.exitWithin(EXIT_DEADLINE_MS);
            assert.equal(exit.code, 1, `exit ${JSON.stringify(exit)}; stdout: ${server.stdout}`);
            assert.doesNotMatch(server.stdout, /listening on/);
            return server.stderr;
        } finally {
            await server.kill();
        }
    }

    it("without a chaincode ID", async () => {
        const stderr = await refusal({ ...tlsEnv, CHAINCODE_ID: "" });
        assert.match(stderr, /refusing to start: CHAINCODE_ID \/ CORE_CHAINCODE_ID \/ CORE_CHAINCODE_ID_NAME is empty or not set/);
    });

    it("when the TLS certificate file is missing", async () => {
        const missing = join(pki.dir, "no-such.crt");
        const stderr = await refusal({ ...tlsEnv, CHAINCODE_TLS_CERT_FILE: missing });
        assert.ok(stderr.includes(`refusing to start: CHAINCODE_TLS_CERT_FILE: the file ${missing} does not exist`), stderr);
    });

    it("when the TLS key file cannot be read", async () => {
        const directory = join(pki.dir, "key-dir");
        mkdirSync(directory, { recursive: true });
        const stderr = await refusal({ ...tlsEnv, CHAINCODE_TLS_KEY_FILE: directory });
        assert.ok(stderr.includes(`refusing to start: CHAINCODE_TLS_KEY_FILE: the file ${directory} is a directory, not a PEM file`), stderr);
    });

    it("when the client CA file is not PEM", async () => {
        const notPem = join(pki.dir, "client-ca.der");
        writeFileSync(notPem, Buffer.from([0x30, 0x82, 0x01, 0x00]));
        const stderr = await refusal({ ...tlsEnv, CHAINCODE_CLIENT_CA_CERT_FILE: notPem });
        assert.ok(stderr.includes(`refusing to start: CHAINCODE_CLIENT_CA_CERT_FILE: the file ${notPem} holds no PEM certificate`), stderr);
    });

    it("when TLS is neither configured nor disabled", async () => {
        const stderr = await refusal({ CHAINCODE_ID: PACKAGE_ID, CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${port}` });
        assert.match(stderr, /CHAINCODE_TLS_CERT_FILE \/ CORE_CHAINCODE_TLS_CERT_FILE is empty or not set; TLS is on by default/);
    });

    it("when the address is taken, naming it", async () => {
        const occupant: Server = createServer();
        await new Promise<void>((resolve) => occupant.listen(port, "127.0.0.1", resolve));
        try {
            const stderr = await refusal(tlsEnv);
            assert.ok(stderr.includes(`failed to start: cannot listen on 127.0.0.1:${port} (CHAINCODE_SERVER_ADDRESS)`), stderr);
        } finally {
            await new Promise<void>((resolve) => occupant.close(() => resolve()));
        }
    });
});
