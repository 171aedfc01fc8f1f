import * as pulumi from "@pulumi/pulumi";
import { encodeEndorsementPolicy, type HsmSettingNames } from "../fabric";
import { lifecycleResourceArgs } from "./fabric-resource-args";
import {
    ChaincodeApproval,
    ChaincodeDefinition,
    ChaincodeInstall,
    type CollectionArgs,
    type HsmKeyArgs,
    type OrdererArgs,
    type PeerArgs,
} from "./providers";
import { ADMIN_HSM_INPUTS } from "./providers/shared";
import { adminKeyChecks } from "../validation/admin-key";
import { DescribedValue, InvalidSettingError } from "../validation/errors";
import {
    checkChannelName,
    checkOneOrdererSetting,
    checkSeconds,
    checkHost,
    checkHostPort,
    checkMspId,
} from "../validation/fabric";
import { type ArgumentShapes, checkArgumentShapes } from "../validation/argument-shapes";
import {
    checkCertificateBundlePem,
    checkKeyMatchesCertificate,
    checkLeafCertificatePem,
    checkPrivateKeyPem,
} from "../validation/pem";
import { checkIntegerInRange } from "../validation/kubernetes";
import { checkArgs } from "../validation/resource-error";
import { namerOf, namingSettings, type SettingNames } from "../setting-names";

/** The org this stack acts for: its admin installs and approves on its peers. */
export interface FabricOrgArgs {
    /** MSP ID, e.g. "Org1MSP". */
    readonly mspId: string;
    /**
     * Peers to install on; the first endorses the approval and answers the
     * smoke check. Their endpoints must be known while the program runs (the
     * NetworkPolicy admits the peers' namespaces from them).
     */
    readonly peers: readonly PeerArgs[];
    /** TLS CA of the org's peers, for peers that give none. */
    readonly peerTlsCaPem?: pulumi.Input<string>;
    /** Certificate of an admin of the org. */
    readonly adminCertPem: pulumi.Input<string>;
    /** The admin's private key; kept secret. Required unless adminHsm holds it. */
    readonly adminKeyPem?: pulumi.Input<string>;
    /** The admin's key in an HSM (PKCS#11, ECDSA P-256), instead of adminKeyPem. Defaults to none. */
    readonly adminHsm?: HsmKeyArgs;
    /** Client TLS certificate for peers that demand mutual TLS. Defaults to none. */
    readonly clientTlsCertPem?: pulumi.Input<string>;
    /** Its key; kept secret. Defaults to none. */
    readonly clientTlsKeyPem?: pulumi.Input<string>;
}

export interface ChaincodeLifecycleArgs {
    /** Channel the chaincode is defined on. */
    readonly channel: string;
    /** The org this stack acts for first: its first peer endorses the commit and answers the smoke check. */
    readonly org: FabricOrgArgs;
    /**
     * More orgs this stack acts for, when one operator holds their admins (a
     * test network, one company's consortium): the stack installs on their
     * peers and approves for each, concurrently with `org`, and their first
     * peers endorse the commit. Each org's resources are named by its MSP ID.
     * Defaults to none (one stack per org).
     */
    readonly otherOrgs?: readonly FabricOrgArgs[];
    /** Endorsement policy text (e.g. "OR('Org1MSP.member')") or a channel policy path. Defaults to "/Channel/Application/Endorsement". */
    readonly endorsementPolicy?: pulumi.Input<string>;
    /** A definition sequence, or "auto": the committed one, +1 when the definition changes. Defaults to "auto". */
    readonly sequence?: number | "auto";
    /** Defaults to false. */
    readonly initRequired?: boolean;
    /** Static private data collections. Defaults to none. */
    readonly collections?: pulumi.Input<pulumi.Input<CollectionArgs>[]>;
    /** Orderer to broadcast to. Defaults to the peer gateway (Fabric >= 2.4.4). */
    readonly orderer?: OrdererArgs;
    /**
     * Several orderers to broadcast to, instead of `orderer`: on a BFT channel
     * every transaction goes to all of them at once and is done once a quorum
     * of the channel's consenters accepted it (as Fabric's gateway does);
     * otherwise they are tried in this order until one accepts. Defaults to
     * the peer gateway.
     */
    readonly orderers?: readonly OrdererArgs[];
    /** This stack commits the definition (false: install and approve only, another org commits). Defaults to true. */
    readonly commit?: boolean;
    /** Endorsing peers of the other orgs for the commit (one per org). Defaults to none. */
    readonly commitPeers?: readonly PeerArgs[];
    /** Orgs that must have approved before the commit (e.g. MSP IDs read from other orgs' stacks). Defaults to every org of the channel. */
    readonly requiredApprovals?: readonly pulumi.Input<string>[];
    /** Deadline of each Fabric call, seconds. Defaults to 30. */
    readonly timeoutSeconds?: number;
    /**
     * The sequence and change planned from the channel before declaring
     * (lookupChannelPlan): the approvals and the commit carry it, so the
     * preview says "sequence 1 → 2: endorsementPolicy (…)", and with "auto"
     * `up` stops if the channel moved since. Defaults to none (the sequence
     * is known only after `up`).
     */
    readonly plan?: pulumi.Input<PlannedChange | undefined>;
    /**
     * What the approvals wait for besides the installs: the new server, when an approval (or the commit
     * after it) moves the peers off a server they run now. Defaults to none.
     */
    readonly approvalsWaitFor?: readonly pulumi.Resource[] | Promise<readonly pulumi.Resource[]>;
    /**
     * How your users name these arguments, when not by their paths: a failed
     * check, here or in the installs, approvals and commit, names the setting
     * as mapped. Defaults to the argument paths (`org.peers[0].endpoint`).
     */
    readonly settingNames?: SettingNames;
}

