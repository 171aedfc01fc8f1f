import { AksClusterArgs } from "./aks";
import { ExternalChaincodeArgs } from "./externalChaincode";
import { ChaincodeImageArgs, IMAGE_BUILD_TOOLS } from "./imageBuild";
import { CliCollectionJson, collectionsFromCliJson, encodeCollections } from "./fabric";
import { ChaincodeLifecycleArgs, OrdererArgs, OrgPeerArgs } from "./lifecycle";
import { CollectionArgs, PeerTargetArgs } from "./providers";
import { InvalidSettingError } from "./validation/errors";

/** Where raw config strings come from: pulumi.Config in the program, a map in tests. */
export interface ConfigSource {
    get(key: string): string | undefined;
}

/** The secret keys, read apart so they stay Pulumi secrets. */
export interface LifecycleSecrets {
    readonly adminKeyPem?: import("@pulumi/pulumi").Input<string>;
    readonly clientTlsKeyPem?: import("@pulumi/pulumi").Input<string>;
}

export type ClusterTarget =
    | { kind: "aks"; aks: AksClusterArgs }
    | { kind: "existing"; context?: string; clusterIdentifier?: string };

export interface ProgramSettings {
    readonly chaincode: Omit<ExternalChaincodeArgs, "couchDbIndexes" | "lifecycle" | "image"> & {
        /** Undefined when imageBuild builds the image. */
        image?: string;
        couchDbIndexDir?: string;
        lifecycle?: Omit<ChaincodeLifecycleArgs, "collections"> & { collectionsFile?: string; approvalStacks?: string[] };
    };
    readonly cluster: ClusterTarget;
    /** Build and push the image from source first. Undefined: use `image`. */
    readonly imageBuild?: ChaincodeImageArgs;
}

/** Every key the program reads; Pulumi.yaml and the README document each (a unit test checks). */
export const CONFIG_KEYS = [
    "chaincodeName", "chaincodeVersion", "label", "packageType", "couchDbIndexDir",
    "namespace", "createNamespace", "serviceName", "port", "address", "dialTimeout",
    "tls", "clientAuth", "tlsAlgorithm", "tlsCaValidityHours", "tlsValidityHours", "tlsEarlyRenewalHours", "tlsClientValidityHours", "tlsClientGeneration", "tlsExtraSans",
    "image", "imageDigest", "imageBuild", "imageBuildTool", "imageBuildContext", "imageRegistry", "imageRepository", "replicas", "cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit", "runAsUser",
    "env", "imagePullSecrets", "networkPolicy", "peerPodSelector", "peerNamespaceSelector", "peerCidrs",
    "kubeconfig", "kubeContext", "clusterIdentifier",
    "aksCreate", "aksLocation", "aksResourceGroup", "aksKubernetesVersion", "aksNodeCount", "aksVmSize", "aksNetworkPolicy",
    "channel", "mspId", "peers", "peerTlsCaPem", "adminCertPem", "adminKeyPem", "clientTlsCertPem", "clientTlsKeyPem",
    "orderer", "endorsementPolicy", "sequence", "initRequired", "collectionsFile", "commit", "commitPeers",
    "requiredApprovals", "approvalStacks", "fabricTimeoutSeconds", "smokeCheck", "smokeFunction", "smokeArgs", "smokeWaitSeconds",
] as const;

/** Keys that only mean something with a channel (the lifecycle on) and have no default in Pulumi.yaml. */
const LIFECYCLE_ONLY_KEYS = [
    "mspId", "peers", "peerTlsCaPem", "adminCertPem", "adminKeyPem", "clientTlsCertPem", "clientTlsKeyPem", "orderer",
    "endorsementPolicy", "collectionsFile", "commitPeers", "requiredApprovals", "approvalStacks",
];

/**
 * Reads and checks the stack's configuration. Every bad value throws an
 * InvalidSettingError before any resource is declared.
 */
