/**
 * gRPC connections to peers and orderers: TLS (optionally mutual), host
 * name override, keepalive the Fabric servers tolerate, large messages and
 * a deadline on every call. One channel per endpoint per operation; the
 * operation closes them all when it ends (see `withConnections`).
 */
import { createHash } from "node:crypto";
import * as grpc from "@grpc/grpc-js";
import { FabricCallError, type FabricError, FabricTimeoutError, FabricUnavailableError } from "./fabric-errors";

/** How much earlier than our deadline a server may cancel a call for having passed it. */
const DEADLINE_RACE_MS = 1000;

/** A peer or orderer gRPC endpoint. */
export interface Endpoint {
    /** host:port, e.g. "peer0.org1.example.com:7051". */
    readonly address: string;
    /** PEM of the CA that signed the endpoint's TLS certificate. Required unless insecurePlaintext is true. */
    readonly tlsCaPem?: string;
    /**
     * Plaintext gRPC, for a test network without TLS: only when asked for by
     * this name. Without tlsCaPem and without it, no connection is made.
     */
    readonly insecurePlaintext?: boolean;
    /** TLS server name to expect when it differs from the host in `address`. */
    readonly hostOverride?: string;
    /** Client certificate (PEM) for mutual TLS. */
    readonly clientCertPem?: string;
    /** Client private key (PEM) for mutual TLS. */
    readonly clientKeyPem?: string;
}

export interface CallOptions {
    /** Deadline of each gRPC call in seconds. Defaults to 30. */
    readonly timeoutSeconds?: number;
}

export const DEFAULT_TIMEOUT_SECONDS = 30;
/** Fabric servers send GOAWAY to clients that ping more often than every 60 s. */
const KEEPALIVE_TIME_MS = 120_000;
const KEEPALIVE_TIMEOUT_MS = 20_000;
const MAX_MESSAGE_BYTES = 100 * 1024 * 1024;

export function describeEndpoint(endpoint: Endpoint): string {
    return endpoint.hostOverride ? `${endpoint.address} (TLS name ${endpoint.hostOverride})` : endpoint.address;
}

/** The open channels of one operation. */
export class Connections {
    private readonly clients = new Map<string, grpc.Client>();
    readonly timeoutSeconds: number;

    constructor(options: CallOptions = {}) {
        const timeout = options.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
        if (!(timeout > 0) || !Number.isFinite(timeout)) {
            throw new RangeError(`timeoutSeconds must be a positive number of seconds, got ${timeout}`);
        }
        this.timeoutSeconds = timeout;
    }

    client(endpoint: Endpoint): grpc.Client {
        const key = connectionKey(endpoint);
        let client = this.clients.get(key);
        if (!client) {
            client = new grpc.Client(endpoint.address, credentialsFor(endpoint), channelOptions(endpoint));
            this.clients.set(key, client);
        }
        return client;
    }

    deadline(timeoutSeconds = this.timeoutSeconds): Date {
        return new Date(Date.now() + timeoutSeconds * 1000);
    }

    /** One request, one response; failures become errors naming the endpoint. */
    unary<Request, Response>(
        endpoint: Endpoint,
        method: grpc.MethodDefinition<Request, Response>,
        request: Request,
        context: { txId?: string; timeoutSeconds?: number } = {},
    ): Promise<Response> {
        const timeoutSeconds = context.timeoutSeconds ?? this.timeoutSeconds;
        const client = this.client(endpoint);
        const deadline = this.deadline(timeoutSeconds);
        return new Promise((resolve, reject) => {
            client.makeUnaryRequest(
                method.path,
                method.requestSerialize,
                method.responseDeserialize,
                request,
                new grpc.Metadata(),
                { deadline },
                (error, response) => {
                    // A peer ends a call whose propagated deadline has passed with CANCELLED, just before our own DEADLINE_EXCEEDED.
                    const pastDeadline =
                        error?.code === grpc.status.CANCELLED && Date.now() >= deadline.getTime() - DEADLINE_RACE_MS;
                    if (pastDeadline)
                        reject(
                            new FabricTimeoutError(describeEndpoint(endpoint), timeoutSeconds, method.path, {
                                txId: context.txId,
                                grpcStatus: error.code,
                                cause: error,
                            }),
                        );
                    else if (error) reject(toFabricError(error, endpoint, method.path, timeoutSeconds, context.txId));
                    else resolve(response as Response);
                },
            );
        });
    }