/** The arguments a user sets, and so a failed check may name (with the package's chaincodeName and version). */
export const LIFECYCLE_ARGUMENTS = [
    "channel",
    "org",
    "otherOrgs",
    "endorsementPolicy",
    "sequence",
    "initRequired",
    "collections",
    "orderer",
    "orderers",
    "commit",
    "commitPeers",
    "requiredApprovals",
    "timeoutSeconds",
    "chaincodeName",
    "version",
] as const satisfies ReadonlyArray<keyof ChaincodeLifecycleArgs | "chaincodeName" | "version">;

/** The sequence the declared definition gets, and what changes with it. */
export interface PlannedChange {
    readonly sequence: number;
    readonly change: string;
}

/**
 * The Fabric side of chaincode as a service: install on each of the org's
 * peers, approve for the org, and (optionally) commit the definition.
 *
 * @example
 * ```ts
 * // Usually ExternalChaincode declares it; on its own it needs the package it installs.
 * const pkg = buildChaincodePackage({ label: "basic_1.0", address: "basic.hlf-org1:9999" }); // from fabric-ccaas/packaging
 * new ChaincodeLifecycle("basic-lifecycle", {
 *     channel: "mychannel",
 *     org,
 *     chaincodeName: "basic",
 *     version: "1.0",
 *     packageBase64: pkg.bytes.toString("base64"),
 *     packageId: pkg.packageId,
 * });
 * ```
 */
export class ChaincodeLifecycle extends pulumi.ComponentResource {
    /** The package ID every peer reported for the installed package. */
    public readonly installedPackageId: pulumi.Output<string>;
    /** The installs on every peer of every org of this stack. */
    public readonly installs: ChaincodeInstall[];
    /** `org`'s approval. */
    public readonly approval: ChaincodeApproval;
    /** Every org's approval, `org`'s first. */
    public readonly approvals: ChaincodeApproval[];
    /** Undefined when another stack commits. */
    public readonly definition: ChaincodeDefinition | undefined;
    /** Sequence approved by this org. */
    public readonly approvedSequence: pulumi.Output<number>;
    /**
     * This org's MSP ID, known once its approval is on the channel: another
     * org's lifecycle in the same stack lists it in requiredApprovals, so its
     * commit waits for this approval.
     */
    public readonly approvedBy: pulumi.Output<string>;

    constructor(
        name: string,
        args: ChaincodeLifecycleArgs & {
            readonly chaincodeName: string;
            readonly version: string;
            readonly packageBase64: pulumi.Input<string>;
            readonly packageId: pulumi.Input<string>;
        },
        opts?: pulumi.ComponentResourceOptions,
    ) {
        super("fabric-ccaas:index:ChaincodeLifecycle", name, {}, opts);
        checkArgs(this, () => namingSettings(namerOf(args.settingNames), () => checkLifecycleArgs(args)));
        const planned = pulumi.output(args.plan);
        const declared = lifecycleResourceArgs(name, args, {
            chaincodeName: args.chaincodeName,
            version: args.version,
            packageBase64: args.packageBase64,
            packageId: args.packageId,
            // Absent (not sent) when nothing was planned, as before the plan could arrive as an Input.
            plannedSequence: planned.apply((plan) => plan?.sequence) as pulumi.Output<number>,
            plannedChange: planned.apply((plan) => plan?.change) as pulumi.Output<string>,
        });
        this.installs = declared.installs
            .flat()
            .map((install) => new ChaincodeInstall(install.name, install.args, { parent: this }));
        this.installedPackageId = this.installs[0].packageId;

        // Every approval waits for every install, so the orgs' approvals go out together (one block, not one each).
        const installs = this.installs;
        const approvalDependencies = Promise.resolve(args.approvalsWaitFor ?? []).then((waitFor) => [
            ...installs,
            ...waitFor,
        ]);
        this.approvals = declared.approvals.map(
            (approval) =>
                new ChaincodeApproval(
                    approval.name,
                    { ...approval.args, packageId: this.installedPackageId },
                    { parent: this, dependsOn: approvalDependencies },
                ),
        );
        this.approval = this.approvals[0];
        this.approvedSequence = this.approval.approvedSequence;
        this.approvedBy = this.approval.approvalTxId.apply(() => args.org.mspId);
        this.definition =
            declared.definition &&
            new ChaincodeDefinition(declared.definition.name, declared.definition.args, {
                parent: this,
                dependsOn: this.approvals,
            });
        this.registerOutputs({ installedPackageId: this.installedPackageId, approvedSequence: this.approvedSequence });
    }
}

