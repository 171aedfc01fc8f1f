/**
 * What the components pass to the Fabric resources, as pure functions of
 * their arguments: the installs, approvals and commit of a lifecycle, and
 * the smoke checks of a chaincode. Tested without Pulumi mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ChaincodeLifecycleArgs, FabricOrgArgs } from "./lifecycle";
import type { ChaincodeApprovalArgs, ChaincodeDefinitionArgs, ChaincodeInstallArgs, ChaincodeSmokeCheckArgs, PeerArgs, SignerArgs, TransportArgs } from "./providers";
import { ADMIN_HSM_INPUTS } from "./providers/shared";

/** One resource to declare: its name and arguments. */
export interface Declared<Args> {
    readonly name: string;
    readonly args: Args;
}

/** The lifecycle's resources, before the outputs they wait for: the package ID the installs report, the plan. */
export interface LifecycleResourceArgs {
    /** Per org, `org` first: an install on each of its peers. */
    readonly installs: ReadonlyArray<ReadonlyArray<Declared<ChaincodeInstallArgs>>>;
    /** Per org, `org` first: its approval, without the package ID (the installs report it). */
    readonly approvals: ReadonlyArray<Declared<Omit<ChaincodeApprovalArgs, "packageId">>>;
    /** Undefined when another stack commits. */
    readonly definition: Declared<ChaincodeDefinitionArgs> | undefined;
}

/** The package a lifecycle installs and the definition fields it carries. */
export interface LifecycleDefinition {
    readonly chaincodeName: string;
    readonly version: string;
    readonly packageBase64: pulumi.Input<string>;
    readonly packageId: pulumi.Input<string>;
    readonly plannedSequence?: pulumi.Input<number>;
    readonly plannedChange?: pulumi.Input<string>;
}

/** The installs, approvals and commit of a lifecycle named `name`. */
export function lifecycleResourceArgs(name: string, args: ChaincodeLifecycleArgs, definition: LifecycleDefinition): LifecycleResourceArgs {
    const orgs = actingOrgs(name, args);
    const definitionNames = {
        ...DEFINITION_SETTING_NAMES,
        ordererEndpoint: "orderer.endpoint",
        ordererTlsCaPem: "orderer.tlsCaPem",
        ordererHostOverride: "orderer.hostOverride",
    };
    const definitionFields = {
        channel: args.channel,
        name: definition.chaincodeName,
        version: definition.version,
        sequence: args.sequence ?? "auto",
        endorsementPolicy: args.endorsementPolicy,
        collections: args.collections,
        initRequired: args.initRequired,
        orderer: args.orderer,
        orderers: args.orderers?.map((target) => ({ endpoint: target.endpoint, tlsCaPem: target.tlsCaPem, hostOverride: target.hostOverride })),
        plannedSequence: definition.plannedSequence,
        plannedChange: definition.plannedChange,
    };
    const installs = orgs.map(({ org, prefix, settingPrefix }) =>
        org.peers.map((_, index) => ({
            name: `${prefix}-install-${index}`,
            args: {
                ...signerOf(org, args.timeoutSeconds),
                peer: orgPeer(org, index),
                packageBase64: definition.packageBase64,
                packageId: definition.packageId,
                settingNames: orgPeerSettingNames(org, index, settingPrefix),
            },
        })),
    );
    const approvals = orgs.map(({ org, prefix, settingPrefix }) => ({
        name: `${prefix}-approval`,
        args: {
            ...signerOf(org, args.timeoutSeconds),
            peer: orgPeer(org, 0),
            ...definitionFields,
            settingNames: { ...orgPeerSettingNames(org, 0, settingPrefix), ...definitionNames },
        },
    }));
    if ((args.commit ?? true) === false) return { installs, approvals, definition: undefined };

    // The first peer of each acting org endorses the commit, then the other orgs' commitPeers.
    const actingPeers = orgs.map(({ org }) => ({ ...orgPeer(org, 0), mspId: org.mspId }));
    const commitPeers = args.commitPeers ?? [];
    return {
        installs,
        approvals,
        definition: {
            name: `${name}-definition`,
            args: {
                ...signerOf(args.org, args.timeoutSeconds),
                ...definitionFields,
                peers: [...actingPeers, ...commitPeers],
                requiredApprovals: args.requiredApprovals ? [...args.requiredApprovals] : undefined,
                settingNames: {
                    ...definitionNames,
                    "peers[0].tlsCaPem": args.org.peers[0].tlsCaPem === undefined ? "peerTlsCaPem" : "peers[0].tlsCaPem",
                    ...Object.fromEntries(orgs.slice(1).map(({ settingPrefix }, k) => [`peers[${k + 1}]`, `${settingPrefix}peers[0]`])),
                    ...Object.fromEntries(commitPeers.map((_, i) => [`peers[${i + actingPeers.length}]`, `commitPeers[${i}]`])),
                },
            },
        },
    };
}

