/**
 * Errors raised by the Fabric client. Each one names the endpoint it was
 * talking to and, where one exists, the transaction ID, so a failure in a
 * deployment log can be traced to a peer log line. Secrets never appear here.
 */

/** What a Fabric client error carries besides its message. */
export interface FabricErrorDetails {
    /** The gRPC status code of the failed call, when the failure came back over gRPC. */
    readonly grpcStatus?: number;
    /** Transaction ID of the proposal or envelope, when there was one. */
    readonly txId?: string;
    /** The error this one was made from (a gRPC ServiceError, a Gateway client error). */
    readonly cause?: unknown;
}

/**
 * The base of every error the Fabric client raises, as fabric-gateway shapes
 * its own: `instanceof FabricError` catches them all, and each names the
 * endpoint, the gRPC status and the cause where there is one.
 */
export class FabricError extends Error {
    /** host:port (with its TLS name, if overridden) the client was talking to. */
    readonly endpoint: string;
    readonly grpcStatus: number | undefined;
    readonly txId: string | undefined;

    constructor(message: string, endpoint: string, details: FabricErrorDetails = {}) {
        super(message, details.cause === undefined ? undefined : { cause: details.cause });
        this.name = new.target.name;
        this.endpoint = endpoint;
        this.grpcStatus = details.grpcStatus;
        this.txId = details.txId;
    }
}

/** A peer or orderer answered, but not with success. */
export class FabricCallError extends FabricError {
    constructor(
        message: string,
        endpoint: string,
        /** Fabric status (e.g. 500, also as a gateway reports the endorser's "chaincode response 500"), else the gRPC status code, when one was given. */
        readonly status: number | undefined,
        /** The peer's or orderer's own message. */
        readonly peerMessage: string,
        details: FabricErrorDetails = {},
    ) {
        super(message, endpoint, details);
    }
}

/** A call did not finish before its deadline. */
export class FabricTimeoutError extends FabricError {
    constructor(
        endpoint: string,
        readonly seconds: number,
        readonly method: string,
        details: FabricErrorDetails = {},
    ) {
        super(
            `timed out after ${seconds}s calling ${endpoint} (${method})${details.txId ? ` [txid ${details.txId}]` : ""}`,
            endpoint,
            details,
        );
    }
}

/** The endpoint could not be reached at all (refused, DNS, TLS handshake). */
export class FabricUnavailableError extends FabricError {
    constructor(
        endpoint: string,
        readonly method: string,
        readonly detail: string,
        details: FabricErrorDetails = {},
    ) {
        super(`cannot reach ${endpoint} (${method}): ${detail}`, endpoint, details);
    }
}

/** The transaction was ordered but the peers marked it invalid. */
export class TransactionInvalidError extends FabricError {
    constructor(
        txId: string,
        readonly validationCode: number,
        readonly validationCodeName: string,
        endpoint: string,
        details: Omit<FabricErrorDetails, "txId"> = {},
    ) {
        super(
            `transaction ${txId} was committed as invalid: ${validationCodeName} (${validationCode}), reported by ${endpoint}`,
            endpoint,
            { ...details, txId },
        );
    }
}

/** Endorsing peers answered differently, so no transaction can be assembled. */
export class EndorsementMismatchError extends FabricError {
    constructor(
        txId: string,
        readonly endpoints: string[],
    ) {
        super(
            `endorsements for transaction ${txId} differ between peers ${endpoints.join(", ")}: ` +
                "their ledgers or chaincode definitions disagree (e.g. an org approved different content)",
            endpoints.join(", "),
            { txId },
        );
    }
}
