import { type ChaincodeInterface, type ChaincodeServerOpts, Shim } from "fabric-shim";
import type { ServerConfig } from "./server-config";

/** The parts of @grpc/grpc-js's Server used to stop it. */
interface StoppableGrpcServer {
    tryShutdown(callback: (error?: Error) => void): void;
    forceShutdown(): void;
}

export interface RunningChaincodeServer {
    /**
     * Stops accepting connections, lets calls finish for up to graceMs, then
     * cuts what is left (a peer keeps its chat stream open indefinitely).
     */
    close(graceMs: number): Promise<void>;
}

/**
 * gRPC options of fabric-chaincode-node's own `server` command: keepalive
 * pings every 110 s (peers reject pings more often than every 60 s) and no
 * message size limit.
 */
const GRPC_OPTIONS = {
    "grpc.max_send_message_length": -1,
    "grpc.max_receive_message_length": -1,
    "grpc.keepalive_time_ms": 110000,
    "grpc.http2.min_time_between_pings_ms": 110000,
    "grpc.keepalive_timeout_ms": 20000,
    "grpc.http2.max_pings_without_data": 0,
    "grpc.keepalive_permit_without_calls": 1,
} as const;

/** Listens on config.address; resolves once bound, rejects naming the address when it cannot bind. */
export async function startChaincodeServer(config: ServerConfig, chaincode: ChaincodeInterface): Promise<RunningChaincodeServer> {
    // lib/server.js (2.5.8) treats tlsProps and tlsProps.clientCACerts as optional
    // (plaintext / no client auth); its typings mark both required.
    const tlsProps =
        config.tls === undefined
            ? undefined
            : { key: config.tls.key, cert: config.tls.cert, ...(config.tls.clientCaCerts && { clientCACerts: config.tls.clientCaCerts }) };
    const options = { ccid: config.chaincodeId, address: config.address, tlsProps, ...GRPC_OPTIONS };
    const chaincodeServer = Shim.server(chaincode, options as ChaincodeServerOpts);
    const grpcServer = grpcServerOf(chaincodeServer);
    try {
        await chaincodeServer.start();
    } catch (error) {
        const source = config.addressVariable ?? "the default address";
        throw new Error(`cannot listen on ${config.address} (${source}): ${(error as Error).message}`);
    }
    return { close: (graceMs) => shutDown(grpcServer, graceMs) };
}

/** ChaincodeServer 2.5.8 has no stop(); its gRPC server is the `_server` field (lib/server.js). */
function grpcServerOf(chaincodeServer: object): StoppableGrpcServer {
    const candidate = (chaincodeServer as { _server?: Partial<StoppableGrpcServer> })._server;
    if (typeof candidate?.tryShutdown !== "function" || typeof candidate.forceShutdown !== "function") {
        throw new Error("fabric-shim's ChaincodeServer no longer exposes its gRPC server as _server; update grpcServerOf for this fabric-shim version");
    }
    return candidate as StoppableGrpcServer;
}

function shutDown(grpcServer: StoppableGrpcServer, graceMs: number): Promise<void> {
    return new Promise((resolve) => {
        const deadline = setTimeout(() => {
            grpcServer.forceShutdown();
            resolve();
        }, graceMs);
        grpcServer.tryShutdown(() => {
            clearTimeout(deadline);
            resolve();
        });
    });
}
