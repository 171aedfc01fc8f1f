/**
 * ChaincodeApproval: one org's approval of a chaincode definition.
 * The sequence may be "auto" (from the committed definition, bumped only
 * when the definition changes); a new package ID alone re-approves the
 * current sequence; an approval that already exists is never sent again.
 */
import * as pulumi from "@pulumi/pulumi";
import {
    type ApprovedDefinition,
    approveForMyOrg,
    definitionDifferences,
    queryApproved,
    queryCommitted,
} from "../../fabric";
import { InvalidSettingError } from "../../validation/errors";
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
    type PeerConnectionArgs,
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
    PEER_KEYS,
    SIGNER_KEYS,
    TRANSPORT_KEYS,
    DEFINITION_FIELDS,
    type DefinitionInputs,
    FailureCollector,
    note,
    type OrdererInputs,
    type PeerConnectionInputs,
    peerEndpoint,
    type ProviderMethods,
    providerShell,
    submitOptions,
    checkAdmin,
    checkConnection,
    checkDefinition,
    checkOrderer,
    type SettingNamesInputs,
    stateOutputs,
} from "./shared";

export interface ChaincodeApprovalInputs
    extends DefinitionInputs,
        PeerConnectionInputs,
        AdminInputs,
        OrdererInputs,
        SettingNamesInputs {
    /** Package the org's peers run; empty approves the definition without a package (chaincode unavailable to this org). */
    packageId?: string;
}

export interface ChaincodeApprovalOutputs extends ChaincodeApprovalInputs {
    /** The sequence this org has approved. */
    approvedSequence: number;
    /** Transaction ID of the last approval this resource sent ("" when it found the approval already in place). */
    approvalTxId: string;
}

const REPLACE_KEYS = ["channel", "name", "mspId"] as const;
const UPDATE_KEYS = [
    ...DEFINITION_FIELDS.filter((key) => key !== "name"),
    "packageId",
    ...PEER_KEYS,
    ...TRANSPORT_KEYS,
    ...SIGNER_KEYS.filter((key) => key !== "mspId"),
    ...ORDERER_KEYS,
];

export const chaincodeApprovalLogic: ProviderMethods<ChaincodeApprovalInputs, ChaincodeApprovalOutputs> = {
    async check(_olds, news) {
        const collector = new FailureCollector(news.settingNames);
        checkDefinition(collector, news);
        checkConnection(collector, news);
        checkAdmin(collector, news);
        checkOrderer(collector, news);
        collector.check("packageId", news.packageId, () => {
            if (
                news.packageId !== undefined &&
                news.packageId !== "" &&
                !/^[A-Za-z0-9][A-Za-z0-9_.+-]*:[0-9a-f]{64}$/.test(news.packageId)
            ) {
                throw new InvalidSettingError(
                    "packageId",
                    news.packageId,
                    "label:sha256 as the peer reports it (e.g. from ChaincodeInstall), or empty for no package",
                );
            }
        });
        return { inputs: news, failures: collector.failures };
    },

    diff: diffByKeys(REPLACE_KEYS, UPDATE_KEYS),

    async create(inputs) {
        const outs = stateOutputs(await approve(inputs, ""));
        return { id: `${inputs.channel}/${inputs.name}/${inputs.mspId}`, outs };
    },

    async read(id, props) {
        const approved = await queryApproved({
            ...callOptions(props),
            peer: peerEndpoint(props),
            identity: adminIdentity(props),
            channel: props.channel,
            name: props.name,
        });
        if (!approved) return { id: "", props };
        const fields = definitionFieldsFromNetwork(props, approved);
        return {
            id,
            props: compact({ ...fields, packageId: approved.packageId ?? "", approvedSequence: approved.sequence }),
        };
    },

    async update(_id, olds, news) {
        return { outs: stateOutputs(await approve(news, olds.approvalTxId ?? "")) };
    },

    async delete(_id, props) {
        note(
            `ChaincodeApproval: Fabric cannot withdraw an approval; ${props.mspId}'s approval of ${props.name} sequence ${props.approvedSequence} ` +
                `on channel ${props.channel} stays on the ledger. It was removed from the Pulumi state only.`,
        );
    },
};

