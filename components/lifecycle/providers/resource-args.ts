/** Argument types and options shared by the Fabric dynamic resources (program side, not the provider process). */

import * as pulumi from "@pulumi/pulumi";
import { FLAT_INPUTS } from "./shared";

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
    ChaincodeInstall: ["adminKeyPem", "adminHsmPin", "clientTlsKeyPem", "packageBase64", "packageDeflated"],
    ChaincodeSmokeCheck: ["adminKeyPem", "adminHsmPin", "clientTlsKeyPem"],
} as const;

/** The type token the engine records for a Fabric dynamic resource. */
export function fabricResourceType(resource: keyof typeof FABRIC_SECRET_INPUTS): string {
    return `pulumi-nodejs:dynamic/${FABRIC_RESOURCE_MODULE}:${resource}`;
}

/** Adds state keys that must stay secret even when the provider echoes them back as outputs. */
export function withSecretOutputs(
    opts: pulumi.CustomResourceOptions | undefined,
    keys: readonly string[],
): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...keys])] };
}

/**
 * The inputs with each of `keys` wrapped as a secret, so a caller who passes
 * plain strings still gets ciphertext in the state's inputs and outputs.
 */
export function withSecretInputs(inputs: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
    const wrapped = { ...inputs };
    for (const key of keys) {
        const value = wrapped[key];
        if (value !== undefined) wrapped[key] = pulumi.secret(value as pulumi.Input<unknown>);
    }
    return wrapped;
}

/** The nested arguments of the Fabric resources that their inputs hold flat. */
interface NestedArguments {
    readonly peer?: PeerArgs;
    readonly orderer?: OrdererArgs;
    readonly adminHsm?: HsmKeyArgs;
}

/**
 * The one translation from a resource's arguments to the flat inputs its
 * provider and the state hold (FLAT_INPUTS: peer.endpoint is peerEndpoint);
 * everything else passes as it is.
 */
export function flatProviderInputs(args: NestedArguments & object): Record<string, unknown> {
    const { peer, orderer, adminHsm, ...rest } = args;
    const nested: Record<keyof typeof FLAT_INPUTS, object | undefined> = { peer, orderer, adminHsm };
    const flat: Record<string, unknown> = { ...rest };
    for (const [argument, fields] of Object.entries(FLAT_INPUTS) as Array<
        [keyof typeof FLAT_INPUTS, Record<string, string>]
    >) {
        const given = nested[argument] as Record<string, unknown> | undefined;
        if (given === undefined) continue;
        for (const [field, input] of Object.entries(fields)) if (given[field] !== undefined) flat[input] = given[field];
    }
    return flat;
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

/**
 * A peer, the one shape every argument that names a peer takes: an org's
 * peers, the peer a resource talks to, the commit's endorsers.
 */
export interface PeerArgs {
    /** gRPC endpoint, host:port. */
    readonly endpoint: pulumi.Input<string>;
    /** PEM of the CA of the peer's TLS certificate. Required: admin-signed requests go over TLS only (an org's peers default to its peerTlsCaPem). */
    readonly tlsCaPem?: pulumi.Input<string>;
    /** TLS server name when it differs from the endpoint's host. Defaults to none. */
    readonly hostOverride?: pulumi.Input<string>;
    /** The peer's org, for a peer of another org (a commit's endorser): a readiness failure then shows how that org's approval differs. Defaults to none. */
    readonly mspId?: pulumi.Input<string>;
}

/** An orderer to broadcast to. */
export interface OrdererArgs {
    /** host:port. */
    readonly endpoint: pulumi.Input<string>;
    /** PEM of the CA of the orderer's TLS certificate. Required. */
    readonly tlsCaPem?: pulumi.Input<string>;
    /** TLS server name of the orderer. Defaults to none. */
    readonly hostOverride?: pulumi.Input<string>;
}

/** Where an HSM holds an admin's private key (the Gateway client's PKCS#11 signer signs with it). */
export interface HsmKeyArgs {
    /** Absolute path of the PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so. */
    readonly library: pulumi.Input<string>;
    /** Label of the token that holds the key. */
    readonly tokenLabel: pulumi.Input<string>;
    /** The key's CKA_ID, as text. */
    readonly keyId: pulumi.Input<string>;
    /** The token's user PIN; kept secret. */
    readonly pin: pulumi.Input<string>;
}

/** The peer a resource talks to. */
export interface PeerConnectionArgs {
    readonly peer: PeerArgs;
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
    /** Its private key (PEM, secret). Required unless adminHsm holds it. */
    readonly adminKeyPem?: pulumi.Input<string>;
    /** The key in an HSM (PKCS#11, ECDSA P-256), instead of adminKeyPem. Defaults to none. */
    readonly adminHsm?: HsmKeyArgs;
    /** Deadline of each gRPC call, seconds. Defaults to 30. */
    readonly timeoutSeconds?: pulumi.Input<number>;
}

/** Where transactions go, and how long to wait for them. */
export interface OrdererConnectionArgs {
    /** Orderer to broadcast to. Defaults to none: the peer's gateway submits. */
    readonly orderer?: OrdererArgs;
    /**
     * Several orderers instead of orderer: on a BFT channel the transaction
     * goes to all at once and needs a quorum of its consenters; otherwise
     * they are tried in this order. Defaults to none.
     */
    readonly orderers?: pulumi.Input<pulumi.Input<OrdererArgs>[]>;
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
