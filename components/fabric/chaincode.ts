/**
 * Calling ordinary chaincode functions through a peer's gateway service:
 * Evaluate for queries, Endorse + Submit + CommitStatus for transactions.
 * A chaincode's own error text (e.g. "the asset X does not exist") comes
 * back in the error message.
 */
import { common, gateway, peer } from "@hyperledger/fabric-protos";
import type { CommitResult } from "./commit-result";
import { type CallOptions, type Endpoint, withConnections } from "./connection";
import { processProposal } from "./endorse";
import { FabricCallError } from "./errors";
import { asSigningIdentity, type IdentityInput } from "./identity-input";
import { buildSignedProposal } from "./proposal";
import { submitAndWait, type SubmitOptions } from "./submit";
import { signEnvelope } from "./transaction";

export interface ChaincodeCall extends CallOptions {
    /** The peer whose gateway runs the call. */
    readonly peer: Endpoint;
    /** A channel member identity (e.g. a client user). */
    readonly identity: IdentityInput;
    readonly channel: string;
    /** Chaincode name as committed on the channel. */
    readonly chaincode: string;
    /** Function name, e.g. "GetAllAssets". */
    readonly fn: string;
    /** Arguments; strings are sent as UTF-8. Defaults to none. */
    readonly args?: ReadonlyArray<string | Uint8Array>;
    /** Private inputs (not written to the ledger). */
    readonly transient?: Readonly<Record<string, Uint8Array>>;
}

export interface SubmitResult extends CommitResult {
    /** What the function returned. */
    readonly result: Buffer;
}

/** Runs a read-only function on the gateway peer (or `targetOrganizations`' peers) and returns its result. */
export async function evaluate(call: ChaincodeCall & { readonly targetOrganizations?: readonly string[] }): Promise<Buffer> {
    const identity = asSigningIdentity(call.identity);
    return withConnections(call, async (connections) => {
        const proposal = buildSignedProposal(identity, proposalSpec(call));
        const request = new gateway.EvaluateRequest();
        request.setTransactionId(proposal.txId);
        request.setChannelId(call.channel);
        request.setProposedTransaction(proposal.signedProposal);
        request.setTargetOrganizationsList([...(call.targetOrganizations ?? [])]);
        const response = await connections.unary(call.peer, gateway.GatewayService.evaluate, request, { txId: proposal.txId });
        return Buffer.from(response.getResult()?.getPayload_asU8() ?? new Uint8Array());
    });
}

/**
 * Runs a read-only function on exactly this peer (Endorser/ProcessProposal,
 * no gateway), so the answer shows whether this peer itself reaches the
 * chaincode. Nothing is submitted.
 */
export async function evaluateOnPeer(call: ChaincodeCall): Promise<Buffer> {
    const identity = asSigningIdentity(call.identity);
    return withConnections(call, async (connections) => {
        const proposal = buildSignedProposal(identity, proposalSpec(call));
        const response = await processProposal(connections, call.peer, proposal);
        return Buffer.from(response.getResponse()?.getPayload_asU8() ?? new Uint8Array());
    });
}

/**
 * Endorses through the gateway (it picks peers that satisfy the policy,
 * or `endorsingOrganizations`), submits, and waits until the transaction
 * is committed as VALID.
 */
export async function submit(call: ChaincodeCall & { readonly endorsingOrganizations?: readonly string[]; readonly submit?: SubmitOptions }): Promise<SubmitResult> {
    const identity = asSigningIdentity(call.identity);
    return withConnections(call, async (connections) => {
        const proposal = buildSignedProposal(identity, proposalSpec(call));
        const request = new gateway.EndorseRequest();
        request.setTransactionId(proposal.txId);
        request.setChannelId(call.channel);
        request.setProposedTransaction(proposal.signedProposal);
        request.setEndorsingOrganizationsList([...(call.endorsingOrganizations ?? [])]);
        const response = await connections.unary(call.peer, gateway.GatewayService.endorse, request, { txId: proposal.txId });
        const prepared = response.getPreparedTransaction();
        if (!prepared) {
            throw new FabricCallError(`gateway ${call.peer.address} returned no prepared transaction [txid ${proposal.txId}]`, call.peer.address, undefined, "empty EndorseResponse", proposal.txId);
        }
        const envelope = signEnvelope(identity, prepared.getPayload_asU8());
        const result = transactionResult(envelope);
        const committed = await submitAndWait(connections, identity, call.channel, proposal.txId, envelope, call.submit?.commitPeer ?? call.peer, call.submit);
        return { ...committed, result };
    });
}

function proposalSpec(call: ChaincodeCall) {
    return {
        channel: call.channel,
        chaincodeName: call.chaincode,
        args: [call.fn, ...(call.args ?? [])].map((arg) => (typeof arg === "string" ? Buffer.from(arg, "utf8") : arg)),
        transient: call.transient,
    };
}

/** The function's return value, read out of the endorsed transaction. */
function transactionResult(envelope: common.Envelope): Buffer {
    const payload = common.Payload.deserializeBinary(envelope.getPayload_asU8());
    const transaction = peer.Transaction.deserializeBinary(payload.getData_asU8());
    const action = transaction.getActionsList()[0];
    if (!action) return Buffer.alloc(0);
    const actionPayload = peer.ChaincodeActionPayload.deserializeBinary(action.getPayload_asU8());
    const responsePayload = peer.ProposalResponsePayload.deserializeBinary(actionPayload.getAction()?.getProposalResponsePayload_asU8() ?? new Uint8Array());
    const chaincodeAction = peer.ChaincodeAction.deserializeBinary(responsePayload.getExtension_asU8());
    return Buffer.from(chaincodeAction.getResponse()?.getPayload_asU8() ?? new Uint8Array());
}
