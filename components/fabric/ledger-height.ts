/**
 * How many blocks a peer holds of a channel: where a watch for a later
 * transaction starts, and what tests compare to see that nothing was sent.
 */
import { common } from "@hyperledger/fabric-protos";
import type { Connections, Endpoint } from "./grpc-connection";
import { processProposal } from "./endorse";
import type { SigningIdentity } from "./identity";
import { buildSignedProposal } from "./proposal";

export async function readLedgerHeight(
    connections: Connections,
    peer: Endpoint,
    identity: SigningIdentity,
    channel: string,
): Promise<number> {
    const proposal = await buildSignedProposal(identity, {
        channel: "",
        chaincodeName: "qscc",
        args: [Buffer.from("GetChainInfo"), Buffer.from(channel)],
    });
    const response = await processProposal(connections, peer, proposal);
    return common.BlockchainInfo.deserializeBinary(
        response.getResponse()?.getPayload_asU8() ?? new Uint8Array(),
    ).getHeight();
}
