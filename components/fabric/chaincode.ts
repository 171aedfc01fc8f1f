/**
 * Calling ordinary chaincode functions: evaluate and submit go through the
 * official Gateway client (`@hyperledger/fabric-gateway`); evaluateOnPeer
 * stays a ProcessProposal to exactly one peer, because the Gateway API
 * chooses the peer itself and the smoke check must reach each one. A
 * chaincode's own error text (e.g. "the asset X does not exist") comes back
 * in the error message.
 */
import type { CommitResult } from "./commit-result";
import { type CallOptions, type Endpoint, withConnections } from "./grpc-connection";
import { processProposal } from "./endorse";
import { submitAndCommit, withGateway } from "./gateway";
import { asSigningIdentity, type IdentityInput } from "./identity-input";
import { buildSignedProposal } from "./proposal";

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
export async function evaluate(
    call: ChaincodeCall & { readonly targetOrganizations?: readonly string[] },
): Promise<Buffer> {
    const result = await withGateway(call, (gateway) =>
        gateway
            .getNetwork(call.channel)
            .getContract(call.chaincode)
            .evaluate(call.fn, proposalOptions(call, call.targetOrganizations)),
    );
    return Buffer.from(result);
}

/**
 * Runs a read-only function on exactly this peer (Endorser/ProcessProposal,
 * no gateway), so the answer shows whether this peer itself reaches the
 * chaincode. Nothing is submitted.
 */
export async function evaluateOnPeer(call: ChaincodeCall): Promise<Buffer> {
    const identity = asSigningIdentity(call.identity);
    return withConnections(call, async (connections) => {
        const proposal = await buildSignedProposal(identity, proposalSpec(call));
        const response = await processProposal(connections, call.peer, proposal);
        return Buffer.from(response.getResponse()?.getPayload_asU8() ?? new Uint8Array());
    });
}

/**
 * Endorses through the gateway (it picks peers that satisfy the policy,
 * or `endorsingOrganizations`), submits, and waits until the transaction
 * is committed as VALID.
 */
export async function submit(
    call: ChaincodeCall & {
        readonly endorsingOrganizations?: readonly string[];
        readonly commitTimeoutSeconds?: number;
    },
): Promise<SubmitResult> {
    return withGateway(call, (gateway) =>
        submitAndCommit(
            gateway.getNetwork(call.channel).getContract(call.chaincode),
            call.fn,
            proposalOptions(call, call.endorsingOrganizations),
            call.peer,
        ),
    );
}

/** The Gateway client's proposal options for a call; `organizations` restrict where it runs. */
function proposalOptions(call: ChaincodeCall, organizations: readonly string[] | undefined) {
    return {
        arguments: [...(call.args ?? [])],
        transientData: call.transient ? { ...call.transient } : undefined,
        endorsingOrganizations: organizations?.length ? [...organizations] : undefined,
    };
}

function proposalSpec(call: ChaincodeCall) {
    return {
        channel: call.channel,
        chaincodeName: call.chaincode,
        args: [call.fn, ...(call.args ?? [])].map((arg) => (typeof arg === "string" ? Buffer.from(arg, "utf8") : arg)),
        transient: call.transient,
    };
}
