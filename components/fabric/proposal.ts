/**
 * Signed proposals: the request a client sends to a peer's endorser, for
 * `_lifecycle` and for ordinary chaincode alike.
 */
import { randomBytes } from "node:crypto";
import { common, peer } from "@hyperledger/fabric-protos";
import { Timestamp } from "google-protobuf/google/protobuf/timestamp_pb";
import type { SigningIdentity } from "./identity";
import { sha256 } from "./signing";

/** Nonce, creator and the transaction ID derived from both. */
interface TransactionContext {
    readonly nonce: Buffer;
    readonly creator: Buffer;
    readonly txId: string;
}

/** The peer recomputes this and rejects a proposal whose tx_id differs. */
export function computeTxId(nonce: Uint8Array, creator: Uint8Array): string {
    return sha256(nonce, creator).toString("hex");
}

function newTransactionContext(identity: SigningIdentity): TransactionContext {
    const nonce = randomBytes(24);
    return { nonce, creator: identity.creator, txId: computeTxId(nonce, identity.creator) };
}

export interface ProposalSpec {
    /** Channel name; "" for the peer-local lifecycle calls (install, query installed). */
    readonly channel: string;
    /** Chaincode to invoke, e.g. "_lifecycle" or "basic". */
    readonly chaincodeName: string;
    /** Function name followed by its arguments. */
    readonly args: readonly Uint8Array[];
    /** Private inputs: sent to the endorsers, never written to the ledger. */
    readonly transient?: Readonly<Record<string, Uint8Array>>;
    /** Marks the call as the chaincode's Init (for definitions with initRequired). */
    readonly isInit?: boolean;
}

/** Everything transaction assembly needs later, plus the message to send. */
export interface BuiltProposal {
    readonly txId: string;
    readonly channel: string;
    readonly header: common.Header;
    readonly signatureHeaderBytes: Uint8Array;
    /** ChaincodeProposalPayload without the transient map, as it goes into the transaction. */
    readonly payloadForTransaction: Uint8Array;
    readonly signedProposal: peer.SignedProposal;
}

export async function buildSignedProposal(identity: SigningIdentity, spec: ProposalSpec): Promise<BuiltProposal> {
    const context = newTransactionContext(identity);

    const chaincodeId = new peer.ChaincodeID();
    chaincodeId.setName(spec.chaincodeName);

    const extension = new peer.ChaincodeHeaderExtension();
    extension.setChaincodeId(chaincodeId);

    const channelHeader = new common.ChannelHeader();
    channelHeader.setType(common.HeaderType.ENDORSER_TRANSACTION);
    channelHeader.setTimestamp(nowTimestamp());
    channelHeader.setChannelId(spec.channel);
    channelHeader.setTxId(context.txId);
    channelHeader.setEpoch(0);
    channelHeader.setExtension$(extension.serializeBinary());

    const signatureHeader = new common.SignatureHeader();
    signatureHeader.setCreator(context.creator);
    signatureHeader.setNonce(context.nonce);
    const signatureHeaderBytes = signatureHeader.serializeBinary();

    const header = new common.Header();
    header.setChannelHeader(channelHeader.serializeBinary());
    header.setSignatureHeader(signatureHeaderBytes);

    const input = new peer.ChaincodeInput();
    input.setArgsList([...spec.args]);
    if (spec.isInit) input.setIsInit(true);
    const chaincodeSpec = new peer.ChaincodeSpec();
    chaincodeSpec.setChaincodeId(chaincodeId);
    chaincodeSpec.setInput(input);
    const invocationSpec = new peer.ChaincodeInvocationSpec();
    invocationSpec.setChaincodeSpec(chaincodeSpec);

    const payload = new peer.ChaincodeProposalPayload();
    payload.setInput(invocationSpec.serializeBinary());
    const payloadForTransaction = payload.serializeBinary();
    for (const [key, value] of Object.entries(spec.transient ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        payload.getTransientmapMap().set(key, value);
    }

    const proposal = new peer.Proposal();
    proposal.setHeader(header.serializeBinary());
    proposal.setPayload(payload.serializeBinary());
    const proposalBytes = proposal.serializeBinary();

    const signedProposal = new peer.SignedProposal();
    signedProposal.setProposalBytes(proposalBytes);
    signedProposal.setSignature(await identity.sign(proposalBytes));

    return {
        txId: context.txId,
        channel: spec.channel,
        header,
        signatureHeaderBytes,
        payloadForTransaction,
        signedProposal,
    };
}

function nowTimestamp(): Timestamp {
    const millis = Date.now();
    const timestamp = new Timestamp();
    timestamp.setSeconds(Math.floor(millis / 1000));
    timestamp.setNanos((millis % 1000) * 1_000_000);
    return timestamp;
}
