/**
 * ChaincodeDefinition: commits a chaincode definition on a channel.
 * Sequence "auto" follows the committed definition (bumped only when the
 * definition changes; a new package is not part of it). Commit readiness is
 * checked first; a failure names the orgs that have not approved and, where
 * visible, the fields that differ. Fabric cannot remove a committed
 * definition, so deleting this resource only removes it from the state.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    checkCommitReadiness,
    commitDefinition,
    definitionDifferences,
    type EncodedDefinition,
    type Endpoint,
    formatApplicationPolicy,
    queryApproved,
    queryCommitted,
} from "../../fabric";
import { InvalidSettingError } from "../../validation/errors";
import { checkSeconds, checkHostPort } from "../../validation/fabric";
import {
    compact,
    definitionFieldsFromNetwork,
    desiredDefinition,
    planSequence,
    requirePlanStillHolds,
} from "./lifecycle-plan";
import {
    type DefinitionArgs,
    type OrdererConnectionArgs,
    type PeerArgs,
    type SignerArgs,
    type TransportArgs,
    type SettingNamesArgs,
    flatProviderInputs,
    withSecretInputs,
    withSecretOutputs,
    FABRIC_RESOURCE_MODULE,
    FABRIC_SECRET_INPUTS,
} from "./resource-args";
import {
    adminIdentity,
    type AdminInputs,
    callOptions,
    diffByKeys,
    ORDERER_KEYS,
    SIGNER_KEYS,
    TRANSPORT_KEYS,
    DEFINITION_FIELDS,
    type DefinitionInputs,
    FailureCollector,
    note,
    type OrdererInputs,
    type PeerTargetInputs,
    type ProviderMethods,
    providerShell,
    submitOptions,
    targetEndpoint,
    checkAdmin,
    checkClientTls,
    checkDefinition,
    checkOrderer,
    checkTimeout,
    checkTls,
    type SettingNamesInputs,
    stateOutputs,
} from "./shared";

export interface ChaincodeDefinitionInputs extends DefinitionInputs, AdminInputs, OrdererInputs, SettingNamesInputs {
    /** Endorsing peers, one per org (the first also answers queries). */
    peers: PeerTargetInputs[];
    insecurePlaintext?: boolean;
    clientTlsCertPem?: string;
    clientTlsKeyPem?: string;
    timeoutSeconds?: number;
    /** MSP IDs that must have approved; defaults to every org of the channel. */
    requiredApprovals?: string[];
    /** How long to keep asking while approvals are missing. */
    readinessWaitSeconds?: number;
}

export interface ChaincodeDefinitionOutputs extends ChaincodeDefinitionInputs {
    committedSequence: number;
    /** MSP ID -> approved, as the peer reported at the last commit or read. */
    approvals: Record<string, boolean>;
    /** Transaction ID of the last commit this resource sent ("" when there was nothing to commit). */
    commitTxId: string;
}

const DEFAULT_READINESS_WAIT_SECONDS = 10;
const READINESS_POLL_MS = 1000;
/** While waiting, say so at most this often. */
const PROGRESS_NOTE_MS = 5000;
const REPLACE_KEYS = ["channel", "name"] as const;
const UPDATE_KEYS = [
    ...DEFINITION_FIELDS.filter((key) => key !== "name"),
    "peers",
    "requiredApprovals",
    "readinessWaitSeconds",
    ...TRANSPORT_KEYS,
    ...SIGNER_KEYS,
    ...ORDERER_KEYS,
];

