/**
 * Handing a transaction envelope to the ordering service directly
 * (AtomicBroadcast/Broadcast), by the rules Fabric's own gateway follows:
 * a BFT channel's transaction goes to every listed orderer at once and is
 * accepted once a quorum of the channel's consenters accepted it; any other
 * consensus needs one orderer, tried in the order given.
 */
import { common, orderer } from "@hyperledger/fabric-protos";
import { type Connections, describeEndpoint, type Endpoint, toFabricError } from "./grpc-connection";
import { FabricCallError } from "./fabric-errors";
import { bftQuorum, type OrderingService } from "./ordering-service";

const BROADCAST_ATTEMPTS = 3;
/** What a BFT orderer answers for a transaction it already holds (sent to it directly and forwarded by another). */
const ALREADY_SUBMITTED = "failed to submit request: request already exists";

/**
 * Sends the envelope to `targets` as the channel's consensus requires (read
 * with `readService` only when there is more than one); throws naming every
 * orderer that failed and why.
 */
export async function broadcastToOrderingService(
    connections: Connections,
    targets: readonly Endpoint[],
    readService: () => Promise<OrderingService>,
    envelope: common.Envelope,
    txId: string,
): Promise<void> {
    if (targets.length === 1) return broadcast(connections, targets[0], envelope, txId);
    const service = await readService();
    if (service.consensusType === "BFT")
        return broadcastToQuorum(connections, targets, service.consenterCount, envelope, txId);
    return broadcastInOrder(connections, targets, envelope, txId);
}

/** One orderer after another until one accepts (Raft: any orderer forwards to the leader). */
async function broadcastInOrder(
    connections: Connections,
    targets: readonly Endpoint[],
    envelope: common.Envelope,
    txId: string,
): Promise<void> {
    const failures: string[] = [];
    for (const target of targets) {
        try {
            await broadcast(connections, target, envelope, txId);
            return;
        } catch (error) {
            failures.push((error as Error).message);
        }
    }
    throw new FabricCallError(
        `no orderer accepted transaction ${txId}; tried ${targets.length} in order:\n${failures.map((line) => `  ${line}`).join("\n")}`,
        targets.map(describeEndpoint).join(", "),
        undefined,
        failures.join("; "),
        { txId },
    );
}

/** Every orderer at once; done when `quorum` of the channel's consenters have accepted, failed once all have answered short of it. */
async function broadcastToQuorum(
    connections: Connections,
    targets: readonly Endpoint[],
    consenters: number,
    envelope: common.Envelope,
    txId: string,
): Promise<void> {
    const quorum = bftQuorum(consenters);
    const where = targets.map(describeEndpoint).join(", ");
    if (targets.length < quorum) {
        throw new FabricCallError(
            `cannot order transaction ${txId} on a BFT channel of ${consenters} consenters with ${targets.length} orderer(s) listed: ` +
                `${quorum} must accept it, so list at least ${quorum} of them`,
            where,
            undefined,
            "too few orderers listed for the BFT quorum",
            { txId },
        );
    }
    const failures: string[] = [];
    let accepted = 0;
    await new Promise<void>((resolve, reject) => {
        let pending = targets.length;
        const settle = () => {
            if (accepted >= quorum) resolve();
            // Every answer is in before failing, so the error says which orderers took the transaction.
            else if (pending === 0) {
                reject(
                    new FabricCallError(
                        `transaction ${txId} was accepted by ${accepted} of ${targets.length} orderer(s), but a BFT channel of ${consenters} consenters needs ${quorum}; ` +
                            "the orderers that took it may still order it once enough consenters are back, so start them and run again (a re-run converges):\n" +
                            failures.map((line) => `  ${line}`).join("\n"),
                        where,
                        undefined,
                        failures.join("; "),
                        { txId },
                    ),
                );
            }
        };
        for (const target of targets) {
            broadcast(connections, target, envelope, txId, { alreadySubmittedIsSuccess: true }).then(
                () => {
                    pending--;
                    accepted++;
                    settle();
                },
                (error: Error) => {
                    pending--;
                    failures.push(error.message);
                    settle();
                },
            );
        }
    });
}

/** Sends the envelope on AtomicBroadcast/Broadcast; retries while the orderer answers 503 (no leader yet). */
export async function broadcast(
    connections: Connections,
    target: Endpoint,
    envelope: common.Envelope,
    txId: string,
    options: { alreadySubmittedIsSuccess?: boolean } = {},
): Promise<void> {
    const where = describeEndpoint(target);
    for (let attempt = 1; ; attempt++) {
        const response = await broadcastOnce(connections, target, envelope, txId);
        const status = response.getStatus();
        if (status === common.Status.SUCCESS) return;
        if (
            status === common.Status.SERVICE_UNAVAILABLE &&
            options.alreadySubmittedIsSuccess &&
            response.getInfo() === ALREADY_SUBMITTED
        )
            return;
        if (status === common.Status.SERVICE_UNAVAILABLE && attempt < BROADCAST_ATTEMPTS) {
            await new Promise((resolve) => setTimeout(resolve, 1000 * attempt));
            continue;
        }
        throw new FabricCallError(
            `orderer ${where} refused transaction ${txId} with status ${status}: ${response.getInfo()}`,
            where,
            status,
            response.getInfo(),
            { txId },
        );
    }
}

function broadcastOnce(
    connections: Connections,
    target: Endpoint,
    envelope: common.Envelope,
    txId: string,
): Promise<orderer.BroadcastResponse> {
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
        stream.on("error", (error) =>
            finish(() => reject(toFabricError(error, target, method.path, connections.timeoutSeconds, txId))),
        );
        stream.on("end", () =>
            finish(() =>
                reject(
                    new FabricCallError(
                        `orderer ${where} closed the Broadcast stream without answering [txid ${txId}]`,
                        where,
                        undefined,
                        "stream closed",
                        { txId },
                    ),
                ),
            ),
        );
        stream.write(envelope);
    });
}
