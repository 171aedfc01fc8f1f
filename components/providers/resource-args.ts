/** Argument types and options shared by the Fabric dynamic resources (program side, not the provider process). */

import * as pulumi from "@pulumi/pulumi";

/** The Fabric dynamic resources: their type tokens are `pulumi-nodejs:dynamic/fabric:<name>`. */
export const FABRIC_RESOURCE_MODULE = "fabric";

/**
 * Each Fabric dynamic resource's inputs that hold key material, wrapped as
 * secrets on the way in and out. The install's package may carry the peer's
 * client key in connection.json.
 */
export const FABRIC_SECRET_INPUTS = {
    ChaincodeApproval: ["adminKeyPem", "adminHsmPin", "clientTlsKeyPem"],
    ChaincodeDefinition: ["adminKeyPem", "adminHsmPin", "clientTlsKeyPem"],
    ChaincodeInstall: ["adminKeyPem", "adminHsmPin", "clientTlsKeyPem", "packageBase64"],
    ChaincodeSmokeCheck: ["adminKeyPem", "adminHsmPin", "clientTlsKeyPem"],
} as const;

/** The type token the engine records for a Fabric dynamic resource. */
export function fabricResourceType(resource: keyof typeof FABRIC_SECRET_INPUTS): string {
    return `pulumi-nodejs:dynamic/${FABRIC_RESOURCE_MODULE}:${resource}`;
}

/** Adds state keys that must stay secret even when the provider echoes them back as outputs. */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, keys: readonly string[]): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...keys])] };
}

/**
 * The inputs with each of `keys` wrapped as a secret, so a caller who passes
 * plain strings still gets ciphertext in the state's inputs and outputs.
 */
export function withSecretInputs<T extends object>(args: T, keys: readonly (keyof T)[]): T {
    const wrapped = { ...args } as Record<string, unknown>;
    for (const key of keys) {
        const value = wrapped[key as string];
        if (value !== undefined) wrapped[key as string] = pulumi.secret(value as pulumi.Input<unknown>);
    }
    return wrapped as T;
}

