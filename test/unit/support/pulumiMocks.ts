import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { testPki } from "../../support/pki";

/** The subscription and kubelet identity the mocked Azure reports. */
export const MOCK_SUBSCRIPTION = "00000000-0000-4000-8000-00000000cafe";
export const MOCK_KUBELET_OBJECT_ID = "11111111-2222-4333-8444-555555555555";

/** Pulumi's wire marker for a secret value. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const SIG_KEY = "4dabf18193072939515e22adb298388d";

export interface RecordedResource {
    readonly type: string;
    readonly name: string;
    /** Inputs as the mock saw them (secrets unwrapped). */
    readonly inputs: any;
    /** Dotted paths of inputs that reached the engine marked secret. */
    readonly secretPaths: string[];
    /** URNs this resource depends on (dependsOn and input dependencies). */
    readonly dependencies: string[];
    /** Inputs the engine is told to take from the state (ignoreChanges). */
    readonly ignoreChanges: string[];
    /** Former identities: alias URNs, or "<parent URN>::<name>" for alias specs. */
    readonly aliases: string[];
}

export interface MockRecorder {
    readonly resources: RecordedResource[];
    byType(type: string): RecordedResource[];
    named(name: string): RecordedResource;
    one(type: string): RecordedResource;
}

/** Nested secrets can reach the mock still wrapped; tests want the plain values. */
function unwrapSecrets(value: any): any {
    if (Array.isArray(value)) return value.map(unwrapSecrets);
    if (value && typeof value === "object") {
        if (value[SIG_KEY] === SECRET_SIG) return unwrapSecrets(value.value);
        return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, unwrapSecrets(v)]));
    }
    return value;
}

function secretPathsOf(value: unknown, prefix: string, out: string[]): void {
    if (Array.isArray(value)) {
        value.forEach((item, i) => {
            secretPathsOf(item, `${prefix}[${i}]`, out);
        });
    } else if (value && typeof value === "object") {
        const record = value as Record<string, unknown>;
        if (record[SIG_KEY] === SECRET_SIG) {
            out.push(prefix);
            return;
        }
        for (const [key, inner] of Object.entries(record)) secretPathsOf(inner, prefix ? `${prefix}.${key}` : key, out);
    }
}

/**
 * Installs Pulumi mocks that fill in what real providers compute (keys,
 * certificates, ids) and record every registration, including which inputs
 * arrived as secrets. Call before constructing components.
 */
export function installMocks(
    opts: { project?: string; stack?: string; config?: Record<string, string>; secretKeys?: string[] } = {},
): MockRecorder {
    const project = opts.project ?? "fabric-ccaas";
    const resources: RecordedResource[] = [];
    const pki = testPki();
    // One matching pair serves every mocked key and certificate.
    const cert = { certPem: pki.clientCertPem, keyPem: pki.clientKeyPem };
    type Seen = Pick<RecordedResource, "secretPaths" | "dependencies" | "ignoreChanges" | "aliases">;
    const pending = new Map<string, Seen>();

    pulumi.runtime.setAllConfig(
        Object.fromEntries(Object.entries(opts.config ?? {}).map(([k, v]) => [`${project}:${k}`, v])),
        (opts.secretKeys ?? []).map((key) => `${project}:${key}`),
    );
    void pulumi.runtime.setMocks(
        {
            newResource(args: pulumi.runtime.MockResourceArgs) {
                const seen = pending.get(`${args.type}::${args.name}`) ?? {
                    secretPaths: [],
                    dependencies: [],
                    ignoreChanges: [],
                    aliases: [],
                };
                resources.push({
                    type: args.type,
                    name: args.name,
                    inputs: unwrapSecrets(args.inputs),
                    ...seen,
                });
                const state = { ...args.inputs, ...computedOutputs(args, cert) };
                // Azure resources are known by their resource IDs.
                return { id: typeof state.id === "string" ? state.id : `${args.name}-id`, state };
            },
            call(args: pulumi.runtime.MockCallArgs) {
                if (args.token.includes("listManagedClusterUserCredentials")) {
                    // AKS's own exec format asks for a device code; the local-account one carries a token.
                    const user =
                        args.inputs.format === "exec"
                            ? "{exec: {apiVersion: client.authentication.k8s.io/v1beta1, command: kubelogin, args: [get-token, --login, devicecode]}}"
                            : "{token: secret-token}";
                    const kubeconfig =
                        "apiVersion: v1\nkind: Config\nclusters: [{name: aks, cluster: {server: 'https://aks.example:443'}}]\n" +
                        `contexts: [{name: aks, context: {cluster: aks, user: u}}]\ncurrent-context: aks\nusers: [{name: u, user: ${user}}]\n`;
                    return {
                        kubeconfigs: [{ name: "clusterUser", value: Buffer.from(kubeconfig).toString("base64") }],
                    };
                }
                return args.inputs;
            },
        },
        project,
        opts.stack ?? "test",
        false,
    );
    // Wrap the mock monitor to see the serialized inputs, where secrets are still marked.
    const monitor: any = (pulumi.runtime as any).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        const secretPaths: string[] = [];
        secretPathsOf(req.getObject().toJavaScript(), "", secretPaths);
        const dependencies: string[] = [...req.getDependenciesList()];
        for (const deps of req.getPropertydependenciesMap().values()) dependencies.push(...deps.getUrnsList());
        const aliases: string[] = [...(req.getAliasurnsList?.() ?? [])];
        for (const alias of req.getAliasesList?.() ?? []) {
            const spec = alias.getSpec?.();
            aliases.push(spec ? `${spec.getParenturn?.() ?? ""}::${spec.getName()}` : alias.getUrn());
        }
        pending.set(`${req.getType()}::${req.getName()}`, {
            secretPaths,
            dependencies: [...new Set(dependencies)],
            ignoreChanges: [...req.getIgnorechangesList()],
            aliases,
        });
        return register(req, callback);
    };

    return {
        resources,
        byType: (type) => resources.filter((r) => r.type === type),
        named(name) {
            const found = resources.find((r) => r.name === name);
            if (!found) throw new Error(`no resource named ${name}; have ${resources.map((r) => r.name).join(", ")}`);
            return found;
        },
        one(type) {
            const found = resources.filter((r) => r.type === type);
            if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
            return found[0];
        },
    };
}