/** Approves unless this org's approval for the planned sequence already matches exactly. */
async function approve(inputs: ChaincodeApprovalInputs, previousTxId: string): Promise<ChaincodeApprovalOutputs> {
    const common = {
        ...callOptions(inputs),
        peer: peerEndpoint(inputs),
        identity: adminIdentity(inputs),
        channel: inputs.channel,
    };
    const desired = desiredDefinition(inputs);
    const committed = await queryCommitted({ ...common, name: inputs.name });
    const { sequence } = planSequence(inputs, desired, committed);
    requirePlanStillHolds(inputs, sequence);
    const target = { ...desired, sequence };
    const packageId = inputs.packageId || undefined;

    const matches = (approved: ApprovedDefinition | undefined) =>
        approved !== undefined &&
        definitionDifferences(approved, target).length === 0 &&
        approved.packageId === packageId;
    const unchanged = compact({ ...inputs, approvedSequence: sequence, approvalTxId: previousTxId });
    if (matches(await queryApproved({ ...common, name: inputs.name, sequence }))) return unchanged;
    try {
        const result = await approveForMyOrg({
            ...common,
            definition: target,
            packageId,
            submit: submitOptions(inputs),
        });
        return compact({ ...inputs, approvedSequence: sequence, approvalTxId: result.txId });
    } catch (error) {
        // An identical approval sent before (one that orderers took while too few were up to order it) may land first: that is the goal reached.
        if (!matches(await queryApproved({ ...common, name: inputs.name, sequence }).catch(() => undefined)))
            throw error;
        note(
            `${inputs.mspId}'s approval of ${inputs.name} sequence ${sequence} reached channel ${inputs.channel} by an earlier transaction; this one was not needed (${(error as Error).message.split("\n")[0]})`,
        );
        return unchanged;
    }
}

export const chaincodeApprovalProvider = providerShell<ChaincodeApprovalInputs, ChaincodeApprovalOutputs>(
    "approval",
    "chaincodeApprovalLogic",
);

export interface ChaincodeApprovalArgs
    extends DefinitionArgs,
        PeerConnectionArgs,
        TransportArgs,
        SignerArgs,
        OrdererConnectionArgs,
        SettingNamesArgs {
    /** Package ID the org's peers run (from ChaincodeInstall). Defaults to none (approve without a package). */
    readonly packageId?: pulumi.Input<string>;
}

/**
 * Approves a chaincode definition for one org. Deleting it only removes it from the state.
 *
 * @example
 * ```ts
 * new ChaincodeApproval("org1-approval", {
 *     peer: { endpoint: "peer0.org1:7051", tlsCaPem },
 *     mspId: "Org1MSP",
 *     adminCertPem,
 *     adminKeyPem,
 *     channel: "mychannel",
 *     name: "basic",
 *     version: "1.0",
 *     packageId: install.packageId,
 * }, { dependsOn: [install] });
 * ```
 */
export class ChaincodeApproval extends pulumi.dynamic.Resource {
    declare public readonly approvedSequence: pulumi.Output<number>;
    declare public readonly approvalTxId: pulumi.Output<string>;
    declare public readonly packageId: pulumi.Output<string>;

    constructor(name: string, args: ChaincodeApprovalArgs, opts?: pulumi.CustomResourceOptions) {
        const secrets = FABRIC_SECRET_INPUTS.ChaincodeApproval;
        super(
            chaincodeApprovalProvider,
            name,
            {
                ...withSecretInputs(flatProviderInputs(args), secrets),
                sequence: args.sequence ?? "auto",
                approvedSequence: undefined,
                approvalTxId: undefined,
            },
            withSecretOutputs(opts, secrets),
            FABRIC_RESOURCE_MODULE,
            "ChaincodeApproval",
        );
    }
}