/** A host name known now (not an Output) is checked now; undefined and "" mean none. */
function checkKnownHost(setting: string, host: pulumi.Input<string> | undefined): void {
    if (host !== undefined && host !== "" && !pulumi.Output.isInstance(host)) checkHost(setting, host);
}

/** One org's identity and peers, named with `prefix` ("" for the first org, "otherOrgs[k]." for the others). */
function checkOrgArgs(org: FabricOrgArgs, prefix: string): void {
    checkMspId(`${prefix}mspId`, org?.mspId);
    if (!Array.isArray(org.peers) || org.peers.length === 0) {
        throw new InvalidSettingError(
            `${prefix}peers`,
            org.peers,
            "at least one peer of the org ({endpoint: host:port})",
        );
    }
    org.peers.forEach((peer, i) => {
        if (pulumi.Output.isInstance(peer?.endpoint)) {
            throw new InvalidSettingError(
                `${prefix}peers[${i}].endpoint`,
                new DescribedValue("an Output"),
                "a host:port known while the program runs: the NetworkPolicy admits the peers' namespaces from it",
            );
        }
        checkHostPort(`${prefix}peers[${i}].endpoint`, peer?.endpoint);
        checkKnownHost(`${prefix}peers[${i}].hostOverride`, peer.hostOverride);
    });
    // PEMs known now are checked now; secret keys arrive as Outputs and are checked by the providers at preview.
    // Identities are one leaf certificate each; TLS CAs may be bundles (a retired CA beside its successor).
    for (const [setting, pem] of [
        ["adminCertPem", org.adminCertPem],
        ["clientTlsCertPem", org.clientTlsCertPem],
    ] as const) {
        if (typeof pem === "string") checkLeafCertificatePem(`${prefix}${setting}`, pem);
    }
    const caBundles: Array<[string, unknown]> = [
        ["peerTlsCaPem", org.peerTlsCaPem],
        ...org.peers.map((peer, i): [string, unknown] => [`peers[${i}].tlsCaPem`, peer.tlsCaPem]),
    ];
    for (const [setting, pem] of caBundles) {
        if (typeof pem === "string") checkCertificateBundlePem(`${prefix}${setting}`, pem);
    }
    // The admin signs Fabric messages (a key type Fabric MSPs verify); the client TLS key only does TLS.
    if (typeof org.clientTlsKeyPem === "string" && typeof org.clientTlsCertPem === "string") {
        const named = `${prefix}clientTlsKeyPem`;
        checkKeyMatchesCertificate(named, checkPrivateKeyPem(named, org.clientTlsKeyPem), org.clientTlsCertPem);
    }
    checkAdminKeySource(org, prefix);
}

/** The admin's key comes from exactly one place: adminKeyPem, or an HSM (adminHsm); values known later are the providers' to check. */
function checkAdminKeySource(org: FabricOrgArgs, prefix: string): void {
    const names = {
        keyPem: `${prefix}adminKeyPem`,
        certPem: `${prefix}adminCertPem`,
        hsmFields: Object.fromEntries(
            Object.keys(ADMIN_HSM_INPUTS).map((field) => [field, `${prefix}adminHsm.${field}`]),
        ) as HsmSettingNames,
    };
    for (const rule of adminKeyChecks(
        { keyPem: org.adminKeyPem, hsm: org.adminHsm, certPem: org.adminCertPem },
        names,
    )) {
        if (!rule.reads.some((value) => pulumi.Output.isInstance(value))) rule.check();
    }
}