    /** A bidirectional stream with a deadline; callers end it and translate its errors with `toFabricError`. */
    bidi<Request, Response>(
        endpoint: Endpoint,
        method: grpc.MethodDefinition<Request, Response>,
        timeoutSeconds = this.timeoutSeconds,
    ): grpc.ClientDuplexStream<Request, Response> {
        return this.client(endpoint).makeBidiStreamRequest(
            method.path,
            method.requestSerialize,
            method.responseDeserialize,
            new grpc.Metadata(),
            { deadline: this.deadline(timeoutSeconds) },
        );
    }

    close(): void {
        for (const client of this.clients.values()) client.close();
        this.clients.clear();
    }
}

/** Runs `operation` with fresh connections and always closes them. */
export async function withConnections<T>(
    options: CallOptions | undefined,
    operation: (connections: Connections) => Promise<T>,
): Promise<T> {
    const connections = new Connections(options);
    try {
        return await operation(connections);
    } finally {
        connections.close();
    }
}

/** Turns a gRPC failure into a Fabric client error naming the endpoint. */
export function toFabricError(
    error: grpc.ServiceError | Error,
    endpoint: Endpoint,
    method: string,
    timeoutSeconds: number,
    txId?: string,
): FabricError {
    const where = describeEndpoint(endpoint);
    const code = (error as grpc.ServiceError).code;
    // grpc-js appends an empty "Resolution note:" to connection failures; it says nothing.
    const said = ((error as grpc.ServiceError).details ?? error.message).replace(/\s*Resolution note:\s*$/, "");
    const details = { txId, grpcStatus: code, cause: error };
    if (code === grpc.status.DEADLINE_EXCEEDED) return new FabricTimeoutError(where, timeoutSeconds, method, details);
    if (code === grpc.status.UNAVAILABLE && /Gateway\/Submit$/.test(method) && /orderer/i.test(said)) {
        // The peer answered: its gateway could not hand the transaction to the ordering service.
        const perOrderer = gatewayErrorDetails(error as grpc.ServiceError);
        return new FabricCallError(
            `the ordering service did not take the transaction: ${where} was reached and its gateway answered "${said}"` +
                `${perOrderer.length ? ` (${perOrderer.join("; ")})` : ""}. ` +
                "Check that the channel's orderers run and that the peer reaches them at the addresses in the channel configuration, " +
                `or set orderer (or orderers) to broadcast to them directly${txId ? ` [txid ${txId}]` : ""}`,
            where,
            code,
            said,
            details,
        );
    }
    if (code === grpc.status.UNAVAILABLE)
        return new FabricUnavailableError(where, method, said + connectionHint(said, endpoint), details);
    const peerMessage = [said, ...gatewayErrorDetails(error as grpc.ServiceError)].join("; ");
    const codeName = code === undefined ? "error" : `gRPC ${grpc.status[code] ?? code}`;
    // Through a gateway, the endorser's own answer ("chaincode response 500, …") is the status that says what happened.
    const chaincodeStatus = /chaincode response (\d{3})\b/.exec(peerMessage)?.[1];
    return new FabricCallError(
        `${where} answered ${method} with ${codeName}: ${peerMessage}${identityHint(peerMessage)}${txId ? ` [txid ${txId}]` : ""}`,
        where,
        chaincodeStatus === undefined ? code : Number(chaincodeStatus),
        peerMessage,
        details,
    );
}

/** What a peer's refusal of the signing identity most likely means. */
function identityHint(peerMessage: string): string {
    if (/creator is malformed/.test(peerMessage)) {
        return " (the peer could not read the signing certificate: is it issued by a CA of its MSP, and is its key one this Fabric verifies? P-256 and P-384 everywhere, Ed25519 from Fabric 3.0)";
    }
    return "";
}