export const chaincodeDefinitionLogic: ProviderMethods<ChaincodeDefinitionInputs, ChaincodeDefinitionOutputs> = {
    async check(_olds, news) {
        const collector = new FailureCollector(news.settingNames);
        checkDefinition(collector, news);
        checkAdmin(collector, news);
        checkOrderer(collector, news);
        checkClientTls(collector, news);
        checkTimeout(collector, "timeoutSeconds", news.timeoutSeconds);
        collector.check("readinessWaitSeconds", news.readinessWaitSeconds, () => {
            const wait = news.readinessWaitSeconds;
            if (wait !== undefined) checkSeconds("readinessWaitSeconds", wait, 0);
        });
        collector.check("peers", news.peers, () => {
            if (!Array.isArray(news.peers) || news.peers.length === 0) {
                throw new InvalidSettingError(
                    "peers",
                    news.peers,
                    "a list of endorsing peers, one per org ({endpoint, tlsCaPem, hostOverride, mspId})",
                );
            }
        });
        (Array.isArray(news.peers) ? news.peers : []).forEach((peer, index) => {
            collector.check(`peers[${index}].endpoint`, peer?.endpoint, () =>
                checkHostPort(`peers[${index}].endpoint`, peer.endpoint),
            );
            checkTls(collector, `peers[${index}].tlsCaPem`, peer?.tlsCaPem);
        });
        collector.check("requiredApprovals", news.requiredApprovals, () => {
            const orgs = news.requiredApprovals;
            if (
                orgs !== undefined &&
                (!Array.isArray(orgs) || orgs.some((org) => typeof org !== "string" || !/^[A-Za-z0-9.-]+$/.test(org)))
            ) {
                throw new InvalidSettingError(
                    "requiredApprovals",
                    orgs,
                    'a list of MSP IDs, e.g. ["Org1MSP", "Org2MSP"]',
                );
            }
        });
        return { inputs: news, failures: collector.failures };
    },

    diff: diffByKeys(REPLACE_KEYS, UPDATE_KEYS),

    async create(inputs) {
        return { id: `${inputs.channel}/${inputs.name}`, outs: stateOutputs(await commit(inputs, "")) };
    },

    async read(id, props) {
        const committed = await queryCommitted({
            ...callOptions(props),
            peer: endpoints(props)[0],
            identity: adminIdentity(props),
            channel: props.channel,
            name: props.name,
        });
        if (!committed) return { id: "", props };
        const fields = definitionFieldsFromNetwork(props, committed);
        return {
            id,
            props: compact({ ...fields, committedSequence: committed.sequence, approvals: committed.approvals }),
        };
    },

    async update(_id, olds, news) {
        return { outs: stateOutputs(await commit(news, olds.commitTxId ?? "")) };
    },

    async delete(_id, props) {
        note(
            `ChaincodeDefinition: Fabric cannot remove a committed chaincode definition; ${props.name} stays committed at sequence ` +
                `${props.committedSequence} on channel ${props.channel}. It was removed from the Pulumi state only.`,
        );
    },
};

function endpoints(inputs: ChaincodeDefinitionInputs): Endpoint[] {
    return inputs.peers.map((peer) => targetEndpoint(peer, inputs));
}

