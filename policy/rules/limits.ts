/** CPU and memory limits on every container, so one chaincode cannot starve the node. */
import type { ResourceView } from "./resource";
import { record } from "./resource";
import { containersOf, podSpecOf, workloadLabel } from "./workloads";

export function missingLimits(resource: ResourceView): string[] {
    const pod = podSpecOf(resource);
    if (!pod) return [];
    return containersOf(pod).flatMap(({ path, name, container }) => {
        const limits = record(record(container.resources)?.limits) ?? {};
        const missing = (["cpu", "memory"] as const).filter(
            (kind) => limits[kind] === undefined || limits[kind] === "",
        );
        if (missing.length === 0) return [];
        return [
            `${workloadLabel(resource)}: container "${name}" has no ${missing.join(" or ")} limit (${path}.resources.limits); expected both (cpuLimit, memoryLimit)`,
        ];
    });
}
