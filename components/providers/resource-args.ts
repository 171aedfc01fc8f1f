/** Argument types and options shared by the Fabric dynamic resources (program side, not the provider process). */
import type * as pulumi from "@pulumi/pulumi";

/** Adds state keys that must stay secret even when the provider echoes them back as outputs. */
export function withSecretOutputs(opts: pulumi.CustomResourceOptions | undefined, keys: readonly string[]): pulumi.CustomResourceOptions {
    return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...keys])] };
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
    /** PEM of the CA of the peer's TLS certificate. Required unless insecurePlaintext is true. */
    readonly tlsCaPem?: pulumi.Input<string>;
    /** TLS server name when it differs from the host in endpoint. Defaults to none. */
    readonly hostOverride?: pulumi.Input<string>;
    /** The peer's org; lets a readiness failure show how that org's approval differs. Defaults to none. */
    readonly mspId?: pulumi.Input<string>;
}
