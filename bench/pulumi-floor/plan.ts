/**
 * The floor's plan, made from a stack's own state: every resource the stack
 * registered (components, providers, TLS and Kubernetes objects, dynamic
 * resources), with its parent, provider and dependencies, so the floor
 * program (./program.ts) registers a graph of exactly the same shape. The
 * TLS and Kubernetes resources keep their inputs (the real providers do the
 * same work for them); the dynamic ones become no-ops with no inputs (what
 * the engine costs for a dynamic resource, without our providers' work or
 * data). Namespaces the stack owns are renamed, so the floor's objects sit
 * beside the stack's on the same cluster. Read from the state, the two
 * cannot drift apart.
 */

/** A secret value in a plan (the program registers it as a Pulumi secret again). */
export const PLAN_SECRET = "__floorSecret";
/** What the engine writes in place of a secret's value (`stack export --show-secrets` adds `plaintext`). */
const STATE_SECRET_SIGNATURE = "4dabf18193072939515e22adb298388d";

export type FloorKind = "component" | "provider" | "custom" | "dynamic";

export interface FloorResource {
    readonly kind: FloorKind;
    /** The type token (for a provider, its package; for a dynamic resource, module and type below). */
    readonly type: string;
    readonly name: string;
    /** Indexes into the plan's resources, always of earlier ones. */
    readonly parent?: number;
    readonly provider?: number;
    readonly dependsOn: readonly number[];
    /** With secrets as `{ [PLAN_SECRET]: value }`. */
    readonly inputs: Record<string, unknown>;
    readonly additionalSecretOutputs?: readonly string[];
    /** For a dynamic resource: the module and type it was registered with. */
    readonly dynamicModule?: string;
    readonly dynamicType?: string;
}

export interface FloorPlan {
    readonly resources: readonly FloorResource[];
}

/** A resource as `pulumi stack export` prints it (the fields the plan reads). */
export interface ExportedResource {
    readonly urn: string;
    readonly type: string;
    readonly custom?: boolean;
    readonly delete?: boolean;
    readonly parent?: string;
    readonly provider?: string;
    readonly dependencies?: readonly string[];
    readonly inputs?: Record<string, unknown>;
    readonly additionalSecretOutputs?: readonly string[];
}

const STACK_TYPE = "pulumi:pulumi:Stack";
const PROVIDER_PREFIX = "pulumi:providers:";
const DYNAMIC_PREFIX = "pulumi-nodejs:dynamic";

/** The plan for `resources` (a state's `deployment.resources`, exported with secrets shown). */
export function floorPlan(resources: readonly ExportedResource[], namespacePrefix = "floor-"): FloorPlan {
    const replayedResources = replayed(resources);
    const ownedNamespaces = new Set(
        replayedResources
            .filter((resource) => resource.type === "kubernetes:core/v1:Namespace")
            .map((resource) => (resource.inputs?.metadata as { name?: string } | undefined)?.name)
            .filter((name): name is string => typeof name === "string"),
    );
    const replayedUrns = new Set(replayedResources.map((resource) => resource.urn));
    const index = new Map<string, number>();
    const plan: FloorResource[] = [];
    for (const resource of replayedResources) {
        // The state lists a resource after everything it refers to; the plan relies on that order.
        const earlier = (urn: string | undefined) => {
            if (urn === undefined || !replayedUrns.has(urn)) return undefined;
            const at = index.get(urn);
            if (at === undefined) throw new Error(`${resource.urn} refers to ${urn}, which the state lists after it`);
            return at;
        };
        const kind = kindOf(resource);
        let inputs: Record<string, unknown> = {};
        if (kind === "custom" || kind === "provider") {
            inputs = decodeSecrets(resource.inputs ?? {}) as Record<string, unknown>;
            if (resource.type.startsWith("kubernetes:") && kind === "custom")
                inputs = renameNamespaces(resource, inputs, ownedNamespaces, namespacePrefix);
        }
        const dynamic = kind === "dynamic" ? dynamicTokens(resource.type) : undefined;
        plan.push({
            kind,
            type: kind === "provider" ? resource.type.slice(PROVIDER_PREFIX.length) : resource.type,
            name: nameOf(resource.urn),
            parent: earlier(resource.parent),
            provider: earlier(resource.provider?.split("::").slice(0, -1).join("::")),
            dependsOn: (resource.dependencies ?? []).map(earlier).filter((at): at is number => at !== undefined),
            inputs,
            ...(resource.additionalSecretOutputs?.length
                ? { additionalSecretOutputs: resource.additionalSecretOutputs }
                : {}),
            ...(dynamic ? { dynamicModule: dynamic.module, dynamicType: dynamic.type } : {}),
        });
        index.set(resource.urn, plan.length - 1);
    }
    return { resources: plan };
}

