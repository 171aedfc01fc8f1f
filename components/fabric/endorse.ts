/**
 * Endorsement: send one signed proposal to the chosen peers and require
 * that every one succeeds with byte-identical results.
 */
import { peer } from "@hyperledger/fabric-protos";
import { type Connections, describeEndpoint, type Endpoint } from "./grpc-connection";
import { EndorsementMismatchError, FabricCallError } from "./fabric-errors";
import type { BuiltProposal } from "./proposal";

export interface EndorsedProposal {
    readonly proposal: BuiltProposal;
    /** ProposalResponsePayload bytes, identical on every endorser. */
    readonly responsePayload: Uint8Array;
    /** One endorsement per distinct endorser. */
    readonly endorsements: peer.Endorsement[];
    /** What the invoked function returned (Response.payload). */
    readonly result: Uint8Array;
}

/** Fabric treats 200..399 as success (`shim.ERRORTHRESHOLD` is 400). */
export function isSuccessStatus(status: number): boolean {
    return status >= 200 && status < 400;
}

/** Sends the proposal to one peer; a non-success answer becomes a FabricCallError. */
export async function processProposal(
    connections: Connections,
    target: Endpoint,
    proposal: BuiltProposal,
): Promise<peer.ProposalResponse> {
    const response = await connections.unary(target, peer.EndorserService.processProposal, proposal.signedProposal, {
        txId: proposal.txId,
    });
    const status = response.getResponse()?.getStatus() ?? 0;
    if (!isSuccessStatus(status)) {
        const message = response.getResponse()?.getMessage() ?? "";
        const where = describeEndpoint(target);
        throw new FabricCallError(
            `peer ${where} rejected the proposal with status ${status}: ${message} [txid ${proposal.txId}]`,
            where,
            status,
            message,
            { txId: proposal.txId },
        );
    }
    return response;
}

/** Endorses on every target (in parallel) and checks the answers agree. */
export async function endorse(
    connections: Connections,
    targets: readonly Endpoint[],
    proposal: BuiltProposal,
): Promise<EndorsedProposal> {
    if (targets.length === 0) throw new RangeError("endorse: at least one endorsing peer is required");
    const settled = await Promise.allSettled(targets.map((target) => processProposal(connections, target, proposal)));
    const failures = settled.flatMap((outcome) => (outcome.status === "rejected" ? [outcome.reason as Error] : []));
    if (failures.length === 1) throw failures[0];
    if (failures.length > 1) {
        // Keep the first error's type and fields; its message lists every peer's failure.
        failures[0].message = failures.map((failure) => failure.message).join("\n");
        throw failures[0];
    }
    const responses = settled.map((outcome) => (outcome as PromiseFulfilledResult<peer.ProposalResponse>).value);

    const responsePayload = responses[0].getPayload_asU8();
    const differing = responses.some(
        (response) => !Buffer.from(response.getPayload_asU8()).equals(Buffer.from(responsePayload)),
    );
    if (differing) throw new EndorsementMismatchError(proposal.txId, targets.map(describeEndpoint));

    const seen = new Set<string>();
    const endorsements: peer.Endorsement[] = [];
    for (const response of responses) {
        const endorsement = response.getEndorsement();
        if (!endorsement) continue;
        const key = Buffer.from(endorsement.getEndorser_asU8()).toString("base64");
        if (seen.has(key)) continue;
        seen.add(key);
        endorsements.push(endorsement);
    }
    return {
        proposal,
        responsePayload,
        endorsements,
        result: responses[0].getResponse()?.getPayload_asU8() ?? new Uint8Array(),
    };
}
