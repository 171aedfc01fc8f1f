/**
 * Why not the Gateway client (@hyperledger/fabric-gateway): one error vocabulary for every path, naming the endpoint and the cause (its errors are turned into these).
 *
 * Errors raised by the Fabric client. Each one names the endpoint it was
 * talking to and, where one exists, the transaction ID, so a failure in a
 * deployment log can be traced to a peer log line. Secrets never appear here.
 */

/** A peer or orderer answered, but not with success. */
export class FabricCallError extends Error {
    constructor(
        message: string,
        /** host:port that answered. */
        readonly endpoint: string,
        /** Fabric status (e.g. 500, also as a gateway reports the endorser's "chaincode response 500"), else the gRPC status code, when one was given. */
        readonly status: number | undefined,
        /** The peer's or orderer's own message. */
        readonly peerMessage: string,
        /** Transaction ID of the proposal or envelope, when there was one. */
        readonly txId?: string,
    ) {
        super(message);
        this.name = "FabricCallError";
    }
}

/** A call did not finish before its deadline. */
export class FabricTimeoutError extends Error {
    constructor(
        readonly endpoint: string,
        readonly seconds: number,
        readonly method: string,
        readonly txId?: string,
    ) {
        super(`timed out after ${seconds}s calling ${endpoint} (${method})${txId ? ` [txid ${txId}]` : ""}`);
        this.name = "FabricTimeoutError";
    }
}

/** The endpoint could not be reached at all (refused, DNS, TLS handshake). */
export class FabricUnavailableError extends Error {
    constructor(
        readonly endpoint: string,
        readonly method: string,
        readonly detail: string,
    ) {
        super(`cannot reach ${endpoint} (${method}): ${detail}`);
        this.name = "FabricUnavailableError";
    }
}

/** The transaction was ordered but the peers marked it invalid. */
export class TransactionInvalidError extends Error {
    constructor(
        readonly txId: string,
        readonly validationCode: number,
        readonly validationCodeName: string,
        readonly endpoint: string,
    ) {
        super(`transaction ${txId} was committed as invalid: ${validationCodeName} (${validationCode}), reported by ${endpoint}`);
        this.name = "TransactionInvalidError";
    }
}

/** Endorsing peers answered differently, so no transaction can be assembled. */
export class EndorsementMismatchError extends Error {
    constructor(
        readonly txId: string,
        readonly endpoints: string[],
    ) {
        super(
            `endorsements for transaction ${txId} differ between peers ${endpoints.join(", ")}: ` +
                "their ledgers or chaincode definitions disagree (e.g. an org approved different content)",
        );
        this.name = "EndorsementMismatchError";
    }
}