/** How many resources of each type a plan (or a state) holds: what the bench reports beside the figures. */
export function resourceMix(types: readonly string[]): Record<string, number> {
    const mix: Record<string, number> = {};
    for (const type of [...types].sort()) mix[type] = (mix[type] ?? 0) + 1;
    return mix;
}

/** The types a plan registers, as the state will record them. */
export function planTypes(plan: FloorPlan): string[] {
    return plan.resources.map((resource) =>
        resource.kind === "provider" ? `${PROVIDER_PREFIX}${resource.type}` : resource.type,
    );
}

/** The types a state holds that a plan replays. */
export function replayedTypes(resources: readonly ExportedResource[]): string[] {
    return replayed(resources).map((resource) => resource.type);
}

/** What a plan replays of a state: no stack, no default provider, nothing pending deletion. */
function replayed(resources: readonly ExportedResource[]): ExportedResource[] {
    return resources.filter(
        (resource) => !resource.delete && resource.type !== STACK_TYPE && !isDefaultProvider(resource),
    );
}

function isDefaultProvider(resource: ExportedResource): boolean {
    return resource.type.startsWith(PROVIDER_PREFIX) && nameOf(resource.urn).startsWith("default");
}

function kindOf(resource: ExportedResource): FloorKind {
    if (resource.type.startsWith(PROVIDER_PREFIX)) return "provider";
    if (resource.type.startsWith(DYNAMIC_PREFIX)) return "dynamic";
    return resource.custom ? "custom" : "component";
}

/** `pulumi-nodejs:dynamic/fabric:ChaincodeInstall` -> module `fabric`, type `ChaincodeInstall`. */
function dynamicTokens(type: string): { module?: string; type?: string } {
    const match = /^pulumi-nodejs:dynamic\/([^:]+):(.+)$/.exec(type);
    return match ? { module: match[1], type: match[2] } : {};
}

/** The name part of a URN (`urn:pulumi:stack::project::a$b::name`). */
function nameOf(urn: string): string {
    return urn.split("::").slice(3).join("::");
}

function decodeSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(decodeSecrets);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (STATE_SECRET_SIGNATURE in record) {
        if (typeof record.plaintext !== "string")
            throw new Error("the state's secrets are encrypted: export it with --show-secrets");
        return { [PLAN_SECRET]: decodeSecrets(JSON.parse(record.plaintext)) };
    }
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, decodeSecrets(item)]));
}

/** Every string equal to a namespace the stack owns, renamed; a namespaced object must be in one of them. */
function renameNamespaces(
    resource: ExportedResource,
    inputs: Record<string, unknown>,
    owned: ReadonlySet<string>,
    prefix: string,
): Record<string, unknown> {
    const namespace = (inputs.metadata as { namespace?: unknown } | undefined)?.namespace;
    if (typeof namespace === "string" && !owned.has(namespace))
        throw new Error(
            `${resource.urn} is in the namespace ${namespace}, which the stack does not create: the floor would overwrite it`,
        );
    const rename = (value: unknown): unknown => {
        if (typeof value === "string") return owned.has(value) ? `${prefix}${value}` : value;
        if (Array.isArray(value)) return value.map(rename);
        if (value === null || typeof value !== "object") return value;
        return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, rename(item)]));
    };
    return rename(inputs) as Record<string, unknown>;
}