async function commit(inputs: ChaincodeDefinitionInputs, previousTxId: string): Promise<ChaincodeDefinitionOutputs> {
    const peers = endpoints(inputs);
    const common = { ...callOptions(inputs), peer: peers[0], identity: adminIdentity(inputs), channel: inputs.channel };
    const desired = desiredDefinition(inputs);
    const committed = await queryCommitted({ ...common, name: inputs.name });
    const plan = planSequence(inputs, desired, committed);
    requirePlanStillHolds(inputs, plan.sequence);
    if (plan.matchesCommitted && committed) {
        return compact({
            ...inputs,
            committedSequence: committed.sequence,
            approvals: committed.approvals,
            commitTxId: previousTxId,
        });
    }
    const target = { ...desired, sequence: plan.sequence };
    // Another org's approval may be committed on its own peer a moment before the block reaches
    // the peer we ask: look again for a short, bounded while before calling it missing.
    const waitSeconds = inputs.readinessWaitSeconds ?? DEFAULT_READINESS_WAIT_SECONDS;
    const deadline = Date.now() + waitSeconds * 1000;
    let lastNote = 0;
    for (let checks = 1; ; checks++) {
        const readiness = await checkCommitReadiness({ ...common, definition: target });
        const required = inputs.requiredApprovals?.length ? inputs.requiredApprovals : Object.keys(readiness.approvals);
        const missing = required.filter((org) => readiness.approvals[org] !== true);
        if (
            missing.length > 0 &&
            Date.now() - lastNote >= PROGRESS_NOTE_MS &&
            Date.now() + READINESS_POLL_MS <= deadline
        ) {
            lastNote = Date.now();
            note(
                `commit of ${inputs.name} sequence ${target.sequence} on ${inputs.channel}: waiting for the approval of ${missing.join(", ")} ` +
                    `(readiness check ${checks}; giving up in ${Math.round((deadline - Date.now()) / 1000)} s)`,
            );
        }
        if (missing.length === 0) {
            try {
                // Only its own peer listed: the gateway finds the approving orgs' peers through discovery, so no other org's peer need be listed.
                const endorsingOrganizations =
                    peers.length === 1
                        ? Object.keys(readiness.approvals).filter((org) => readiness.approvals[org])
                        : undefined;
                const result = await commitDefinition({
                    ...callOptions(inputs),
                    peers,
                    endorsingOrganizations,
                    identity: adminIdentity(inputs),
                    channel: inputs.channel,
                    definition: target,
                    submit: submitOptions(inputs),
                });
                return compact({
                    ...inputs,
                    committedSequence: plan.sequence,
                    approvals: readiness.approvals,
                    commitTxId: result.txId,
                });
            } catch (error) {
                // An identical commit sent before (one that orderers took while too few were up to order it) may land first: that is the goal reached.
                const now = await queryCommitted({ ...common, name: inputs.name }).catch(() => undefined);
                if (!now || now.sequence !== plan.sequence || !planSequence(inputs, desired, now).matchesCommitted)
                    throw error;
                note(
                    `${inputs.name} sequence ${plan.sequence} was committed on channel ${inputs.channel} by an earlier transaction; this one was not needed (${(error as Error).message.split("\n")[0]})`,
                );
                return compact({
                    ...inputs,
                    committedSequence: now.sequence,
                    approvals: now.approvals,
                    commitTxId: previousTxId,
                });
            }
        }
        if (Date.now() + READINESS_POLL_MS > deadline)
            throw new Error(
                await notReadyMessage(
                    inputs,
                    target,
                    readiness,
                    missing,
                    `${checks} readiness check(s) in ${waitSeconds} s`,
                ),
            );
        await new Promise((resolve) => setTimeout(resolve, READINESS_POLL_MS));
    }
}

/** Names the orgs that have not approved and, where a peer tells us, how their approval differs. */
async function notReadyMessage(
    inputs: ChaincodeDefinitionInputs,
    target: EncodedDefinition,
    readiness: {
        approvals: Readonly<Record<string, boolean>>;
        mismatches: Readonly<Record<string, readonly string[]>>;
    },
    missing: string[],
    asked: string,
): Promise<string> {
    const status = Object.entries(readiness.approvals)
        .map(([org, approved]) => `${org} ${approved ? "approved" : "not approved"}`)
        .join(", ");
    const lines = [
        `cannot commit chaincode ${inputs.name} sequence ${target.sequence} on channel ${inputs.channel}: ` +
            `not approved by ${missing.join(", ")} (readiness: ${status || "no orgs reported"}; ${asked}).`,
        `Each of them must approve exactly: version ${JSON.stringify(target.version)}, sequence ${target.sequence}, ` +
            `endorsement policy ${formatApplicationPolicy(target.validationParameter)}, initRequired ${target.initRequired}, ` +
            `${target.collections.length > 0 ? "the same collections" : "no collections"}, plugins ${target.endorsementPlugin}/${target.validationPlugin}.`,
    ];
    for (const org of missing) {
        if (!(org in readiness.approvals)) {
            lines.push(`${org} is not an org of channel ${inputs.channel} (requiredApprovals lists it).`);
            continue;
        }
        // Our own org's approval can be read whole, which says more than Fabric's mismatch names.
        if (org === inputs.mspId) {
            lines.push(await ownApprovalDetail(inputs, target));
            continue;
        }
        const mismatches = readiness.mismatches[org];
        if (mismatches?.length) lines.push(describeMismatches(org, target.sequence, mismatches));
    }
    return lines.join("\n");
}

/**
 * Fabric 3's commit readiness names how an org's approval differs by the
 * stored parameter groups; Fabric 2.5 names nothing. The whole structure
 * ("ChaincodeParameters") differs when the org approved nothing at the sequence.
 */
const MISMATCH_GROUPS: Readonly<Record<string, string>> = {
    EndorsementInfo: "version, initRequired or endorsement plugin",
    ValidationInfo: "endorsement policy or validation plugin",
    Collections: "collections",
};

