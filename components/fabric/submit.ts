/**
 * Getting a signed transaction envelope ordered and learning its validation
 * code: through the peer gateway (Submit + CommitStatus, Fabric >= 2.4.4)
 * or through an orderer's Broadcast, watched with CommitStatus or
 * DeliverFiltered.
 */
import { common, gateway, orderer } from "@hyperledger/fabric-protos";
import { type CommitResult, requireValid } from "./commit-result";
import { type Connections, describeEndpoint, type Endpoint, toFabricError } from "./connection";
import { type CommitWatcher, openCommitWatcher } from "./deliver";
import { FabricCallError } from "./errors";
import type { SigningIdentity } from "./identity";

/** Where a transaction goes and how its outcome is observed. */
export interface SubmitOptions {
    /** Orderer to broadcast to. When absent the peer's gateway (`commitPeer`) submits it. */
    readonly orderer?: Endpoint;
    /** Peer whose gateway submits the transaction (without `orderer`) and reports its commit. Defaults to the first endorsing peer. */
    readonly commitPeer?: Endpoint;
    /** How the validation code is learned: "commitStatus" (gateway) or "deliver" (DeliverFiltered). Defaults to "commitStatus". */
    readonly waitVia?: "commitStatus" | "deliver";
    /** Seconds to wait for the commit after submission. Defaults to 120. */
    readonly commitTimeoutSeconds?: number;
}

export const DEFAULT_COMMIT_TIMEOUT_SECONDS = 120;
const BROADCAST_ATTEMPTS = 3;

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
        if (options.orderer) await broadcast(connections, options.orderer, envelope, txId);
        else await submitToGateway(connections, commitPeer, channel, txId, envelope);
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
    signed.setSignature(identity.sign(requestBytes));
    const response = await connections.unary(target, gateway.GatewayService.commitStatus, signed, { txId, timeoutSeconds });
    return { txId, blockNumber: response.getBlockNumber(), validationCode: response.getResult(), endpoint: describeEndpoint(target) };
}

/** Sends the envelope on AtomicBroadcast/Broadcast; retries while the orderer answers 503 (no leader yet). */
export async function broadcast(connections: Connections, target: Endpoint, envelope: common.Envelope, txId: string): Promise<void> {
    const where = describeEndpoint(target);
    for (let attempt = 1; ; attempt++) {
        const response = await broadcastOnce(connections, target, envelope, txId);
        const status = response.getStatus();
        if (status === common.Status.SUCCESS) return;
        if (status === common.Status.SERVICE_UNAVAILABLE && attempt < BROADCAST_ATTEMPTS) {
            await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
            continue;
        }
        throw new FabricCallError(
            `orderer ${where} refused transaction ${txId} with status ${status}: ${response.getInfo()}`,
            where,
            status,
            response.getInfo(),
            txId,
        );
    }
}

function broadcastOnce(connections: Connections, target: Endpoint, envelope: common.Envelope, txId: string): Promise<orderer.BroadcastResponse> {
    const method = orderer.AtomicBroadcastService.broadcast;
    const where = describeEndpoint(target);
    return new Promise((resolve, reject) => {
        const stream = connections.bidi(target, method);
        let settled = false;
        const finish = (outcome: () => void) => {
            if (settled) return;
            settled = true;
            stream.end();
            outcome();
        };
        stream.on("data", (response: orderer.BroadcastResponse) => finish(() => resolve(response)));
        stream.on("error", (error) => finish(() => reject(toFabricError(error, target, method.path, connections.timeoutSeconds, txId))));
        stream.on("end", () =>
            finish(() => reject(new FabricCallError(`orderer ${where} closed the Broadcast stream without answering [txid ${txId}]`, where, undefined, "stream closed", txId))),
        );
        stream.write(envelope);
    });
}
