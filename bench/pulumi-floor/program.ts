/**
 * The floor: a Pulumi program that registers the graph a plan describes
 * (./plan.ts) and does nothing
 * else. The TLS and Kubernetes providers do their real work; the dynamic
 * resources are no-ops. Its `up`, no-op `up`, preview and state size are
 * what the engine needs for a graph of our stack's shape. The plan's path
 * is the stack's `plan` setting.
 */
import { readFileSync } from "node:fs";
import * as pulumi from "@pulumi/pulumi";
import { type FloorPlan, type FloorResource, PLAN_SECRET } from "./plan";

/** Creates, reads and deletes nothing: the engine's own cost of a dynamic resource. */
const NO_OP: pulumi.dynamic.ResourceProvider = {
    create: async () => ({ id: "floor", outs: {} }),
};

class FloorComponent extends pulumi.ComponentResource {
    constructor(type: string, name: string, opts: pulumi.ComponentResourceOptions) {
        super(type, name, {}, opts);
        this.registerOutputs({});
    }
}

class FloorCustomResource extends pulumi.CustomResource {
    constructor(type: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions) {
        super(type, name, props, opts);
    }
}

class FloorProvider extends pulumi.ProviderResource {
    constructor(pkg: string, name: string, props: pulumi.Inputs, opts: pulumi.ResourceOptions) {
        super(pkg, name, props, opts);
    }
}

class FloorDynamicResource extends pulumi.dynamic.Resource {
    constructor(name: string, opts: pulumi.CustomResourceOptions, module?: string, type?: string) {
        super(NO_OP, name, {}, opts, module, type);
    }
}

function withSecrets(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(withSecrets);
    if (value === null || typeof value !== "object") return value;
    const record = value as Record<string, unknown>;
    if (PLAN_SECRET in record) return pulumi.secret(withSecrets(record[PLAN_SECRET]));
    return Object.fromEntries(Object.entries(record).map(([key, item]) => [key, withSecrets(item)]));
}

function register(plan: FloorPlan): void {
    const registered: pulumi.Resource[] = [];
    for (const resource of plan.resources) registered.push(registerOne(resource, registered));
}

function registerOne(resource: FloorResource, registered: readonly pulumi.Resource[]): pulumi.Resource {
    const opts: pulumi.CustomResourceOptions = {
        parent: resource.parent === undefined ? undefined : registered[resource.parent],
        provider:
            resource.provider === undefined ? undefined : (registered[resource.provider] as pulumi.ProviderResource),
        dependsOn: resource.dependsOn.map((at) => registered[at]),
        additionalSecretOutputs: resource.additionalSecretOutputs ? [...resource.additionalSecretOutputs] : undefined,
    };
    const inputs = withSecrets(resource.inputs) as pulumi.Inputs;
    switch (resource.kind) {
        case "component":
            return new FloorComponent(resource.type, resource.name, { parent: opts.parent });
        case "provider":
            return new FloorProvider(resource.type, resource.name, inputs, { parent: opts.parent });
        case "custom":
            return new FloorCustomResource(resource.type, resource.name, inputs, opts);
        case "dynamic":
            return new FloorDynamicResource(resource.name, opts, resource.dynamicModule, resource.dynamicType);
    }
}

register(JSON.parse(readFileSync(new pulumi.Config().require("plan"), "utf8")) as FloorPlan);