export function readSettings(config: ConfigSource, secrets: LifecycleSecrets = {}): ProgramSettings {
    const read = new ConfigReader(config);
    const imageBuild = readImageBuild(read, config);
    const image = read.string("image");
    if (image === undefined && imageBuild === undefined) {
        throw new InvalidSettingError("image", undefined, "the chaincode server's container image, e.g. 'myacr.azurecr.io/basic:1.0' (or imageBuild: true)");
    }
    if (image !== undefined && imageBuild !== undefined) {
        throw new InvalidSettingError("image", image, "no image when imageBuild is true: the built image is used");
    }
    const tlsAlgorithm = read.oneOf("tlsAlgorithm", ["ECDSA", "RSA"] as const);
    const packageType = read.oneOf("packageType", ["ccaas", "external"] as const);
    const chaincode: ProgramSettings["chaincode"] = {
        chaincodeName: read.string("chaincodeName") ?? "basic",
        chaincodeVersion: read.string("chaincodeVersion"),
        label: read.string("label"),
        packageType,
        couchDbIndexDir: read.string("couchDbIndexDir"),
        namespace: read.string("namespace"),
        createNamespace: read.boolean("createNamespace"),
        serviceName: read.string("serviceName"),
        port: read.integer("port"),
        address: read.string("address"),
        dialTimeout: read.string("dialTimeout"),
        tls: {
            enabled: read.boolean("tls"),
            clientAuth: read.boolean("clientAuth"),
            algorithm: tlsAlgorithm,
            caValidityHours: read.integer("tlsCaValidityHours"),
            validityHours: read.integer("tlsValidityHours"),
            earlyRenewalHours: read.integer("tlsEarlyRenewalHours"),
            clientValidityHours: read.integer("tlsClientValidityHours"),
            clientGeneration: read.integer("tlsClientGeneration"),
            extraSans: read.stringArray("tlsExtraSans"),
        },
        image,
        imageDigest: read.string("imageDigest"),
        replicas: read.integer("replicas"),
        resources: {
            cpuRequest: read.string("cpuRequest"),
            memoryRequest: read.string("memoryRequest"),
            cpuLimit: read.string("cpuLimit"),
            memoryLimit: read.string("memoryLimit"),
        },
        runAsUser: read.integer("runAsUser"),
        env: read.keyValues("env"),
        imagePullSecrets: read.stringArray("imagePullSecrets"),
        peerAccess: {
            enabled: read.boolean("networkPolicy"),
            peerPodSelector: read.stringArray("peerPodSelector"),
            peerNamespaceSelector: read.stringArray("peerNamespaceSelector"),
            peerCidrs: read.stringArray("peerCidrs"),
        },
        lifecycle: readLifecycle(read, config, secrets),
        smokeCheck: {
            enabled: read.boolean("smokeCheck"),
            fn: read.string("smokeFunction"),
            args: read.stringArray("smokeArgs"),
            waitSeconds: read.integer("smokeWaitSeconds"),
        },
    };

    // Only the AKS keys without a default in Pulumi.yaml can be set by mistake.
    const aksKeys = ["aksLocation", "aksResourceGroup", "aksKubernetesVersion"];
    let cluster: ClusterTarget;
    if (read.boolean("aksCreate") ?? false) {
        const location = read.string("aksLocation");
        if (location === undefined) {
            throw new InvalidSettingError("aksLocation", undefined, "an Azure region such as 'westeurope' when aksCreate is true");
        }
        cluster = {
            kind: "aks",
            aks: {
                location,
                resourceGroupName: read.string("aksResourceGroup"),
                kubernetesVersion: read.string("aksKubernetesVersion"),
                nodeCount: read.integer("aksNodeCount"),
                vmSize: read.string("aksVmSize"),
                networkPolicy: read.oneOf("aksNetworkPolicy", ["azure", "calico", "cilium"] as const),
            },
        };
    } else {
        const stray = aksKeys.find((key) => config.get(key) !== undefined);
        if (stray) {
            throw new InvalidSettingError(stray, config.get(stray), "to be set only together with aksCreate: true");
        }
        cluster = { kind: "existing", context: read.string("kubeContext"), clusterIdentifier: read.string("clusterIdentifier") };
    }
    return { chaincode, cluster, imageBuild };
}

function readImageBuild(read: ConfigReader, config: ConfigSource): ChaincodeImageArgs | undefined {
    const buildKeys = ["imageBuildTool", "imageBuildContext", "imageRegistry", "imageRepository"];
    if (!(read.boolean("imageBuild") ?? false)) {
        const stray = buildKeys.find((key) => config.get(key) !== undefined);
        if (stray) throw new InvalidSettingError(stray, config.get(stray), "to be set only together with imageBuild: true");
        return undefined;
    }
    const registry = read.string("imageRegistry");
    if (registry === undefined) {
        throw new InvalidSettingError("imageRegistry", undefined, "the registry to push to (an ACR name for az-acr) when imageBuild is true");
    }
    return {
        tool: read.oneOf("imageBuildTool", IMAGE_BUILD_TOOLS) ?? "az-acr",
        context: read.string("imageBuildContext") ?? "chaincode/asset-transfer-basic",
        registry,
        repository: read.string("imageRepository"),
    };
}

