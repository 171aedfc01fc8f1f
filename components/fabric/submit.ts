/**
 * Why not the Gateway client (@hyperledger/fabric-gateway): it submits and watches the envelope assembled here, but cannot broadcast it to listed orderers, which this file chooses between.
 *
 * Getting a signed transaction envelope ordered and learning its validation
 * code: through the peer gateway (the Gateway client's prepared
 * transaction, Fabric >= 2.4.4) or through the orderers' Broadcast, watched
 * with the Gateway client's commit status or with DeliverFiltered.
 */
import type { Commit } from "@hyperledger/fabric-gateway";
import { type common, gateway } from "@hyperledger/fabric-protos";
import { broadcastToOrderingService } from "./broadcast";
import { type CommitResult, requireValid } from "./commit-result";
import { type Connections, describeEndpoint, type Endpoint } from "./connection";
import { DEFAULT_COMMIT_TIMEOUT_SECONDS, onGateway } from "./gateway";
import { type CommitWatcher, openCommitWatcher } from "./deliver";
import type { SigningIdentity } from "./identity";
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
    const watcher: CommitWatcher | undefined =
        options.waitVia === "deliver" ? await openCommitWatcher(connections, commitPeer, identity, channel, commitTimeout) : undefined;
    try {
        const orderers = options.orderers?.length ? options.orderers : options.orderer ? [options.orderer] : [];
        const result = await onGateway(connections, commitPeer, identity, commitTimeout, async (gateway): Promise<CommitResult> => {
            let commit: Commit;
            if (orderers.length > 0) {
                const readService = () => readOrderingService(connections, commitPeer, identity, channel);
                await broadcastToOrderingService(connections, orderers, readService, envelope, txId);
                commit = gateway.newCommit(commitStatusRequest(identity, channel, txId));
            } else {
                commit = await gateway.newTransaction(preparedTransaction(txId, envelope)).submit();
            }
            if (watcher) return watcher.waitFor(txId);
            const status = await commit.getStatus();
            return { txId, blockNumber: Number(status.blockNumber), validationCode: status.code, endpoint: describeEndpoint(commitPeer) };
        });
        return requireValid(result);
    } finally {
        watcher?.close();
    }
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