/** Where the lifecycle walks an object or a list, or needs text now. */
export const LIFECYCLE_SHAPES: ArgumentShapes = {
    channel: "text!",
    org: "object!",
    "org.peers": "list!",
    "org.peers[]": "object",
    "org.adminHsm": "object",
    otherOrgs: "list",
    "otherOrgs[]": "object",
    "otherOrgs[].peers": "list!",
    "otherOrgs[].peers[]": "object",
    "otherOrgs[].adminHsm": "object",
    orderer: "object",
    orderers: "list",
    "orderers[]": "object",
    commitPeers: "list",
    "commitPeers[]": "object",
    requiredApprovals: "list",
    collections: "list",
    settingNames: "object",
};

/** Checks the plain lifecycle arguments; throws InvalidSettingError naming the setting. */
export function checkLifecycleArgs(args: ChaincodeLifecycleArgs): void {
    checkArgumentShapes(args, LIFECYCLE_SHAPES);
    checkChannelName("channel", args.channel);
    checkOrgArgs(args.org, "org.");
    const actingMspIds = [args.org.mspId];
    (args.otherOrgs ?? []).forEach((org, k) => {
        checkOrgArgs(org, `otherOrgs[${k}].`);
        if (actingMspIds.includes(org.mspId)) {
            throw new InvalidSettingError(
                `otherOrgs[${k}].mspId`,
                org.mspId,
                `an org not listed before (${actingMspIds.join(", ")} already are)`,
            );
        }
        actingMspIds.push(org.mspId);
    });
    checkOneOrdererSetting(args.orderer !== undefined, args.orderers);
    if (args.orderers !== undefined && args.orderers.length === 0) {
        throw new InvalidSettingError(
            "orderers",
            "[]",
            "a list of at least one orderer ({endpoint: host:port, tlsCaPem, hostOverride?}), or no orderers key (the peer gateway submits)",
        );
    }
    const orderers: Array<[string, OrdererArgs]> = [
        ...(args.orderer === undefined ? [] : [["orderer", args.orderer] as [string, OrdererArgs]]),
        ...(args.orderers ?? []).map((target, i): [string, OrdererArgs] => [`orderers[${i}]`, target]),
    ];
    for (const [setting, target] of orderers) {
        if (!pulumi.Output.isInstance(target.endpoint)) checkHostPort(`${setting}.endpoint`, target.endpoint);
        if (target.tlsCaPem === undefined)
            throw new InvalidSettingError(
                `${setting}.tlsCaPem`,
                undefined,
                "the PEM of the CA of the orderer's TLS certificate",
            );
        checkKnownHost(`${setting}.hostOverride`, target.hostOverride);
    }
    (args.commitPeers ?? []).forEach((peer, i) => {
        if (!pulumi.Output.isInstance(peer.endpoint)) checkHostPort(`commitPeers[${i}].endpoint`, peer.endpoint);
        checkKnownHost(`commitPeers[${i}].hostOverride`, peer.hostOverride);
        if (typeof peer.mspId === "string") {
            checkMspId(`commitPeers[${i}].mspId`, peer.mspId);
            if (actingMspIds.includes(peer.mspId)) {
                throw new InvalidSettingError(
                    `commitPeers[${i}].mspId`,
                    peer.mspId,
                    `a peer of another org: the first peer of ${actingMspIds.join(", ")} (this stack's orgs) endorses the commit already`,
                );
            }
        }
    });
    const approvals = args.requiredApprovals ?? [];
    approvals.forEach((mspId, i) => {
        if (typeof mspId !== "string") return;
        checkMspId(`requiredApprovals[${i}]`, mspId);
        if (approvals.indexOf(mspId) !== i)
            throw new InvalidSettingError(`requiredApprovals[${i}]`, mspId, "each MSP ID once");
    });
    if (typeof args.endorsementPolicy === "string")
        encodeEndorsementPolicy(args.endorsementPolicy, "endorsementPolicy");
    const certificates: Array<[string, unknown]> = [
        ...orderers.map(([setting, target]): [string, unknown] => [`${setting}.tlsCaPem`, target.tlsCaPem]),
        ...(args.commitPeers ?? []).map((peer, i): [string, unknown] => [`commitPeers[${i}].tlsCaPem`, peer.tlsCaPem]),
    ];
    for (const [setting, pem] of certificates) {
        if (typeof pem === "string") checkCertificateBundlePem(setting, pem);
    }
    const sequence = args.sequence ?? "auto";
    if (sequence !== "auto") checkIntegerInRange("sequence", sequence, 1, Number.MAX_SAFE_INTEGER);
    if (args.timeoutSeconds !== undefined) checkSeconds("timeoutSeconds", args.timeoutSeconds, 1);
    if ((args.commit ?? true) === false && args.commitPeers?.length) {
        throw new InvalidSettingError("commitPeers", args.commitPeers.length, "no commit peers when commit is false");
    }
}