/** What the smoke checks of a chaincode check, and through which peers. */
export interface SmokeCheckRequest {
    readonly chaincodeName: string;
    readonly lifecycle: ChaincodeLifecycleArgs;
    readonly fn?: string;
    readonly args?: readonly string[];
    readonly waitSeconds?: number;
    readonly commitWaitSeconds?: number;
    readonly expectedPackageId: pulumi.Input<string>;
    readonly chaincodeAddress: string;
    /** Whose change re-runs the checks (the package, the sequence, the server certificate). */
    readonly triggers: pulumi.Input<pulumi.Input<string>[]>;
    /** A stack that only approves: the sequence to await the commit of. Undefined when this stack commits. */
    readonly awaitSequence: pulumi.Input<number> | undefined;
}

/** One smoke check per peer of the org, the first peer's first: every peer must reach the server. */
export function smokeCheckArgs(name: string, request: SmokeCheckRequest): Array<Declared<ChaincodeSmokeCheckArgs>> {
    const { org, channel, timeoutSeconds } = request.lifecycle;
    const approvesOnly = request.awaitSequence !== undefined;
    return org.peers.map((_, i) => ({
        name: i === 0 ? `${name}-smoke` : `${name}-smoke-peer${i}`,
        args: {
            ...signerOf(org, timeoutSeconds),
            peer: orgPeer(org, i),
            channel,
            chaincodeName: request.chaincodeName,
            fn: request.fn,
            args: request.args ? [...request.args] : undefined,
            waitSeconds: request.waitSeconds,
            expectedPackageId: request.expectedPackageId,
            chaincodeAddress: request.chaincodeAddress,
            triggers: request.triggers,
            awaitSequence: request.awaitSequence,
            commitWaitSeconds: approvesOnly ? request.commitWaitSeconds : undefined,
            settingNames: { ...orgPeerSettingNames(org, i), fn: "smokeFunction", args: "smokeArgs", waitSeconds: "smokeWaitSeconds" },
        },
    }));
}

/** Definition inputs under the names the user gives them. */
const DEFINITION_SETTING_NAMES = { name: "chaincodeName", version: "chaincodeVersion", collections: "collectionsFile", timeoutSeconds: "fabricTimeoutSeconds" };

/** The orgs a lifecycle acts for, `org` first: the resource-name prefix and the setting prefix of each. */
function actingOrgs(name: string, args: ChaincodeLifecycleArgs): Array<{ org: FabricOrgArgs; prefix: string; settingPrefix: string }> {
    return [
        // The first org's resources keep the names they had before other orgs existed.
        { org: args.org, prefix: name, settingPrefix: "" },
        ...(args.otherOrgs ?? []).map((org, k) => ({ org, prefix: `${name}-${org.mspId}`, settingPrefix: `otherOrgs[${k}].` })),
    ];
}

/** The org's admin signs, over its client TLS certificate when it has one. */
function signerOf(org: FabricOrgArgs, timeoutSeconds: number | undefined): SignerArgs & TransportArgs {
    return {
        mspId: org.mspId,
        adminCertPem: org.adminCertPem,
        adminKeyPem: org.adminKeyPem,
        adminHsm: org.adminHsm,
        clientTlsCertPem: org.clientTlsCertPem,
        clientTlsKeyPem: org.clientTlsKeyPem,
        timeoutSeconds,
    };
}

/** The org's peer `index`, its TLS CA its own or the org's. */
function orgPeer(org: FabricOrgArgs, index: number): PeerArgs {
    const peer = org.peers[index];
    return { endpoint: peer.endpoint, tlsCaPem: peer.tlsCaPem ?? org.peerTlsCaPem, hostOverride: peer.hostOverride };
}

/**
 * A resource's peer inputs named as the user wrote them: the org's peer
 * `index`, its CA its own or the org's; `settingPrefix` is "" for the first
 * org and "otherOrgs[k]." for the others.
 */
export function orgPeerSettingNames(org: FabricOrgArgs, index: number, settingPrefix = ""): Record<string, string> {
    const names: Record<string, string> = {
        peerEndpoint: `${settingPrefix}peers[${index}].endpoint`,
        peerTlsCaPem: org.peers[index]?.tlsCaPem === undefined ? `${settingPrefix}peerTlsCaPem` : `${settingPrefix}peers[${index}].tlsCaPem`,
        peerHostOverride: `${settingPrefix}peers[${index}].hostOverride`,
        timeoutSeconds: "fabricTimeoutSeconds",
    };
    // The identity keys are named as the stack's settings hold them: flat, under the org's prefix.
    for (const key of ["mspId", "adminCertPem", "adminKeyPem", ...Object.values<string>(ADMIN_HSM_INPUTS), "clientTlsCertPem", "clientTlsKeyPem"]) names[key] = `${settingPrefix}${key}`;
    return names;
}