/** A pointer to the setting that most likely causes a failed connection. */
function connectionHint(details: string, endpoint: Endpoint): string {
    if (/certificate required|alert bad certificate|alert unknown ca/i.test(details)) {
        return endpoint.clientCertPem
            ? " (the endpoint rejected the client TLS certificate: is it issued by a CA the endpoint trusts?)"
            : " (the endpoint requires mutual TLS: set clientCertPem and clientKeyPem)";
    }
    if (/unable to verify|self[- ]signed|unable to get local issuer/i.test(details)) {
        return " (the endpoint's TLS certificate is not signed by tlsCaPem: check that tlsCaPem is the CA of this endpoint's TLS certificate)";
    }
    if (/ALTNAME|does not match certificate/i.test(details)) {
        return " (the endpoint's TLS certificate does not name the host dialled: set hostOverride to a name in its SANs)";
    }
    if (/wrong version number|packet length too long|EPROTO/i.test(details)) {
        return endpoint.tlsCaPem ? " (the endpoint does not speak TLS: omit tlsCaPem)" : "";
    }
    if (/ENOTFOUND|EAI_AGAIN|Name resolution failed/i.test(details))
        return " (the host name does not resolve: check the address)";
    return "";
}

/**
 * The gateway puts each failing peer's own message (e.g. the chaincode's
 * error text) into `gateway.ErrorDetail`s inside the gRPC status details.
 */
function gatewayErrorDetails(error: grpc.ServiceError): string[] {
    const raw = error.metadata?.get("grpc-status-details-bin")?.[0];
    if (!raw || typeof raw === "string") return [];
    try {
        // Loaded lazily: only errors need the google.rpc.Status decoder.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        const { google, gateway } =
            require("@hyperledger/fabric-protos") as typeof import("@hyperledger/fabric-protos");
        const status = google.rpc.Status.deserializeBinary(raw);
        return status.getDetailsList().map((any) => {
            const detail = gateway.ErrorDetail.deserializeBinary(any.getValue_asU8());
            return `${detail.getAddress()} (${detail.getMspId()}): ${detail.getMessage()}`;
        });
    } catch {
        return [];
    }
}

function credentialsFor(endpoint: Endpoint): grpc.ChannelCredentials {
    if (!endpoint.tlsCaPem) {
        if (endpoint.clientCertPem || endpoint.clientKeyPem) {
            throw new RangeError(
                `endpoint ${endpoint.address}: a client certificate needs TLS, but no tlsCaPem was given`,
            );
        }
        // Signed requests never leave in plaintext by default: a missing CA is a mistake until said otherwise.
        if (endpoint.insecurePlaintext !== true) {
            throw new RangeError(
                `endpoint ${endpoint.address}: no tlsCaPem, so no TLS; plaintext gRPC is used only with insecurePlaintext: true (a test network without TLS)`,
            );
        }
        return grpc.credentials.createInsecure();
    }
    if (endpoint.insecurePlaintext === true) {
        throw new RangeError(`endpoint ${endpoint.address}: insecurePlaintext with a tlsCaPem; give one or the other`);
    }
    if (Boolean(endpoint.clientCertPem) !== Boolean(endpoint.clientKeyPem)) {
        throw new RangeError(`endpoint ${endpoint.address}: mutual TLS needs both clientCertPem and clientKeyPem`);
    }
    return grpc.credentials.createSsl(
        Buffer.from(endpoint.tlsCaPem),
        endpoint.clientKeyPem ? Buffer.from(endpoint.clientKeyPem) : null,
        endpoint.clientCertPem ? Buffer.from(endpoint.clientCertPem) : null,
    );
}

function channelOptions(endpoint: Endpoint): grpc.ChannelOptions {
    const options: grpc.ChannelOptions = {
        "grpc.keepalive_time_ms": KEEPALIVE_TIME_MS,
        "grpc.keepalive_timeout_ms": KEEPALIVE_TIMEOUT_MS,
        "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
        "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    };
    if (endpoint.hostOverride) {
        options["grpc.ssl_target_name_override"] = endpoint.hostOverride;
        options["grpc.default_authority"] = endpoint.hostOverride;
    }
    return options;
}

function connectionKey(endpoint: Endpoint): string {
    const hash = createHash("sha256");
    for (const part of [
        endpoint.address,
        endpoint.hostOverride,
        endpoint.tlsCaPem,
        endpoint.clientCertPem,
        endpoint.clientKeyPem,
    ]) {
        hash.update(part ?? "").update("\0");
    }
    return hash.digest("hex");
}
