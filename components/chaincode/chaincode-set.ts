/**
 * Several chaincodes in one stack, as the program declares them: the first
 * chaincode of each namespace creates it and the others' servers wait for
 * it; the chaincodes that ask for a shared CA get one between them.
 */
import type * as pulumi from "@pulumi/pulumi";
import { DEFAULT_NAMESPACE, dependenciesOf, ExternalChaincode, type ExternalChaincodeArgs } from "./external-chaincode";
import { ChaincodeTls } from "../tls/chaincode-tls";

export interface ChaincodeSetMember extends ExternalChaincodeArgs {
    /**
     * Issue this chaincode's certificates from the CA shared by every member
     * that sets it (the first such member's tls.algorithm and
     * tls.caValidityHours make it), so each of their servers accepts the peer
     * client certificate of any. Defaults to a CA of its own.
     */
    readonly useSharedCa?: boolean;
}

/**
 * One ExternalChaincode per member, named by its chaincode name, in the members' order.
 *
 * @example
 * ```ts
 * const [basic, marbles] = declareChaincodes([
 *     { chaincodeName: "basic", image: "myacr.azurecr.io/basic:1.0", namespace: "hlf", useSharedCa: true, lifecycle },
 *     { chaincodeName: "marbles", image: "myacr.azurecr.io/marbles:2.0", namespace: "hlf", useSharedCa: true, lifecycle },
 * ], { providers: [cluster] });
 * ```
 */
export function declareChaincodes(
    members: readonly ChaincodeSetMember[],
    opts: pulumi.ComponentResourceOptions = {},
): ExternalChaincode[] {
    const sharedCa = sharedCaOf(members);
    const namespaceOwners = new Map<string, ExternalChaincode>();
    const extraDependencies = dependenciesOf(opts.dependsOn);
    return members.map(({ useSharedCa, ...args }) => {
        const namespace = args.namespace ?? DEFAULT_NAMESPACE;
        const owner = namespaceOwners.get(namespace);
        const chaincode = new ExternalChaincode(
            args.chaincodeName,
            {
                ...args,
                createNamespace: owner ? false : args.createNamespace,
                tls: useSharedCa ? { ...args.tls, ca: sharedCa } : args.tls,
            },
            {
                ...opts,
                dependsOn: [...(owner?.namespaceResource ? [owner.namespaceResource] : []), ...extraDependencies],
            },
        );
        if (!owner) namespaceOwners.set(namespace, chaincode);
        return chaincode;
    });
}

/** The shared CA, named as the program always named it (its state stays as it is); none when no member asks for it. */
function sharedCaOf(members: readonly ChaincodeSetMember[]): ChaincodeTls | undefined {
    const first = members.find((member) => member.useSharedCa);
    if (!first) return undefined;
    return new ChaincodeTls("shared-tls", {
        serviceName: "shared",
        algorithm: first.tls?.algorithm,
        caValidityHours: first.tls?.caValidityHours,
    });
}
