/**
 * A NetworkPolicy in front of every chaincode server: without one, any pod in
 * the cluster can dial the chaincode. A policy covers a workload when it is in
 * the same namespace, selects the workload's pods and restricts ingress.
 */
import type { ResourceView } from "./resource";
import { isUnknown, list, record } from "./resource";
import { containersOf, isChaincodeServer, podSpecOf, workloadLabel } from "./workloads";

const NETWORK_POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";

function namespaceOf(resource: ResourceView): unknown {
    return record(resource.props.metadata)?.namespace ?? "default";
}

function podLabelsOf(resource: ResourceView): Record<string, unknown> {
    const template = record(record(resource.props.spec)?.template);
    return record(record(template?.metadata)?.labels) ?? record(record(resource.props.metadata)?.labels) ?? {};
}

function sameNamespace(a: unknown, b: unknown): boolean {
    return isUnknown(a) || isUnknown(b) || a === b;
}

function selects(policy: ResourceView, labels: Record<string, unknown>): boolean {
    const spec = record(policy.props.spec) ?? {};
    const selector = record(spec.podSelector) ?? {};
    // matchExpressions are not judged: a policy that uses them is taken to select.
    const matchLabels = record(selector.matchLabels) ?? {};
    const labelsMatch = Object.entries(matchLabels).every(([key, value]) => isUnknown(value) || labels[key] === value);
    const types = list(spec.policyTypes);
    const restrictsIngress = types.length === 0 || types.includes("Ingress");
    return labelsMatch && restrictsIngress;
}

export function unguardedChaincodeServers(
    resources: readonly ResourceView[],
): Array<{ resource: ResourceView; message: string }> {
    const policies = resources.filter((r) => r.type === NETWORK_POLICY);
    return resources
        .filter((r) => {
            const pod = podSpecOf(r);
            return pod !== undefined && containersOf(pod).some(({ container }) => isChaincodeServer(container));
        })
        .filter(
            (r) => !policies.some((p) => sameNamespace(namespaceOf(p), namespaceOf(r)) && selects(p, podLabelsOf(r))),
        )
        .map((resource) => ({
            resource,
            message:
                `${workloadLabel(resource)} in namespace ${JSON.stringify(namespaceOf(resource))} serves a chaincode ` +
                "with no NetworkPolicy selecting its pods; expected one admitting only the peers (networkPolicy: true)",
        }));
}