export function describeMismatches(org: string, sequence: number, items: readonly string[]): string {
    if (items.includes("ChaincodeParameters")) return `${org} has approved no definition at sequence ${sequence}.`;
    return `${org}'s approval differs in: ${items.map((item) => MISMATCH_GROUPS[item] ?? item).join("; ")}.`;
}

/** Our own org's approval is visible to its admin: say how it differs. */
async function ownApprovalDetail(inputs: ChaincodeDefinitionInputs, target: EncodedDefinition): Promise<string> {
    const ownPeer = inputs.peers.find((peer) => peer.mspId === inputs.mspId);
    if (!ownPeer) return `${inputs.mspId}: add its peer with mspId to peers to see how its approval differs.`;
    try {
        const approved = await queryApproved({
            ...callOptions(inputs),
            peer: targetEndpoint(ownPeer, inputs),
            identity: adminIdentity(inputs),
            channel: inputs.channel,
            name: inputs.name,
        });
        if (!approved) return `${inputs.mspId} has approved no definition of ${inputs.name}.`;
        if (approved.sequence !== target.sequence)
            return `${inputs.mspId}'s latest approval is for sequence ${approved.sequence}, not ${target.sequence}.`;
        const differences = definitionDifferences(approved, target);
        return `${inputs.mspId} approved sequence ${target.sequence} with different ${differences.join("; ")} (approved vs wanted).`;
    } catch (error) {
        return `${inputs.mspId}: its approval could not be read (${(error as Error).message}).`;
    }
}

export const chaincodeDefinitionProvider = providerShell<ChaincodeDefinitionInputs, ChaincodeDefinitionOutputs>(
    "definition",
    "chaincodeDefinitionLogic",
);

export interface ChaincodeDefinitionArgs
    extends DefinitionArgs,
        TransportArgs,
        SignerArgs,
        OrdererConnectionArgs,
        SettingNamesArgs {
    /** Endorsing peers, one per org (enough to satisfy /Channel/Application/LifecycleEndorsement); the first answers queries. */
    readonly peers: pulumi.Input<pulumi.Input<PeerArgs>[]>;
    /** MSP IDs that must have approved before committing. Defaults to every org of the channel. */
    readonly requiredApprovals?: pulumi.Input<pulumi.Input<string>[]>;
    /** While approvals are missing, keep checking readiness this long before failing, seconds. Defaults to 10. */
    readonly readinessWaitSeconds?: pulumi.Input<number>;
}

/**
 * Commits a chaincode definition once the required orgs approved it. Deleting it only removes it from the state.
 *
 * @example
 * ```ts
 * new ChaincodeDefinition("commit", {
 *     peers: [{ endpoint: "peer0.org1:7051", tlsCaPem }, { endpoint: "peer0.org2:9051", tlsCaPem: org2TlsCaPem, mspId: "Org2MSP" }],
 *     mspId: "Org1MSP",
 *     adminCertPem,
 *     adminKeyPem,
 *     channel: "mychannel",
 *     name: "basic",
 *     version: "1.0",
 *     requiredApprovals: ["Org1MSP", "Org2MSP"],
 * }, { dependsOn: [approval] });
 * ```
 */
export class ChaincodeDefinition extends pulumi.dynamic.Resource {
    declare public readonly committedSequence: pulumi.Output<number>;
    declare public readonly approvals: pulumi.Output<Record<string, boolean>>;
    declare public readonly commitTxId: pulumi.Output<string>;

    constructor(name: string, args: ChaincodeDefinitionArgs, opts?: pulumi.CustomResourceOptions) {
        const secrets = FABRIC_SECRET_INPUTS.ChaincodeDefinition;
        super(
            chaincodeDefinitionProvider,
            name,
            {
                ...withSecretInputs(flatProviderInputs(args), secrets),
                sequence: args.sequence ?? "auto",
                committedSequence: undefined,
                approvals: undefined,
                commitTxId: undefined,
            },
            withSecretOutputs(opts, secrets),
            FABRIC_RESOURCE_MODULE,
            "ChaincodeDefinition",
        );
    }
}
