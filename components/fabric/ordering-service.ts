/**
 * What a channel's config says about its ordering service: the consensus
 * type and, for BFT, how many consenters there are. Read from a peer's
 * configuration system chaincode (cscc GetChannelConfig, allowed to the
 * channel's Readers), because how a client must broadcast depends on it.
 */
import { common, orderer } from "@hyperledger/fabric-protos";
import type { Connections, Endpoint } from "./grpc-connection";
import { processProposal } from "./endorse";
import type { SigningIdentity } from "./identity";
import { buildSignedProposal } from "./proposal";

export interface OrderingService {
    /** "etcdraft", "BFT" (or "solo", "kafka" on old channels). */
    readonly consensusType: string;
    /** Consenters in the channel's BFT consenter mapping; 0 for other consensus types. */
    readonly consenterCount: number;
}

/** The ordering service of a decoded channel config. */
export function orderingServiceOf(config: common.Config): OrderingService {
    const ordererGroup = config.getChannelGroup()?.getGroupsMap().get("Orderer");
    const consensusValue = ordererGroup?.getValuesMap().get("ConsensusType");
    if (!consensusValue) throw new Error("the channel config has no Orderer/ConsensusType value");
    const consensusType = orderer.ConsensusType.deserializeBinary(consensusValue.getValue_asU8()).getType();
    const orderersValue = ordererGroup?.getValuesMap().get("Orderers");
    const consenterCount = orderersValue
        ? common.Orderers.deserializeBinary(orderersValue.getValue_asU8()).getConsenterMappingList().length
        : 0;
    return { consensusType, consenterCount };
}

/** Asks `peer` for the channel's current config and reads its ordering service. */
export async function readOrderingService(
    connections: Connections,
    peer: Endpoint,
    identity: SigningIdentity,
    channel: string,
): Promise<OrderingService> {
    const proposal = await buildSignedProposal(identity, {
        channel: "",
        chaincodeName: "cscc",
        args: [Buffer.from("GetChannelConfig"), Buffer.from(channel)],
    });
    const response = await processProposal(connections, peer, proposal);
    const payload = response.getResponse()?.getPayload_asU8() ?? new Uint8Array();
    return orderingServiceOf(common.Config.deserializeBinary(payload));
}

/**
 * How many of N BFT consenters must accept a transaction: Fabric's quorum
 * for N nodes tolerating f = floor((N-1)/3) faults, ceil((N + f + 1) / 2),
 * so that any two quorums share at least f+1 nodes.
 */
export function bftQuorum(consenters: number): number {
    const faults = Math.floor((consenters - 1) / 3);
    return Math.ceil((consenters + faults + 1) / 2);
}
