/*
 * Deadlines and unreachable endpoints: every call ends within its deadline
 * with a message naming the endpoint. A local socket that accepts and never
 * answers stands in for a hung peer (no gRPC is imitated).
 */
import assert from "node:assert/strict";
import { createServer, type Server, type Socket } from "node:net";
import { after, before, describe, it } from "node:test";
import { FabricError, FabricTimeoutError, FabricUnavailableError, queryAllInstalled } from "../../components/fabric";
import { Connections } from "../../components/fabric/grpc-connection";
import { testPki } from "../support/pki";

describe("deadlines and unreachable endpoints", () => {
    const pki = testPki();
    const identity = { mspId: "Org1MSP", certPem: pki.clientCertPem, keyPem: pki.clientKeyPem };
    let silent: Server;
    let silentAddress = "";
    let closedAddress = "";
    const sockets: Socket[] = [];

    before(async () => {
        silent = createServer((socket) => sockets.push(socket));
        await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
        silentAddress = `127.0.0.1:${(silent.address() as { port: number }).port}`;
        const probe = createServer();
        await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
        closedAddress = `127.0.0.1:${(probe.address() as { port: number }).port}`;
        await new Promise<void>((resolve) => probe.close(() => resolve()));
    });
    after(async () => {
        for (const socket of sockets) socket.destroy();
        await new Promise<void>((resolve) => silent.close(() => resolve()));
    });

    for (const tls of [false, true]) {
        it(`times out after the configured seconds on a peer that never answers (${tls ? "TLS" : "plaintext"})`, async () => {
            const peer = tls
                ? { address: silentAddress, tlsCaPem: pki.caCertPem }
                : { address: silentAddress, insecurePlaintext: true };
            const started = Date.now();
            await assert.rejects(queryAllInstalled({ peer, identity, timeoutSeconds: 1 }), (error: unknown) => {
                assert.ok(error instanceof FabricTimeoutError && error instanceof FabricError, String(error));
                assert.equal(error.endpoint, silentAddress);
                assert.ok(error.cause !== undefined, "the gRPC error is kept as the cause");
                assert.match(
                    error.message,
                    new RegExp(`^timed out after 1s calling ${silentAddress} \\(/protos.Endorser/ProcessProposal\\)`),
                );
                return true;
            });
            // Bounded, not a speed assertion: the call must not hang past its deadline by much.
            assert.ok(Date.now() - started < 10_000);
        });
    }

    it("says which endpoint could not be reached when the port is closed", async () => {
        await assert.rejects(
            queryAllInstalled({
                peer: { address: closedAddress, tlsCaPem: pki.caCertPem },
                identity,
                timeoutSeconds: 5,
            }),
            (error: unknown) => {
                assert.ok(error instanceof FabricUnavailableError, String(error));
                assert.match(
                    error.message,
                    new RegExp(`^cannot reach ${closedAddress} \\(/protos.Endorser/ProcessProposal\\): .*ECONNREFUSED`),
                );
                assert.ok(!error.message.endsWith("Resolution note:"));
                // As fabric-gateway shapes its errors: one base class, the endpoint, the gRPC status, the gRPC error as the cause.
                assert.ok(error instanceof FabricError);
                assert.equal(error.name, "FabricUnavailableError");
                assert.equal(error.endpoint, closedAddress);
                assert.equal(error.grpcStatus, 14, "UNAVAILABLE");
                assert.match(String((error.cause as { details?: string }).details), /ECONNREFUSED/);
                return true;
            },
        );
    });

    it("refuses nonsense deadlines and half-configured mutual TLS", () => {
        assert.throws(() => new Connections({ timeoutSeconds: 0 }), /timeoutSeconds must be a positive number/);
        const connections = new Connections();
        try {
            assert.throws(
                () => connections.client({ address: "x:1", tlsCaPem: pki.caCertPem, clientCertPem: pki.clientCertPem }),
                /needs both clientCertPem and clientKeyPem/,
            );
            assert.throws(
                () =>
                    connections.client({
                        address: "x:1",
                        clientCertPem: pki.clientCertPem,
                        clientKeyPem: pki.clientKeyPem,
                    }),
                /needs TLS/,
            );
        } finally {
            connections.close();
        }
    });

    it("sends nothing in plaintext unless asked for by name: no tlsCaPem is refused before any connection", async () => {
        let accepted = 0;
        const listener = createServer((socket: Socket) => {
            accepted++;
            socket.destroy();
        });
        await new Promise<void>((resolve) => listener.listen(0, "127.0.0.1", resolve));
        const address = `127.0.0.1:${(listener.address() as { port: number }).port}`;
        try {
            await assert.rejects(
                queryAllInstalled({ peer: { address }, identity, timeoutSeconds: 2 }),
                (error: unknown) => {
                    assert.match(
                        (error as Error).message,
                        new RegExp(
                            `endpoint ${address}: no tlsCaPem, so no TLS; plaintext gRPC is used only with insecurePlaintext: true`,
                        ),
                    );
                    return true;
                },
            );
            assert.equal(accepted, 0, "no connection was opened");
            const connections = new Connections();
            try {
                assert.throws(
                    () => connections.client({ address, tlsCaPem: pki.caCertPem, insecurePlaintext: true }),
                    /insecurePlaintext with a tlsCaPem/,
                );
            } finally {
                connections.close();
            }
        } finally {
            listener.close();
        }
    });

    it("reuses one channel per endpoint within an operation", () => {
        const connections = new Connections();
        try {
            const a = connections.client({ address: silentAddress, tlsCaPem: pki.caCertPem });
            assert.equal(connections.client({ address: silentAddress, tlsCaPem: pki.caCertPem }), a);
            assert.notEqual(
                connections.client({ address: silentAddress, tlsCaPem: pki.caCertPem, hostOverride: "peer0" }),
                a,
            );
        } finally {
            connections.close();
        }
    });
});
