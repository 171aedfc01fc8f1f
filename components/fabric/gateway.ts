/**
 * The official Fabric Gateway client (`@hyperledger/fabric-gateway`) on
 * this library's endpoint settings: the same TLS, host override, mutual TLS
 * (whose certificate hash the gateway binds into its requests), keepalive
 * and deadlines as every other call, and a signing identity of any key type
 * Fabric verifies. Its failures become this library's errors, naming the
 * endpoint and the cause.
 */
import { X509Certificate } from "node:crypto";
import {
    CommitError,
    CommitStatusError,
    connect,
    type Contract,
    EndorseError,
    type Gateway,
    GatewayError,
    hash,
    type ProposalOptions,
} from "@hyperledger/fabric-gateway";
import { type CallOptions, Connections, describeEndpoint, type Endpoint, toFabricError } from "./grpc-connection";
import { TransactionInvalidError } from "./fabric-errors";
import type { SigningIdentity } from "./identity";
import { asSigningIdentity, type IdentityInput } from "./identity-input";
import { type CommitResult, requireValid, validationCodeName } from "./commit-result";
import { sha256 } from "./signing";

export interface GatewayCall extends CallOptions {
    /** The peer whose gateway service is used. */
    readonly peer: Endpoint;
    readonly identity: IdentityInput;
    /** How long CommitStatus may wait for the block, seconds. Defaults to 120, as every submission. */
    readonly commitTimeoutSeconds?: number;
}

/** How long CommitStatus waits for the block by default, seconds. */
export const DEFAULT_COMMIT_TIMEOUT_SECONDS = 120;

/** Runs `operation` on a gateway connected to `call.peer`; closes it after, and turns its failures into this library's errors. */
export async function withGateway<T>(call: GatewayCall, operation: (gateway: Gateway) => Promise<T>): Promise<T> {
    const connections = new Connections(call);
    try {
        return await onGateway(
            connections,
            call.peer,
            asSigningIdentity(call.identity),
            call.commitTimeoutSeconds,
            operation,
        );
    } finally {
        connections.close();
    }
}

/** As withGateway, on a connection set the caller opened and closes. */
export async function onGateway<T>(
    connections: Connections,
    peer: Endpoint,
    identity: SigningIdentity,
    commitTimeoutSeconds: number | undefined,
    operation: (gateway: Gateway) => Promise<T>,
): Promise<T> {
    const commitTimeout = commitTimeoutSeconds ?? DEFAULT_COMMIT_TIMEOUT_SECONDS;
    const deadline =
        (seconds = connections.timeoutSeconds) =>
        () => ({ deadline: connections.deadline(seconds) });
    const gateway = connect({
        client: connections.client(peer),
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certPem) },
        // The identity signs the whole message as Fabric verifies its key type (SHA-256 first for ECDSA), so the gateway hashes nothing.
        signer: (message) => identity.sign(message),
        hash: hash.none,
        tlsClientCertificateHash: peer.clientCertPem ? sha256(new X509Certificate(peer.clientCertPem).raw) : undefined,
        evaluateOptions: deadline(),
        endorseOptions: deadline(),
        submitOptions: deadline(),
        commitStatusOptions: deadline(commitTimeout),
        filteredBlockEventsOptions: deadline(commitTimeout),
    });
    try {
        return await operation(gateway);
    } catch (error) {
        throw fromGatewayError(error, peer, connections.timeoutSeconds, commitTimeout);
    } finally {
        gateway.close();
    }
}

/**
 * Endorses and submits `fn` through the contract's gateway and waits for the
 * commit; returns what the function returned with the commit, which must be
 * VALID. `peer` is the gateway's, named in the result.
 */
export async function submitAndCommit(
    contract: Contract,
    fn: string,
    options: ProposalOptions,
    peer: Endpoint,
): Promise<CommitResult & { readonly result: Buffer }> {
    const submitted = await contract.submitAsync(fn, options);
    const status = await submitted.getStatus();
    const committed = requireValid({
        txId: status.transactionId,
        blockNumber: Number(status.blockNumber),
        validationCode: status.code,
        endpoint: describeEndpoint(peer),
    });
    return { ...committed, result: Buffer.from(submitted.getResult()) };
}

/** The gateway method a Gateway client error came from, for the message. */
function methodOf(error: GatewayError): string {
    if (error instanceof EndorseError) return "/gateway.Gateway/Endorse";
    // The package exports SubmitError as a type only.
    if (error.name === "SubmitError") return "/gateway.Gateway/Submit";
    if (error instanceof CommitStatusError) return "/gateway.Gateway/CommitStatus";
    return "/gateway.Gateway/Evaluate";
}

function fromGatewayError(
    error: unknown,
    peer: Endpoint,
    timeoutSeconds: number,
    commitTimeoutSeconds: number,
): unknown {
    if (error instanceof CommitError) {
        return new TransactionInvalidError(
            error.transactionId,
            error.code,
            validationCodeName(error.code),
            describeEndpoint(peer),
            { cause: error },
        );
    }
    if (error instanceof GatewayError) {
        const txId = "transactionId" in error ? String(error.transactionId) : undefined;
        const seconds = error instanceof CommitStatusError ? commitTimeoutSeconds : timeoutSeconds;
        return toFabricError(error.cause, peer, methodOf(error), seconds, txId);
    }
    return error;
}
