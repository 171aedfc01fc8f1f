/** The part of a resource the rules read: what @pulumi/policy hands a validation, secrets unwrapped. */
export interface ResourceView {
    readonly type: string;
    readonly name: string;
    readonly urn: string;
    readonly props: Record<string, unknown>;
}

/** How the engine passes a value it will only know during `up` (@pulumi/pulumi's unknown marker). */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True for a value not known at preview: rules judge it at `up`, when the engine checks again. */
export function isUnknown(value: unknown): boolean {
    return value === UNKNOWN;
}

/** A plain object, or undefined for anything else (absent, unknown, a list, a scalar). */
export function record(value: unknown): Record<string, unknown> | undefined {
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** A list, or empty for anything else. */
export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}
