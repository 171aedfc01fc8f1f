/**
 * ExternalChaincode's read of the channel before it declares its servers:
 * from the component's own arguments (Inputs) to lookupChannelPlan's query.
 * Read-only queries through the org's first peer, in preview too, so the
 * release the channel runs keeps its server for every user of the library.
 */
import * as pulumi from "@pulumi/pulumi";
import type { CollectionConfig } from "../fabric";
import type { ChaincodeLifecycleArgs } from "../lifecycle/chaincode-lifecycle";
import { type ChannelPlan, lookupChannelPlan } from "./live-release";
import { flatProviderInputs } from "../lifecycle/providers/resource-args";
import { type AdminInputs, adminIdentity, targetEndpoint } from "../lifecycle/providers/shared";

export interface ChannelReadArgs {
    readonly chaincodeName: string;
    readonly version: string;
    readonly lifecycle: ChaincodeLifecycleArgs;
}

/**
 * What this org's peers run and the sequence planned. While the peer or the
 * admin is unknown (a preview whose values come from resources not created
 * yet), nothing is read: the answer is "nothing known", and `up` reads it. A
 * required approval still unknown is one this program makes in this update
 * (another org's `approvedBy`), as are the approvals for `otherOrgs`: the
 * commit comes after them. A failed read rejects naming the peer and the cause.
 */
export async function readChannelPlan({ chaincodeName, version, lifecycle }: ChannelReadArgs): Promise<ChannelPlan> {
    const { org } = lifecycle;
    const peer = org.peers[0];
    const what = `which package ${org.mspId}'s peers run for ${chaincodeName} on ${lifecycle.channel}`;
    const [
        endpoint,
        adminCertPem,
        adminKeyPem,
        hsm,
        peerTlsCaPem,
        hostOverride,
        clientTlsCertPem,
        clientTlsKeyPem,
        endorsementPolicy,
        requiredApprovals,
    ] = await Promise.all([
        knownValue(peer.endpoint),
        knownValue(org.adminCertPem),
        knownValue(org.adminKeyPem),
        org.adminHsm && knownValue(pulumi.output(org.adminHsm)),
        knownValue(peer.tlsCaPem ?? org.peerTlsCaPem),
        knownValue(peer.hostOverride),
        knownValue(org.clientTlsCertPem),
        knownValue(org.clientTlsKeyPem),
        knownValue(lifecycle.endorsementPolicy),
        lifecycle.requiredApprovals && Promise.all(lifecycle.requiredApprovals.map(knownValue)),
    ]).catch((err: Error) => {
        // E.g. a required approval from a stack reference whose stack has no such output yet.
        throw new ChannelReadError(`cannot read ${what}: a setting it needs has no value: ${err.message}`);
    });
    const keyKnown = org.adminHsm ? hsm !== undefined : adminKeyPem !== undefined;
    if (endpoint === undefined || adminCertPem === undefined || !keyKnown) return {};
    try {
        return await lookupChannelPlan({
            peer: targetEndpoint(
                { endpoint, tlsCaPem: peerTlsCaPem, hostOverride },
                { clientTlsCertPem, clientTlsKeyPem },
            ),
            // The providers' own choice of signer, on the same flat inputs they hold.
            identity: adminIdentity({
                mspId: org.mspId,
                adminCertPem,
                adminKeyPem,
                ...flatProviderInputs({ adminHsm: hsm }),
            } as AdminInputs),
            timeoutSeconds: lifecycle.timeoutSeconds,
            definition: {
                channel: lifecycle.channel,
                name: chaincodeName,
                version,
                sequence: lifecycle.sequence ?? "auto",
                endorsementPolicy,
                collections: lifecycle.collections as CollectionConfig[] | undefined,
                initRequired: lifecycle.initRequired,
            },
            commits: lifecycle.commit ?? true,
            requiredApprovals: requiredApprovals?.filter((mspId): mspId is string => mspId !== undefined),
            approvedInThisUpdate: lifecycle.otherOrgs?.map((other) => other.mspId),
        });
    } catch (err) {
        throw new ChannelReadError(`cannot read ${what} (asked ${endpoint}): ${(err as Error).message}`);
    }
}

/**
 * Stops the program with its message alone. Every input that waits for the
 * read rejects with this one error; the SDK reports an error once, but
 * prefixes the message with the property path each time it passes through
 * an input, so the message ignores those writes.
 */
export class ChannelReadError extends pulumi.RunError {
    constructor(message: string) {
        super(message);
        Object.defineProperty(this, "message", { get: () => message, set: () => undefined, enumerable: false });
    }
}

/** The value of an Input known while the program runs (config, stack references); undefined while unknown. */
async function knownValue<T>(input: pulumi.Input<T> | undefined): Promise<T | undefined> {
    if (input === undefined) return undefined;
    const output = pulumi.output(input);
    if (!(await (output as unknown as { isKnown: Promise<boolean> }).isKnown)) return undefined;
    return new Promise((resolve) => output.apply((value) => resolve(value as T)));
}
