import type * as k8s from "@pulumi/kubernetes";
import { parseLabelSelector, checkCidr, checkDnsLabel } from "../validation/kubernetes";

export interface PeerAccess {
    /** Create a NetworkPolicy that admits only the peers and lets the server dial nothing. Defaults to true. */
    readonly enabled?: boolean;
    /** Labels ("key=value") of the peer pods. Defaults to ["app.kubernetes.io/component=peer"]. */
    readonly peerPodSelector?: readonly string[];
    /**
     * Labels ("key=value") of the peers' namespaces, e.g. ["kubernetes.io/metadata.name=hlf"] or the label your
     * operator puts on them. Defaults to the namespaces named by `peerNamespaces` and the server's own.
     */
    readonly peerNamespaceSelector?: readonly string[];
    /** Namespaces the peers run in, when no selector is given (ExternalChaincode reads them from the peers' in-cluster endpoints). Defaults to none. */
    readonly peerNamespaces?: readonly string[];
    /** CIDR blocks of peers outside the cluster. Defaults to none. */
    readonly peerCidrs?: readonly string[];
}

/** Who the NetworkPolicy admits, checked and defaulted. */
export interface PeerAccessSettings {
    readonly pods: Record<string, string>;
    /** The user's namespace labels; undefined: the namespaces listed in `namespaceNames`. */
    readonly namespaceLabels?: Record<string, string>;
    readonly namespaceNames: string[];
    readonly cidrs: string[];
    /** True when who is admitted follows only defaults (no selector or CIDR was given). */
    readonly defaulted: boolean;
}

export const DEFAULT_PEER_POD_SELECTOR = ["app.kubernetes.io/component=peer"];
/** The label Kubernetes sets on every namespace to its name. */
const NAMESPACE_NAME_LABEL = "kubernetes.io/metadata.name";

/** Checks the access settings of a server in `namespace`; undefined when the NetworkPolicy is off. */
export function checkPeerAccess(access: PeerAccess, namespace: string): PeerAccessSettings | undefined {
    if (!(access.enabled ?? true)) return undefined;
    const namespaceLabels =
        access.peerNamespaceSelector === undefined
            ? undefined
            : parseLabelSelector("peerAccess.peerNamespaceSelector", access.peerNamespaceSelector);
    const named = (access.peerNamespaces ?? []).map((name, i) =>
        checkDnsLabel(`peerAccess.peerNamespaces[${i}]`, name),
    );
    return {
        pods: parseLabelSelector("peerAccess.peerPodSelector", access.peerPodSelector ?? DEFAULT_PEER_POD_SELECTOR),
        namespaceLabels,
        namespaceNames: [...new Set([namespace, ...named])].sort(),
        cidrs: (access.peerCidrs ?? []).map((cidr) => checkCidr("peerAccess.peerCidrs", cidr)),
        defaulted:
            access.peerPodSelector === undefined &&
            access.peerNamespaceSelector === undefined &&
            access.peerCidrs === undefined,
    };
}

/**
 * The namespaces of peers dialled by an in-cluster name
 * (`<service>.<namespace>.svc[.cluster.local]:<port>`); other endpoints name
 * no namespace. Only the `.svc` forms are read: `a.b:7051` may be any host.
 */
export function peerNamespacesOf(endpoints: readonly string[]): string[] {
    const namespaces = endpoints
        .map((endpoint) => /^[a-z0-9-]+\.([a-z0-9-]+)\.svc(\.cluster\.local)?\.?(:[0-9]+)?$/.exec(endpoint)?.[1])
        .filter((namespace): namespace is string => namespace !== undefined);
    return [...new Set(namespaces)].sort();
}

/**
 * Ingress from the peer pods of the admitted namespaces (and the peer CIDRs)
 * to the server's port, and no egress at all: a chaincode server only
 * answers the peer, it dials nothing.
 */
export function peerAccessPolicySpec(
    access: PeerAccessSettings,
    serverPods: Record<string, string>,
    port: number,
): k8s.types.input.networking.v1.NetworkPolicySpec {
    const namespaceSelector = access.namespaceLabels
        ? { matchLabels: access.namespaceLabels }
        : { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: "In", values: access.namespaceNames }] };
    return {
        podSelector: { matchLabels: serverPods },
        policyTypes: ["Ingress", "Egress"],
        ingress: [
            {
                from: [
                    { podSelector: { matchLabels: access.pods }, namespaceSelector },
                    ...access.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
                ],
                ports: [{ protocol: "TCP", port }],
            },
        ],
        egress: [],
    };
}

/** What the NetworkPolicy admits, in words, for the preview. */
export function describePeerAccess(access: PeerAccessSettings): string {
    const namespaces = access.namespaceLabels
        ? `namespaces labelled ${
              Object.entries(access.namespaceLabels)
                  .map(([k, v]) => `${k}=${v}`)
                  .join(",") || "(any)"
          }`
        : `namespace${access.namespaceNames.length > 1 ? "s" : ""} ${access.namespaceNames.join(", ")}`;
    const pods = Object.entries(access.pods)
        .map(([k, v]) => `${k}=${v}`)
        .join(",");
    const cidrs = access.cidrs.length ? ` and from ${access.cidrs.join(", ")}` : "";
    return `admits pods labelled ${pods} in ${namespaces}${cidrs}; no egress`;
}