function computedOutputs(
    args: pulumi.runtime.MockResourceArgs,
    cert: { certPem: string; keyPem: string },
): Record<string, unknown> {
    switch (args.type) {
        case "tls:index/privateKey:PrivateKey":
            return { privateKeyPem: cert.keyPem, publicKeyPem: "public" };
        case "tls:index/selfSignedCert:SelfSignedCert":
        case "tls:index/locallySignedCert:LocallySignedCert":
            return { certPem: cert.certPem };
        case "tls:index/certRequest:CertRequest":
            return { certRequestPem: "-----BEGIN CERTIFICATE REQUEST-----\n-----END CERTIFICATE REQUEST-----\n" };
        case "azure-native:containerservice:ManagedCluster":
            return {
                name: `${args.name}-cluster`,
                id: `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerService/managedClusters/${args.name}`,
                // Azure creates the nodes' kubelet identity with the cluster.
                identityProfile: {
                    kubeletidentity: {
                        objectId: MOCK_KUBELET_OBJECT_ID,
                        clientId: "kubelet-client",
                        resourceId: "kubelet-identity",
                    },
                },
            };
        case "azure-native:containerregistry:Registry":
            return {
                id: `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/${args.inputs.registryName}`,
                loginServer: `${args.inputs.registryName}.azurecr.io`,
            };
        case "command:local:Command":
            // What a registry answers for the pushed tag: a digest of its own (here derived from the tag).
            return /acr repository show|imagetools inspect/.test(args.inputs.create)
                ? { stdout: `sha256:${createHash("sha256").update(String(args.inputs.triggers)).digest("hex")}\n` }
                : { stdout: "" };
        case "azure-native:resources:ResourceGroup":
            return { name: `${args.name}-rg` };
        case "pulumi:pulumi:StackReference":
            // Another org's stack, as its outputs would read.
            return { outputs: { mspId: "Org2MSP", approvedSequence: 1 }, secretOutputNames: [] };
        case "pulumi-nodejs:dynamic/fabric:ChaincodeApproval":
            return { approvedSequence: 1 };
        case "pulumi-nodejs:dynamic/fabric:ChaincodeDefinition":
            return { committedSequence: 1 };
        case "kubernetes:core/v1:Secret":
            // The API server versions every object it stores; a version of the data here.
            return {
                metadata: {
                    ...args.inputs.metadata,
                    resourceVersion: createHash("sha256").update(JSON.stringify(args.inputs)).digest("hex").slice(0, 8),
                },
            };
        default:
            return {};
    }
}

/** Whether `resource` waits for the resource named `name` (URNs end in "::<name>"). */
export function dependsOn(resource: RecordedResource, name: string): boolean {
    return resource.dependencies.some((urn) => urn.endsWith(`::${name}`));
}

/** Resolves once every registration the program has started has reached the mocks: the SDK's own RPC queue is drained. */
export function registrationsSettled(): Promise<void> {
    return (pulumi.runtime as unknown as { waitForRPCs(): Promise<void> }).waitForRPCs();
}

/** Resolves an Output in tests (mocks resolve every value, known or not). */
export function promiseOf<T>(output: pulumi.Output<T>): Promise<T> {
    return new Promise((resolve) =>
        output.apply((value) => {
            resolve(value);
            return value;
        }),
    );
}

export async function isSecretOutput(output: pulumi.Output<unknown>): Promise<boolean> {
    return pulumi.isSecret(output);
}
