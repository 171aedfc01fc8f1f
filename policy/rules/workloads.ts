/**
 * Where the Kubernetes workload types keep their pod spec, and which
 * containers serve a chaincode (the ones carrying the ccaas environment).
 */
import { list, type ResourceView, record } from "./resource";

const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
    "kubernetes:core/v1:Pod": ["spec"],
    "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
    "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
    "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
    "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
    "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

export interface PodSpec {
    /** Dotted path of the pod spec in the resource's inputs, for messages. */
    readonly path: string;
    readonly spec: Record<string, unknown>;
}

export interface Container {
    /** e.g. `spec.template.spec.containers[0]`. */
    readonly path: string;
    readonly name: string;
    readonly container: Record<string, unknown>;
}

export function podSpecOf(resource: ResourceView): PodSpec | undefined {
    const path = POD_SPEC_PATHS[resource.type];
    if (!path) return undefined;
    let at: Record<string, unknown> | undefined = resource.props;
    for (const key of path) at = record(at?.[key]);
    return at && { path: path.join("."), spec: at };
}

export function containersOf(pod: PodSpec): Container[] {
    return (["initContainers", "containers"] as const).flatMap((field) =>
        list(pod.spec[field]).flatMap((item, i) => {
            const container = record(item);
            if (!container) return [];
            return [{ path: `${pod.path}.${field}[${i}]`, name: String(container.name ?? `#${i}`), container }];
        }),
    );
}

/** The container's environment as name → literal value (valueFrom entries map to undefined). */
export function environmentOf(container: Record<string, unknown>): Map<string, unknown> {
    const vars = new Map<string, unknown>();
    for (const item of list(container.env)) {
        const entry = record(item);
        if (typeof entry?.name === "string") vars.set(entry.name, entry.value);
    }
    return vars;
}

/** A chaincode server: the container the peer dials, recognised by the ccaas server address variable. */
export function isChaincodeServer(container: Record<string, unknown>): boolean {
    return environmentOf(container).has("CHAINCODE_SERVER_ADDRESS");
}

export function workloadLabel(resource: ResourceView): string {
    return `${resource.type.split(":").pop()} "${resource.name}"`;
}
