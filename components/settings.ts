import { ExternalChaincodeArgs } from "./externalChaincode";
import { AksClusterArgs } from "./aks";
import { InvalidSettingError } from "./validation/errors";

/** Where raw config strings come from: pulumi.Config in the program, a map in tests. */
export interface ConfigSource {
    get(key: string): string | undefined;
}

export type ClusterTarget =
    | { kind: "aks"; aks: AksClusterArgs }
    | { kind: "existing"; context?: string; clusterIdentifier?: string };

export interface ProgramSettings {
    readonly chaincode: Omit<ExternalChaincodeArgs, "couchDbIndexes"> & { couchDbIndexDir?: string };
    readonly cluster: ClusterTarget;
}

/** Every key the program reads; Pulumi.yaml and the README document each (a unit test checks). */
export const CONFIG_KEYS = [
    "chaincodeName", "chaincodeVersion", "label", "packageType", "couchDbIndexDir",
    "namespace", "createNamespace", "serviceName", "port", "address", "dialTimeout",
    "tls", "clientAuth", "tlsAlgorithm", "tlsCaValidityHours", "tlsValidityHours", "tlsEarlyRenewalHours", "tlsExtraSans",
    "image", "imageDigest", "replicas", "cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit", "runAsUser",
    "env", "imagePullSecrets", "networkPolicy", "peerPodSelector", "peerNamespaceSelector", "peerCidrs",
    "kubeconfig", "kubeContext", "clusterIdentifier",
    "aksCreate", "aksLocation", "aksResourceGroup", "aksKubernetesVersion", "aksNodeCount", "aksVmSize", "aksNetworkPolicy",
] as const;

/**
 * Reads and checks the stack's configuration. Every bad value throws an
 * InvalidSettingError before any resource is declared.
 */
export function readSettings(config: ConfigSource): ProgramSettings {
    const read = new ConfigReader(config);
    const image = read.string("image");
    if (image === undefined) {
        throw new InvalidSettingError("image", undefined, "the chaincode server's container image, e.g. 'myacr.azurecr.io/basic:1.0'");
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
    };

    const aksKeys = ["aksLocation", "aksResourceGroup", "aksKubernetesVersion", "aksNodeCount", "aksVmSize", "aksNetworkPolicy"];
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
    return { chaincode, cluster };
}

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
