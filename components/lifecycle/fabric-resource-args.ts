/**
 * What the components pass to the Fabric resources, as pure functions of
 * their arguments: the installs, approvals and commit of a lifecycle, and
 * the smoke checks of a chaincode. Tested without Pulumi mocks.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { ChaincodeLifecycleArgs, FabricOrgArgs } from "./chaincode-lifecycle";
import type {
    ChaincodeApprovalArgs,
    ChaincodeDefinitionArgs,
    ChaincodeInstallArgs,
    ChaincodeSmokeCheckArgs,
    PeerArgs,
    SignerArgs,
    TransportArgs,
} from "./providers";
import { ADMIN_HSM_INPUTS } from "./providers/shared";
import { type NameOf, namerOf, type SettingNames } from "../setting-names";

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
export function lifecycleResourceArgs(
    name: string,
    args: ChaincodeLifecycleArgs,
    definition: LifecycleDefinition,
): LifecycleResourceArgs {
    const orgs = actingOrgs(name, args);
    const nameOf = namerOf(args.settingNames);
    const definitionNames = namedAs(nameOf, DEFINITION_ARGUMENTS);
    const definitionFields = {
        channel: args.channel,
        name: definition.chaincodeName,
        version: definition.version,
        sequence: args.sequence ?? "auto",
        endorsementPolicy: args.endorsementPolicy,
        collections: args.collections,
        initRequired: args.initRequired,
        orderer: args.orderer,
        orderers: args.orderers?.map((target) => ({
            endpoint: target.endpoint,
            tlsCaPem: target.tlsCaPem,
            hostOverride: target.hostOverride,
        })),
        plannedSequence: definition.plannedSequence,
        plannedChange: definition.plannedChange,
    };
    const installs = orgs.map(({ org, prefix, orgPath }) =>
        org.peers.map((_, index) => ({
            name: `${prefix}-install-${index}`,
            args: {
                ...signerOf(org, args.timeoutSeconds),
                peer: orgPeer(org, index),
                packageBase64: definition.packageBase64,
                packageId: definition.packageId,
                settingNames: orgPeerSettingNames(org, index, orgPath, nameOf),
            },
        })),
    );
    const approvals = orgs.map(({ org, prefix, orgPath }) => ({
        name: `${prefix}-approval`,
        args: {
            ...signerOf(org, args.timeoutSeconds),
            peer: orgPeer(org, 0),
            ...definitionFields,
            settingNames: { ...orgPeerSettingNames(org, 0, orgPath, nameOf), ...definitionNames },
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
                    ...identitySettingNames("org", nameOf),
                    ...definitionNames,
                    ...Object.fromEntries(orgs.map(({ orgPath }, k) => [`peers[${k}]`, nameOf(`${orgPath}.peers[0]`)])),
                    "peers[0].tlsCaPem": nameOf(
                        args.org.peers[0].tlsCaPem === undefined ? "org.peerTlsCaPem" : "org.peers[0].tlsCaPem",
                    ),
                    ...Object.fromEntries(
                        commitPeers.map((_, i) => [`peers[${i + actingPeers.length}]`, nameOf(`commitPeers[${i}]`)]),
                    ),
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
    /** How the chaincode's users name its arguments (ExternalChaincodeArgs.settingNames). Defaults to the argument paths. */
    readonly settingNames?: SettingNames;
}

/** One smoke check per peer of the org, the first peer's first: every peer must reach the server. */
export function smokeCheckArgs(name: string, request: SmokeCheckRequest): Array<Declared<ChaincodeSmokeCheckArgs>> {
    const { org, channel, timeoutSeconds } = request.lifecycle;
    const approvesOnly = request.awaitSequence !== undefined;
    const nameOf = namerOf(request.settingNames);
    const smokeNames = namedAs(nameOf, SMOKE_ARGUMENTS);
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
            settingNames: {
                ...orgPeerSettingNames(org, i, "lifecycle.org", nameOf, "lifecycle.timeoutSeconds"),
                ...smokeNames,
            },
        },
    }));
}

/** The definition's inputs by the lifecycle argument each comes from. */
const DEFINITION_ARGUMENTS = {
    channel: "channel",
    name: "chaincodeName",
    version: "version",
    sequence: "sequence",
    endorsementPolicy: "endorsementPolicy",
    collections: "collections",
    initRequired: "initRequired",
    ordererEndpoint: "orderer.endpoint",
    ordererTlsCaPem: "orderer.tlsCaPem",
    ordererHostOverride: "orderer.hostOverride",
    orderers: "orderers",
    requiredApprovals: "requiredApprovals",
    timeoutSeconds: "timeoutSeconds",
};

/** The smoke check's inputs by the ExternalChaincode argument each comes from. */
const SMOKE_ARGUMENTS = {
    channel: "lifecycle.channel",
    chaincodeName: "chaincodeName",
    fn: "smokeCheck.fn",
    args: "smokeCheck.args",
    waitSeconds: "smokeCheck.waitSeconds",
    commitWaitSeconds: "smokeCheck.commitWaitSeconds",
};

/** Each input's argument path, named for the user. */
function namedAs(nameOf: NameOf, paths: Readonly<Record<string, string>>): Record<string, string> {
    return Object.fromEntries(Object.entries(paths).map(([input, path]) => [input, nameOf(path)]));
}

/** The orgs a lifecycle acts for, `org` first: the resource-name prefix and the argument path of each. */
function actingOrgs(
    name: string,
    args: ChaincodeLifecycleArgs,
): Array<{ org: FabricOrgArgs; prefix: string; orgPath: string }> {
    return [
        // The first org's resources keep the names they had before other orgs existed.
        { org: args.org, prefix: name, orgPath: "org" },
        ...(args.otherOrgs ?? []).map((org, k) => ({
            org,
            prefix: `${name}-${org.mspId}`,
            orgPath: `otherOrgs[${k}]`,
        })),
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
 * A resource's peer and identity inputs named for the user: the org at
 * `orgPath`, its peer `index`, whose CA is its own or the org's.
 */
function orgPeerSettingNames(
    org: FabricOrgArgs,
    index: number,
    orgPath: string,
    nameOf: NameOf,
    timeoutPath = "timeoutSeconds",
): Record<string, string> {
    const peer = `${orgPath}.peers[${index}]`;
    return {
        ...identitySettingNames(orgPath, nameOf),
        peerEndpoint: nameOf(`${peer}.endpoint`),
        peerTlsCaPem: nameOf(org.peers[index]?.tlsCaPem === undefined ? `${orgPath}.peerTlsCaPem` : `${peer}.tlsCaPem`),
        peerHostOverride: nameOf(`${peer}.hostOverride`),
        timeoutSeconds: nameOf(timeoutPath),
    };
}

/** The signer's inputs of the org at `orgPath`, named for the user. */
function identitySettingNames(orgPath: string, nameOf: NameOf): Record<string, string> {
    const names: Record<string, string> = {};
    for (const key of ["mspId", "adminCertPem", "adminKeyPem", "clientTlsCertPem", "clientTlsKeyPem"])
        names[key] = nameOf(`${orgPath}.${key}`);
    for (const [field, input] of Object.entries(ADMIN_HSM_INPUTS))
        names[input] = nameOf(`${orgPath}.adminHsm.${field}`);
    return names;
}
