/**
 * Why not the Gateway client (@hyperledger/fabric-gateway): after a broadcast straight to orderers there is no gateway submission to wait on.
 *
 * Waiting for a transaction's validation code on a peer's DeliverFiltered
 * stream (the alternative to the gateway's CommitStatus).
 */
import { X509Certificate } from "node:crypto";
import { common, orderer, peer } from "@hyperledger/fabric-protos";
import { type Connections, describeEndpoint, type Endpoint, toFabricError } from "./connection";
import { FabricCallError, FabricTimeoutError } from "./errors";
import type { SigningIdentity } from "./identity";
import { newTransactionContext, nowTimestamp } from "./proposal";
import { sha256 } from "./signing";
import { signEnvelope } from "./transaction";
import type { CommitResult } from "./commit-result";

const METHOD = peer.DeliverService.deliverFiltered.path;

/** A filtered-block stream positioned at the newest block, ready before anything is submitted. */
export interface CommitWatcher {
    /** Resolves with the validation code once a block carrying `txId` arrives. */
    waitFor(txId: string): Promise<CommitResult>;
    close(): void;
}

/**
 * Opens DeliverFiltered from the newest block and resolves once that block
 * arrived, so a transaction submitted afterwards cannot be missed.
 */
export async function openCommitWatcher(
    connections: Connections,
    target: Endpoint,
    identity: SigningIdentity,
    channel: string,
    timeoutSeconds: number,
): Promise<CommitWatcher> {
    const where = describeEndpoint(target);
    const stream = connections.bidi(target, peer.DeliverService.deliverFiltered, timeoutSeconds);
    const seen = new Map<string, CommitResult>();
    const waiting = new Map<string, (result: CommitResult) => void>();
    let failure: Error | undefined;
    const failed: Array<(error: Error) => void> = [];
    const fail = (error: Error) => {
        if (failure) return;
        failure = error;
        for (const reject of failed) reject(error);
    };

    let markReady: () => void = () => undefined;
    const ready = new Promise<void>((resolve, reject) => {
        markReady = resolve;
        failed.push(reject);
    });

    stream.on("data", (response: peer.DeliverResponse) => {
        const block = response.getFilteredBlock();
        if (block) {
            for (const transaction of block.getFilteredTransactionsList()) {
                const code = transaction.getTxValidationCode();
                const result: CommitResult = { txId: transaction.getTxid(), blockNumber: block.getNumber(), validationCode: code, endpoint: where };
                seen.set(result.txId, result);
                waiting.get(result.txId)?.(result);
            }
            markReady();
        } else if (response.getTypeCase() === peer.DeliverResponse.TypeCase.STATUS) {
            const status = response.getStatus();
            const name = Object.entries(common.Status).find(([, value]) => value === status)?.[0] ?? "UNKNOWN";
            const hint = status === common.Status.BAD_REQUEST && target.clientCertPem ? " (with mutual TLS the request must carry the client certificate's hash)" : "";
            fail(new FabricCallError(`peer ${where} ended the DeliverFiltered stream with status ${status} ${name}${hint}`, where, status, `status ${status} ${name}`));
        }
    });
    stream.on("error", (error) => fail(toFabricError(error, target, METHOD, timeoutSeconds)));
    stream.on("end", () => fail(new FabricCallError(`peer ${where} closed the DeliverFiltered stream`, where, undefined, "stream closed")));

    stream.write(await seekEnvelope(identity, channel, target));
    await ready;

    return {
        waitFor(txId: string): Promise<CommitResult> {
            const known = seen.get(txId);
            if (known) return Promise.resolve(known);
            return new Promise<CommitResult>((resolve, reject) => {
                if (failure) {
                    reject(failure instanceof FabricTimeoutError ? new FabricTimeoutError(where, timeoutSeconds, METHOD, txId) : failure);
                    return;
                }
                waiting.set(txId, resolve);
                failed.push((error) => reject(error instanceof FabricTimeoutError ? new FabricTimeoutError(where, timeoutSeconds, METHOD, txId) : error));
            });
        },
        close(): void {
            stream.cancel();
        },
    };
}

function seekEnvelope(identity: SigningIdentity, channel: string, target: Endpoint): Promise<common.Envelope> {
    const context = newTransactionContext(identity);
    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.DELIVER_SEEK_INFO);
    channelHeader.setChannelId(channel);
    channelHeader.setTxId(context.txId);
    channelHeader.setTimestamp(nowTimestamp());
    channelHeader.setEpoch(0);
    // With mutual TLS the peer binds the request to the client certificate of the connection.
    if (target.clientCertPem) channelHeader.setTlsCertHash(sha256(new X509Certificate(target.clientCertPem).raw));

    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(context.creator);
    signatureHeader.setNonce(context.nonce);

    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    header.setSignatureHeader(signatureHeader.serializeBinary());

    const start = new orderer.SeekPosition();
    start.setNewest(new orderer.SeekNewest());
    const stopAt = new orderer.SeekSpecified();
    stopAt.setNumber(Number.MAX_SAFE_INTEGER);
    const stop = new orderer.SeekPosition();
    stop.setSpecified(stopAt);
    const seekInfo = new orderer.SeekInfo();
    seekInfo.setStart(start);
    seekInfo.setStop(stop);
    seekInfo.setBehavior(orderer.SeekInfo.SeekBehavior.BLOCK_UNTIL_READY);

    const payload = new common.Payload();
    payload.setHeader(header);
    payload.setData(seekInfo.serializeBinary());
    return signEnvelope(identity, payload.serializeBinary());
}