/** How the user spelled the inputs, for check failures. */
export interface SettingNamesArgs {
    /** Input path (or a prefix such as "peers[1]") -> the setting the user wrote, e.g. "commitPeers[0]"; a failed check names that setting. Defaults to the input names. */
    readonly settingNames?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** A static private data collection (the fields of the peer CLI's collections_config.json). */
export interface CollectionArgs {
    /** Collection name. */
    readonly name: pulumi.Input<string>;
    /** Member orgs policy, OR-only, e.g. "OR('Org1MSP.member', 'Org2MSP.member')". */
    readonly policy: pulumi.Input<string>;
    /** Defaults to 0. */
    readonly requiredPeerCount?: pulumi.Input<number>;
    /** Defaults to 1. */
    readonly maxPeerCount?: pulumi.Input<number>;
    /** Blocks until purge; 0 keeps data forever. Defaults to 0. */
    readonly blockToLive?: pulumi.Input<number>;
    /** Defaults to false. */
    readonly memberOnlyRead?: pulumi.Input<boolean>;
    /** Defaults to false. */
    readonly memberOnlyWrite?: pulumi.Input<boolean>;
    /** Collection-level endorsement policy (text or channel policy path). Defaults to the chaincode's. */
    readonly endorsementPolicy?: pulumi.Input<string>;
}

/** One endorsing peer for the commit. */
export interface PeerTargetArgs {
    /** host:port */
    readonly endpoint: pulumi.Input<string>;
    /** PEM of the CA of the peer's TLS certificate. Required: admin-signed requests go over TLS only. */
    readonly tlsCaPem?: pulumi.Input<string>;
    /** TLS server name when it differs from the host in endpoint. Defaults to none. */
    readonly hostOverride?: pulumi.Input<string>;
    /** The peer's org; lets a readiness failure show how that org's approval differs. Defaults to none. */
    readonly mspId?: pulumi.Input<string>;
}

/** How a resource reaches one peer. */
export interface PeerConnectionArgs {
    /** Peer gRPC endpoint, host:port. */
    readonly peerEndpoint: pulumi.Input<string>;
    /** PEM of the CA that signed the peer's TLS certificate. Required: admin-signed requests go over TLS only. */
    readonly peerTlsCaPem?: pulumi.Input<string>;
    /** TLS server name of the peer when it differs from the host in peerEndpoint. Defaults to none. */
    readonly peerHostOverride?: pulumi.Input<string>;
}

/** TLS to peers and orderer, with client certificates for mutual TLS. */
export interface TransportArgs {
    /** Refused when true: every request these resources send is signed by an org admin and goes over TLS only. Kept so a stack that sets it is told why. */
    readonly insecurePlaintext?: pulumi.Input<boolean>;
    /** Client TLS certificate (PEM) when peers or orderer require mutual TLS. Defaults to none. */
    readonly clientTlsCertPem?: pulumi.Input<string>;
    /** Its private key (PEM, secret). Defaults to none. */
    readonly clientTlsKeyPem?: pulumi.Input<string>;
}

/** The identity that signs: an admin of the org (or, for queries, any channel member). */
export interface SignerArgs {
    /** MSP ID of the signing identity's org, e.g. "Org1MSP". */
    readonly mspId: pulumi.Input<string>;
    /** Certificate (PEM) of the signing identity. */
    readonly adminCertPem: pulumi.Input<string>;
    /** Its private key (PEM, secret). Required unless the adminHsm inputs are given. */
    readonly adminKeyPem?: pulumi.Input<string>;
    /** With the key in an HSM (PKCS#11, P-256): the absolute path of the PKCS#11 library. */
    readonly adminHsmLibrary?: pulumi.Input<string>;
    /** Label of the token that holds the key. */
    readonly adminHsmTokenLabel?: pulumi.Input<string>;
    /** The key's CKA_ID, as text. */
    readonly adminHsmKeyId?: pulumi.Input<string>;
    /** The token's user PIN (secret). */
    readonly adminHsmPin?: pulumi.Input<string>;
    /** Deadline of each gRPC call, seconds. Defaults to 30. */
    readonly timeoutSeconds?: pulumi.Input<number>;
}

/** One orderer of a list. */
export interface OrdererTargetArgs {
    /** host:port. */
    readonly endpoint: pulumi.Input<string>;
    /** PEM of the CA of the orderer's TLS certificate. Required. */
    readonly tlsCaPem?: pulumi.Input<string>;
    /** TLS server name of the orderer. Defaults to none. */
    readonly hostOverride?: pulumi.Input<string>;
}

/** Where transactions go, and how long to wait for them. */
export interface OrdererConnectionArgs {
    /** Orderer to broadcast to, host:port. Defaults to none: the peer's gateway submits. */
    readonly ordererEndpoint?: pulumi.Input<string>;
    /** PEM of the CA of the orderer's TLS certificate. Required with ordererEndpoint. */
    readonly ordererTlsCaPem?: pulumi.Input<string>;
    /** TLS server name of the orderer. Defaults to none. */
    readonly ordererHostOverride?: pulumi.Input<string>;
    /**
     * Several orderers instead of ordererEndpoint: on a BFT channel the
     * transaction goes to all at once and needs a quorum of its consenters;
     * otherwise they are tried in this order. Defaults to none.
     */
    readonly orderers?: pulumi.Input<pulumi.Input<OrdererTargetArgs>[]>;
    /** How long to wait for the transaction to be committed, seconds. Defaults to 120. */
    readonly commitTimeoutSeconds?: pulumi.Input<number>;
}

/** The fields of a chaincode definition, shared by approval and commit. */
export interface DefinitionArgs {
    /** Channel name. Changing it replaces the resource. */
    readonly channel: pulumi.Input<string>;
    /** Chaincode name. Changing it replaces the resource. */
    readonly name: pulumi.Input<string>;
    /** Chaincode version label. */
    readonly version: pulumi.Input<string>;
    /** Definition sequence, or "auto" (the committed sequence, +1 when the definition changes). Defaults to "auto". */
    readonly sequence?: pulumi.Input<number | "auto">;
    /** Endorsement policy text (e.g. "OR('Org1MSP.member')") or a channel policy path. Defaults to "/Channel/Application/Endorsement". */
    readonly endorsementPolicy?: pulumi.Input<string>;
    /** Static private data collections. Defaults to none. */
    readonly collections?: pulumi.Input<pulumi.Input<CollectionArgs>[]>;
    /** Whether Init must be called first. Defaults to false. */
    readonly initRequired?: pulumi.Input<boolean>;
    /** Defaults to "escc". */
    readonly endorsementPlugin?: pulumi.Input<string>;
    /** Defaults to "vscc". */
    readonly validationPlugin?: pulumi.Input<string>;
    /** The sequence planned from the channel before declaring (e.g. by lookupChannelPlan): shown in the preview; with "auto", `up` stops when the channel has moved since. Defaults to none. */
    readonly plannedSequence?: pulumi.Input<number>;
    /** What the plan does, in words (shown in the preview). Defaults to none. */
    readonly plannedChange?: pulumi.Input<string>;
}
