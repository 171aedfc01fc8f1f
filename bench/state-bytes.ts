/**
 * Where a stack's state bytes go: compact JSON bytes (as the file backend
 * writes them) per resource type, and the properties that weigh most, each
 * summed over its resources (`<type> inputs.<key>` / `outputs.<key>`).
 */
import type { StateResource } from "../testenv/pulumi/workspace";

export interface StateBytes {
    readonly total: number;
    readonly byType: Record<string, number>;
    readonly heaviestProperties: Record<string, number>;
}

const bytesOf = (value: unknown) => Buffer.byteLength(JSON.stringify(value) ?? "");

export function stateBytes(resources: readonly StateResource[], heaviest = 12): StateBytes {
    const byType: Record<string, number> = {};
    const byProperty: Record<string, number> = {};
    for (const resource of resources) {
        byType[resource.type] = (byType[resource.type] ?? 0) + bytesOf(resource);
        for (const part of ["inputs", "outputs"] as const)
            for (const [key, value] of Object.entries(resource[part] ?? {})) {
                const name = `${resource.type} ${part}.${key}`;
                byProperty[name] = (byProperty[name] ?? 0) + bytesOf(value);
            }
    }
    const sorted = (record: Record<string, number>, count = Number.POSITIVE_INFINITY) =>
        Object.fromEntries(
            Object.entries(record)
                .sort(([, a], [, b]) => b - a)
                .slice(0, count),
        );
    return {
        total: resources.reduce((sum, resource) => sum + bytesOf(resource), 0),
        byType: sorted(byType),
        heaviestProperties: sorted(byProperty, heaviest),
    };
}
