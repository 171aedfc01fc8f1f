/**
 * Transaction assembly: endorsed proposal -> signed envelope, ready for the
 * orderer or the peer gateway.
 */
import { common, peer } from "@hyperledger/fabric-protos";
import type { EndorsedProposal } from "./endorse";
import type { SigningIdentity } from "./identity";

export function buildTransactionEnvelope(
    identity: SigningIdentity,
    endorsed: EndorsedProposal,
): Promise<common.Envelope> {
    const endorsedAction = new peer.ChaincodeEndorsedAction();
    endorsedAction.setProposalResponsePayload(endorsed.responsePayload);
    endorsedAction.setEndorsementsList(endorsed.endorsements);

    const actionPayload = new peer.ChaincodeActionPayload();
    actionPayload.setChaincodeProposalPayload(endorsed.proposal.payloadForTransaction);
    actionPayload.setAction(endorsedAction);

    const action = new peer.TransactionAction();
    action.setHeader(endorsed.proposal.signatureHeaderBytes);
    action.setPayload(actionPayload.serializeBinary());

    const transaction = new peer.Transaction();
    transaction.setActionsList([action]);

    const payload = new common.Payload();
    payload.setHeader(endorsed.proposal.header);
    payload.setData(transaction.serializeBinary());
    return signEnvelope(identity, payload.serializeBinary());
}

/** Wraps payload bytes in an envelope signed by the identity. */
export async function signEnvelope(identity: SigningIdentity, payloadBytes: Uint8Array): Promise<common.Envelope> {
    const envelope = new common.Envelope();
    envelope.setPayload(payloadBytes);
    envelope.setSignature(await identity.sign(payloadBytes));
    return envelope;
}
