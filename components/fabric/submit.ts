/**
 * Getting a signed transaction envelope ordered and learning its validation
 * code: through the peer gateway (the Gateway client's prepared
 * transaction, Fabric >= 2.4.4) or through the orderers' Broadcast, watched
 * with the Gateway client's commit status or its filtered block events.
 */
import { type CloseableAsyncIterable, type Commit, GatewayError, type Network } from "@hyperledger/fabric-gateway";
import { common, type peer as fabricPeer, gateway } from "@hyperledger/fabric-protos";
import { broadcastToOrderingService } from "./broadcast";
import { type CommitResult, requireValid } from "./commit-result";
import { type Connections, describeEndpoint, type Endpoint, toFabricError } from "./grpc-connection";
import { DEFAULT_COMMIT_TIMEOUT_SECONDS, onGateway } from "./gateway";
import { FabricCallError } from "./fabric-errors";
import type { SigningIdentity } from "./identity";
import { readLedgerHeight } from "./ledger-height";
import { readOrderingService } from "./ordering-service";

/** Where a transaction goes and how its outcome is observed. */
export interface SubmitOptions {
    /** Orderer to broadcast to. When absent (and no `orderers`) the peer's gateway (`commitPeer`) submits it. */
    readonly orderer?: Endpoint;
    /**
     * Orderers to broadcast to, instead of `orderer`: on a BFT channel all at
     * once, until a quorum of its consenters accepted; otherwise in this order
     * until one accepts. The channel's consensus is read from `commitPeer`.
     */
    readonly orderers?: readonly Endpoint[];
    /** Peer whose gateway submits the transaction (without `orderer`) and reports its commit. Defaults to the first endorsing peer. */
    readonly commitPeer?: Endpoint;
    /** How the validation code is learned: "commitStatus" (gateway) or "deliver" (DeliverFiltered). Defaults to "commitStatus". */
    readonly waitVia?: "commitStatus" | "deliver";
    /** Seconds to wait for the commit after submission. Defaults to 120. */
    readonly commitTimeoutSeconds?: number;
}

/** Submits the envelope and waits until the commit peer reports it VALID; otherwise throws. */
export async function submitAndWait(
    connections: Connections,
    identity: SigningIdentity,
    channel: string,
    txId: string,
    envelope: common.Envelope,
    commitPeer: Endpoint,
    options: SubmitOptions = {},
): Promise<CommitResult> {
    const commitTimeout = options.commitTimeoutSeconds ?? DEFAULT_COMMIT_TIMEOUT_SECONDS;
    // Read before submitting: the transaction lands in this block or a later one.
    const watchFrom =
        options.waitVia === "deliver" ? await readLedgerHeight(connections, commitPeer, identity, channel) : undefined;
    const orderers = options.orderers?.length ? options.orderers : options.orderer ? [options.orderer] : [];
    const result = await onGateway(
        connections,
        commitPeer,
        identity,
        commitTimeout,
        async (gateway): Promise<CommitResult> => {
            let commit: Commit;
            if (orderers.length > 0) {
                const readService = () => readOrderingService(connections, commitPeer, identity, channel);
                await broadcastToOrderingService(connections, orderers, readService, envelope, txId);
                commit = gateway.newCommit(commitStatusRequest(identity, channel, txId));
            } else {
                commit = await gateway.newTransaction(preparedTransaction(txId, envelope)).submit();
            }
            if (watchFrom !== undefined)
                return findInBlocks(gateway.getNetwork(channel), txId, watchFrom, commitPeer, commitTimeout);
            const status = await commit.getStatus();
            return {
                txId,
                blockNumber: Number(status.blockNumber),
                validationCode: status.code,
                endpoint: describeEndpoint(commitPeer),
            };
        },
    );
    return requireValid(result);
}

const DELIVER_FILTERED = "/protos.Deliver/DeliverFiltered";

/** Reads the peer's filtered blocks from `startBlock` (the Gateway client's block events) until the transaction's. */
async function findInBlocks(
    network: Network,
    txId: string,
    startBlock: number,
    peer: Endpoint,
    timeoutSeconds: number,
): Promise<CommitResult> {
    const where = describeEndpoint(peer);
    let blocks: CloseableAsyncIterable<fabricPeer.FilteredBlock> | undefined;
    try {
        blocks = await network.getFilteredBlockEvents({ startBlock: BigInt(startBlock) });
        for await (const block of blocks) {
            const transaction = block.getFilteredTransactionsList().find((candidate) => candidate.getTxid() === txId);
            if (transaction)
                return {
                    txId,
                    blockNumber: block.getNumber(),
                    validationCode: transaction.getTxValidationCode(),
                    endpoint: where,
                };
        }
        throw new FabricCallError(
            `peer ${where} closed the DeliverFiltered stream before transaction ${txId}`,
            where,
            undefined,
            "stream closed",
            { txId },
        );
    } catch (error) {
        throw deliverError(error, peer, timeoutSeconds, txId);
    } finally {
        blocks?.close();
    }
}

function deliverError(error: unknown, peer: Endpoint, timeoutSeconds: number, txId: string): unknown {
    if (error instanceof FabricCallError) return error;
    const where = describeEndpoint(peer);
    const status = /^Unexpected status response: (\d+)$/.exec(error instanceof Error ? error.message : "");
    if (status) {
        const code = Number(status[1]);
        const name = Object.entries(common.Status).find(([, value]) => value === code)?.[0] ?? "UNKNOWN";
        const hint =
            code === common.Status.BAD_REQUEST && peer.clientCertPem
                ? " (with mutual TLS the request must carry the client certificate's hash)"
                : "";
        return new FabricCallError(
            `peer ${where} ended the DeliverFiltered stream with status ${code} ${name}${hint}`,
            where,
            code,
            `status ${code} ${name}`,
            { txId, cause: error },
        );
    }
    return toFabricError(
        (error instanceof GatewayError ? error.cause : error) as Error,
        peer,
        DELIVER_FILTERED,
        timeoutSeconds,
        txId,
    );
}

/** The envelope (already signed) as the Gateway client takes a prepared transaction. */
function preparedTransaction(txId: string, envelope: common.Envelope): Uint8Array {
    const prepared = new gateway.PreparedTransaction();
    prepared.setTransactionId(txId);
    prepared.setEnvelope(envelope);
    return prepared.serializeBinary();
}

/** An unsigned commit status request for a transaction ordered outside the gateway; the Gateway client signs it. */
function commitStatusRequest(identity: SigningIdentity, channel: string, txId: string): Uint8Array {
    const request = new gateway.CommitStatusRequest();
    request.setTransactionId(txId);
    request.setChannelId(channel);
    request.setIdentity(identity.creator);
    const signed = new gateway.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    return signed.serializeBinary();
}