function readLifecycle(read: ConfigReader, config: ConfigSource, secrets: LifecycleSecrets): ProgramSettings["chaincode"]["lifecycle"] {
    const channel = read.string("channel");
    if (channel === undefined) {
        const stray = LIFECYCLE_ONLY_KEYS.find((key) => config.get(key) !== undefined);
        if (stray) throw new InvalidSettingError(stray, config.get(stray), "to be set only together with channel (the lifecycle)");
        return undefined;
    }
    const need = (key: string, what: string) => {
        const value = read.string(key);
        if (value === undefined) throw new InvalidSettingError(key, undefined, `${what} (required with channel)`);
        return value;
    };
    const mspId = need("mspId", "the MSP ID of this stack's org, e.g. 'Org1MSP'");
    const adminCertPem = need("adminCertPem", "the PEM certificate of an admin of the org");
    if (secrets.adminKeyPem === undefined) {
        throw new InvalidSettingError("adminKeyPem", undefined, "the admin's private key, set with `pulumi config set --secret adminKeyPem`");
    }
    const peers = read.objectArray<OrgPeerArgs>("peers", { endpoint: "string" }, { tlsCaPem: "string", hostOverride: "string" });
    if (peers === undefined || peers.length === 0) {
        throw new InvalidSettingError("peers", config.get("peers"), "a list of the org's peers, each {endpoint: host:port, tlsCaPem?, hostOverride?}");
    }
    const orderer = read.object<OrdererArgs>("orderer", { endpoint: "string", tlsCaPem: "string" }, { hostOverride: "string" });
    const sequenceText = read.string("sequence");
    let sequence: number | "auto" | undefined;
    if (sequenceText !== undefined) {
        if (sequenceText !== "auto" && !/^[1-9][0-9]*$/.test(sequenceText)) {
            throw new InvalidSettingError("sequence", sequenceText, "\"auto\" or a whole number from 1");
        }
        sequence = sequenceText === "auto" ? "auto" : Number(sequenceText);
    }
    const clientTlsCertPem = read.string("clientTlsCertPem");
    if ((clientTlsCertPem === undefined) !== (secrets.clientTlsKeyPem === undefined)) {
        throw new InvalidSettingError(
            clientTlsCertPem === undefined ? "clientTlsCertPem" : "clientTlsKeyPem",
            undefined,
            "clientTlsCertPem and the secret clientTlsKeyPem together, or neither",
        );
    }
    return {
        channel,
        org: {
            mspId,
            peers,
            peerTlsCaPem: read.string("peerTlsCaPem"),
            adminCertPem,
            adminKeyPem: secrets.adminKeyPem,
            clientTlsCertPem,
            clientTlsKeyPem: secrets.clientTlsKeyPem,
        },
        orderer,
        endorsementPolicy: read.string("endorsementPolicy"),
        sequence,
        initRequired: read.boolean("initRequired"),
        collectionsFile: read.string("collectionsFile"),
        commit: read.boolean("commit"),
        commitPeers: read.objectArray<PeerTargetArgs>("commitPeers", { endpoint: "string", mspId: "string" }, { tlsCaPem: "string", hostOverride: "string" }),
        requiredApprovals: read.stringArray("requiredApprovals"),
        approvalStacks: readApprovalStacks(read),
        timeoutSeconds: read.integer("fabricTimeoutSeconds"),
    };
}

/** Stacks of other orgs whose `mspId` output must have approved before this stack commits. */
function readApprovalStacks(read: ConfigReader): string[] | undefined {
    const stacks = read.stringArray("approvalStacks");
    if (stacks && read.boolean("commit") === false) {
        throw new InvalidSettingError("approvalStacks", stacks, "to be set only in the committing stack (commit is false here)");
    }
    for (const stack of stacks ?? []) {
        if (!/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/.test(stack)) {
            throw new InvalidSettingError("approvalStacks", stack, "stack names such as 'acme/fabric-ccaas/org2' (organization/project/stack)");
        }
    }
    return stacks;
}

