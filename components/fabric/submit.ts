/**
 * Why not the Gateway client (@hyperledger/fabric-gateway): ordering through orderers directly, with the envelope assembled here, which its API cannot submit.
 *
 * Getting a signed transaction envelope ordered and learning its validation
 * code: through the peer gateway (Submit + CommitStatus, Fabric >= 2.4.4)
 * or through the orderers' Broadcast, watched with CommitStatus or
 * DeliverFiltered.
 */
import { type common, gateway } from "@hyperledger/fabric-protos";
import { broadcastToOrderingService } from "./broadcast";
import { type CommitResult, requireValid } from "./commit-result";
import { type Connections, describeEndpoint, type Endpoint } from "./connection";
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

export const DEFAULT_COMMIT_TIMEOUT_SECONDS = 120;

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
        if (orderers.length > 0) {
            const readService = () => readOrderingService(connections, commitPeer, identity, channel);
            await broadcastToOrderingService(connections, orderers, readService, envelope, txId);
        } else await submitToGateway(connections, commitPeer, channel, txId, envelope);
        const result = watcher
            ? await watcher.waitFor(txId)
            : await commitStatus(connections, commitPeer, identity, channel, txId, commitTimeout);
        return requireValid(result);
    } finally {
        watcher?.close();
    }
}

/** Hands a prepared transaction to the peer gateway, which forwards it to the channel's orderers. */
export async function submitToGateway(connections: Connections, target: Endpoint, channel: string, txId: string, envelope: common.Envelope): Promise<void> {
    const request = new gateway.SubmitRequest();
    request.setTransactionId(txId);
    request.setChannelId(channel);
    request.setPreparedTransaction(envelope);
    await connections.unary(target, gateway.GatewayService.submit, request, { txId });
}

/** Asks the peer gateway for the transaction's validation code; it answers once the block is committed. */
export async function commitStatus(
    connections: Connections,
    target: Endpoint,
    identity: SigningIdentity,
    channel: string,
    txId: string,
    timeoutSeconds: number,
): Promise<CommitResult> {
    const request = new gateway.CommitStatusRequest();
    request.setTransactionId(txId);
    request.setChannelId(channel);
    request.setIdentity(identity.creator);
    const requestBytes = request.serializeBinary();
    const signed = new gateway.SignedCommitStatusRequest();
    signed.setRequest(requestBytes);
    signed.setSignature(await identity.sign(requestBytes));
    const response = await connections.unary(target, gateway.GatewayService.commitStatus, signed, { txId, timeoutSeconds });
    return { txId, blockNumber: response.getBlockNumber(), validationCode: response.getResult(), endpoint: describeEndpoint(target) };
}
