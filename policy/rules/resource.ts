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
    return value !== null && typeof value === "object" && !Array.isArray(value)
        ? (value as Record<string, unknown>)
        : undefined;
}

/** A list, or empty for anything else. */
export function list(value: unknown): unknown[] {
    return Array.isArray(value) ? value : [];
}

/**
 * @pulumi/policy wraps props in a proxy that throws on any value unknown at
 * preview, which turns the whole rule into an "advisory: can't run" note. The
 * rules judge unknowns themselves (isUnknown), so they read the raw values
 * behind the proxy; the key is the proxy's own (@pulumi/policy 1.21.0, pinned).
 */
const PROXY_TARGET = "__getSpecialProxyTarget";

/** What a rule reads of a resource @pulumi/policy hands a validation. */
export function resourceView(resource: {
    type: string;
    name: string;
    urn: string;
    props: Record<string, unknown>;
}): ResourceView {
    const raw = resource.props[PROXY_TARGET] as Record<string, unknown> | undefined;
    return { type: resource.type, name: resource.name, urn: resource.urn, props: raw ?? resource.props };
}