/** Collections from a peer-CLI collections_config.json text, checked by Fabric's rules. */
export function collectionsFromConfigJson(text: string, setting = "collectionsFile"): CollectionArgs[] {
    let entries: unknown;
    try {
        entries = JSON.parse(text);
    } catch (err) {
        throw new InvalidSettingError(setting, text, `a JSON array like the peer CLI's collections_config.json (${(err as Error).message})`);
    }
    const collections = collectionsFromCliJson(entries as CliCollectionJson[]);
    // Encoding applies every rule the peer applies; it throws InvalidSettingError naming the field.
    encodeCollections(collections, setting);
    return collections;
}

type FieldType = "string" | "number" | "boolean";

/** Typed reads of raw config strings, each failing with the key, the value and what is accepted. */
class ConfigReader {
    constructor(private readonly config: ConfigSource) {}

    string(key: string): string | undefined {
        const value = this.config.get(key);
        return value === undefined || value === "" ? undefined : value;
    }

    integer(key: string): number | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        if (!/^-?[0-9]+$/.test(raw.trim())) throw new InvalidSettingError(key, raw, "a whole number");
        return Number(raw);
    }

    boolean(key: string): boolean | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        if (raw !== "true" && raw !== "false") throw new InvalidSettingError(key, raw, "true or false");
        return raw === "true";
    }

    oneOf<T extends string>(key: string, accepted: readonly T[]): T | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        if (!(accepted as readonly string[]).includes(raw)) {
            throw new InvalidSettingError(key, raw, `one of ${accepted.join(", ")}`);
        }
        return raw as T;
    }

    stringArray(key: string): string[] | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === "string")) {
            throw new InvalidSettingError(key, raw, "a list of strings");
        }
        return parsed;
    }

    /** A structured object value with the given required and optional fields, nothing else. */
    object<T>(key: string, required: Record<string, FieldType>, optional: Record<string, FieldType> = {}): T | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        return this.checkObject(key, raw, this.parseJson(key, raw), required, optional) as T;
    }

    objectArray<T>(key: string, required: Record<string, FieldType>, optional: Record<string, FieldType> = {}): T[] | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        const parsed = this.parseJson(key, raw);
        if (!Array.isArray(parsed)) throw new InvalidSettingError(key, raw, `a list of objects with ${describeFields(required, optional)}`);
        return parsed.map((item, i) => this.checkObject(`${key}[${i}]`, JSON.stringify(item), item, required, optional) as T);
    }

    private parseJson(key: string, raw: string): unknown {
        try {
            return JSON.parse(raw);
        } catch {
            throw new InvalidSettingError(key, raw, "a structured value (set it in the stack file or with `pulumi config set --path`)");
        }
    }

    private checkObject(key: string, raw: string, value: unknown, required: Record<string, FieldType>, optional: Record<string, FieldType>) {
        const accepted = `an object with ${describeFields(required, optional)}`;
        if (!value || typeof value !== "object" || Array.isArray(value)) throw new InvalidSettingError(key, raw, accepted);
        const record = value as Record<string, unknown>;
        for (const [field, type] of Object.entries(required)) {
            if (typeof record[field] !== type) throw new InvalidSettingError(`${key}.${field}`, record[field], `a ${type} (${accepted})`);
        }
        for (const [field, fieldValue] of Object.entries(record)) {
            const type = required[field] ?? optional[field];
            if (type === undefined) throw new InvalidSettingError(`${key}.${field}`, fieldValue, `no such field; ${accepted}`);
            if (typeof fieldValue !== type) throw new InvalidSettingError(`${key}.${field}`, fieldValue, `a ${type}`);
        }
        return record;
    }

    /** A list of "NAME=value" strings as a map. */
    keyValues(key: string): Record<string, string> | undefined {
        const items = this.stringArray(key);
        if (items === undefined) return undefined;
        const result: Record<string, string> = {};
        for (const item of items) {
            const eq = item.indexOf("=");
            if (eq <= 0) throw new InvalidSettingError(key, item, "items of the form NAME=value");
            result[item.slice(0, eq)] = item.slice(eq + 1);
        }
        return result;
    }
}

function describeFields(required: Record<string, FieldType>, optional: Record<string, FieldType>): string {
    const fields = [...Object.keys(required), ...Object.keys(optional).map((field) => `${field}?`)];
    return `fields ${fields.join(", ")}`;
}
