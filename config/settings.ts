import {
    AKS_NETWORK_POLICIES,
    type AksClusterArgs,
    type AksRegistry,
    checkAksArgs,
    checkRegistry,
} from "../components/azure/aks-cluster";
import { AKS_LOGINS } from "../components/azure/aks-kubeconfig";
import {
    checkExternalChaincodeArgs,
    DEFAULT_NAMESPACE,
    defaultServiceName,
    type ExternalChaincodeArgs,
} from "../components/chaincode/external-chaincode";
import { type ChaincodeImageArgs, IMAGE_BUILD_TOOLS, checkImageArgs } from "../components/chaincode/chaincode-image";
import type { ChaincodeLifecycleArgs, FabricOrgArgs } from "../components/lifecycle/chaincode-lifecycle";
import {
    DEFAULT_SMOKE_FUNCTION,
    DEFAULT_SMOKE_WAIT_SECONDS,
    type OrdererArgs,
    type PeerArgs,
} from "../components/lifecycle/providers";
import { readCollectionsFile, readIndexDir } from "./setting-files";
import { SERVICE_TYPES } from "../components/kubernetes/chaincode-service";
import { checkTlsArgs } from "../components/tls/chaincode-tls";
import { AKS_CONFIG_NAMES, chaincodeConfigNames, IMAGE_CONFIG_NAMES } from "./config-names";
import { checkObjectList, ConfigReader, type ConfigSource } from "./config-reader";
import { checkKnownKeys } from "./known-keys";
import { HiddenValue, InvalidSettingError } from "../components/validation/errors";
import { checkKubeconfig } from "../components/validation/kubeconfig";

export type { ConfigSource } from "./config-reader";

/** The secret keys, read apart so they stay Pulumi secrets. */
export interface LifecycleSecrets {
    readonly adminKeyPem?: import("@pulumi/pulumi").Input<string>;
    /** The HSM's user PIN, with signer: hsm. */
    readonly adminHsmPin?: import("@pulumi/pulumi").Input<string>;
    readonly clientTlsKeyPem?: import("@pulumi/pulumi").Input<string>;
    /** A key of otherOrgs[index], as a secret (the program reads otherOrgs with getSecretObject). Defaults to the plain value. */
    readonly otherOrgKey?: (
        index: number,
        field: "adminKeyPem" | "adminHsmPin" | "clientTlsKeyPem",
    ) => import("@pulumi/pulumi").Input<string>;
}

export type ClusterTarget =
    | { kind: "aks"; aks: AksClusterArgs }
    | { kind: "existing"; context?: string; clusterIdentifier?: string };

export type ChaincodeSettings = Omit<ExternalChaincodeArgs, "lifecycle" | "image"> & {
    /** Undefined when imageBuild builds the image. */
    image?: string;
    /** Certificates from the CA the stack shares among its chaincodes with tlsSharedCa (the program declares it). */
    sharedCa?: boolean;
    lifecycle?: ChaincodeLifecycleArgs & { approvalStacks?: string[] };
};

export interface ProgramSettings {
    /** One per item of `chaincodes`; without that key, one from the stack-level keys. */
    readonly chaincodes: readonly ChaincodeSettings[];
    readonly cluster: ClusterTarget;
    /** Build and push the image from source first. Undefined: use `image`. */
    readonly imageBuild?: ChaincodeImageArgs;
}

/** Every key the program reads; Pulumi.yaml and docs/configuration.md document each (a unit test checks). */
export const CONFIG_KEYS = [
    "chaincodes",
    "chaincodeName",
    "chaincodeVersion",
    "label",
    "packageType",
    "couchDbIndexDir",
    "namespace",
    "createNamespace",
    "serviceName",
    "port",
    "address",
    "dialTimeout",
    "tls",
    "clientAuth",
    "tlsAlgorithm",
    "tlsCaValidityHours",
    "tlsValidityHours",
    "tlsEarlyRenewalHours",
    "tlsClientValidityHours",
    "tlsClientGeneration",
    "tlsExtraSans",
    "tlsSharedCa",
    "image",
    "imageDigest",
    "imageBuild",
    "imageBuildTool",
    "imageBuildContext",
    "imageBuildArgs",
    "imageRegistry",
    "imageRepository",
    "replicas",
    "cpuRequest",
    "memoryRequest",
    "cpuLimit",
    "memoryLimit",
    "runAsUser",
    "env",
    "imagePullSecrets",
    "networkPolicy",
    "peerPodSelector",
    "peerNamespaceSelector",
    "peerCidrs",
    "serviceType",
    "loadBalancerSubnet",
    "kubeconfig",
    "kubeContext",
    "clusterIdentifier",
    "aksCreate",
    "aksLocation",
    "aksResourceGroup",
    "aksKubernetesVersion",
    "aksNodeCount",
    "aksVmSize",
    "aksNetworkPolicy",
    "aksRegistryName",
    "aksRegistryId",
    "aksAdminGroupObjectIds",
    "aksDisableLocalAccounts",
    "aksLogin",
    "aksAuthorizedIpRanges",
    "aksPrivateCluster",
    "channel",
    "mspId",
    "peers",
    "peerTlsCaPem",
    "adminCertPem",
    "adminKeyPem",
    "signer",
    "adminHsmLibrary",
    "adminHsmTokenLabel",
    "adminHsmKeyId",
    "adminHsmPin",
    "clientTlsCertPem",
    "clientTlsKeyPem",
    "otherOrgs",
    "orderer",
    "orderers",
    "endorsementPolicy",
    "sequence",
    "initRequired",
    "collectionsFile",
    "commit",
    "commitPeers",
    "requiredApprovals",
    "approvalStacks",
    "fabricTimeoutSeconds",
    "smokeCheck",
    "smokeFunction",
    "smokeArgs",
    "smokeWaitSeconds",
] as const;

/** Keys whose values are secret: a message about them never shows the value. */
export const SECRET_KEYS = ["kubeconfig", "adminKeyPem", "adminHsmPin", "clientTlsKeyPem", "otherOrgs"] as const;

/** Where the admin's private key is: in the config (PEM) or in an HSM, through PKCS#11. */
export const SIGNERS = ["pem", "hsm"] as const;
const HSM_KEYS = ["adminHsmLibrary", "adminHsmTokenLabel", "adminHsmKeyId", "adminHsmPin"] as const;

/** Keys that mean something only when another setting has a given value: set otherwise, they are refused. */
const DEPENDENT_KEYS: ReadonlyArray<{
    keys: readonly string[];
    accepted: string;
    holds: (read: ConfigReader) => boolean;
}> = [
    {
        keys: [
            "clientAuth",
            "tlsAlgorithm",
            "tlsCaValidityHours",
            "tlsValidityHours",
            "tlsEarlyRenewalHours",
            "tlsClientValidityHours",
            "tlsClientGeneration",
            "tlsExtraSans",
            "tlsSharedCa",
        ],
        accepted: "to be set only with tls: true (without TLS there are no certificates)",
        holds: (read) => read.boolean("tls") ?? true,
    },
    {
        keys: ["tlsClientValidityHours", "tlsClientGeneration"],
        accepted: "to be set only with clientAuth: true (without mutual TLS the peer has no client certificate)",
        holds: (read) => read.boolean("clientAuth") ?? true,
    },
    {
        keys: ["peerPodSelector", "peerNamespaceSelector", "peerCidrs"],
        accepted: "to be set only with networkPolicy: true (they select who the NetworkPolicy admits)",
        holds: (read) => read.boolean("networkPolicy") ?? true,
    },
    {
        keys: ["imageDigest"],
        accepted: "to be set only with an image you give (imageBuild pins the built image itself)",
        holds: (read) => !(read.boolean("imageBuild") ?? false),
    },
    {
        keys: ["kubeconfig", "kubeContext", "clusterIdentifier"],
        accepted:
            "to be set only with an existing cluster (aksCreate is true: the stack uses the new cluster's own kubeconfig)",
        holds: (read) => !(read.boolean("aksCreate") ?? false),
    },
    {
        keys: ["smokeFunction", "smokeArgs", "smokeWaitSeconds"],
        accepted: "to be set only with smokeCheck: true",
        holds: (read) => read.boolean("smokeCheck") ?? true,
    },
    {
        keys: HSM_KEYS,
        accepted: "to be set only with signer: hsm (the admin's key in an HSM)",
        holds: (read) => read.oneOf("signer", SIGNERS) === "hsm",
    },
    {
        keys: ["adminKeyPem"],
        accepted: "to be set only with signer: pem (with signer: hsm the key stays in the HSM)",
        holds: (read) => read.oneOf("signer", SIGNERS) !== "hsm",
    },
    {
        keys: ["commitPeers", "requiredApprovals"],
        accepted: "to be set only with commit: true (the committing stack names them)",
        holds: (read) => read.boolean("commit") ?? true,
    },
    {
        keys: ["imageBuildTool", "imageBuildContext", "imageBuildArgs", "imageRegistry", "imageRepository"],
        accepted: "to be set only together with imageBuild: true",
        holds: (read) => read.boolean("imageBuild") ?? false,
    },
    {
        // Everything of the Fabric lifecycle.
        keys: [
            "mspId",
            "peers",
            "peerTlsCaPem",
            "adminCertPem",
            "adminKeyPem",
            "signer",
            ...HSM_KEYS,
            "clientTlsCertPem",
            "clientTlsKeyPem",
            "otherOrgs",
            "orderer",
            "orderers",
            "endorsementPolicy",
            "sequence",
            "initRequired",
            "collectionsFile",
            "commit",
            "commitPeers",
            "requiredApprovals",
            "approvalStacks",
            "fabricTimeoutSeconds",
            "smokeCheck",
            "smokeFunction",
            "smokeArgs",
            "smokeWaitSeconds",
        ],
        accepted: "to be set only together with channel (the lifecycle)",
        holds: (read) => read.isSet("channel"),
    },
    {
        keys: [
            "aksLocation",
            "aksResourceGroup",
            "aksKubernetesVersion",
            "aksNodeCount",
            "aksVmSize",
            "aksNetworkPolicy",
            "aksRegistryName",
            "aksRegistryId",
            "aksAdminGroupObjectIds",
            "aksDisableLocalAccounts",
            "aksLogin",
            "aksAuthorizedIpRanges",
            "aksPrivateCluster",
        ],
        accepted: "to be set only together with aksCreate: true",
        holds: (read) => read.boolean("aksCreate") ?? false,
    },
];

/** A key set without --secret sits readable in Pulumi.<stack>.yaml, and so in git: refused before it goes anywhere else. */
function requireStoredEncrypted(read: ConfigReader, config: ConfigSource): void {
    if (!config.isSecret) return;
    for (const key of SECRET_KEYS) {
        if (read.isSet(key) && !config.isSecret(key)) {
            throw new InvalidSettingError(
                key,
                new HiddenValue("stored as plain text in the stack's file"),
                key === "otherOrgs"
                    ? "its keys set as secrets: pulumi config set --path --secret 'otherOrgs[i].adminKeyPem' …"
                    : `a secret: pulumi config set --secret ${key} …`,
            );
        }
    }
}

/** The keys an item of `chaincodes` may set; the stack-level ones are its defaults. */
export const CHAINCODE_KEYS = [
    "chaincodeName",
    "chaincodeVersion",
    "label",
    "packageType",
    "couchDbIndexDir",
    "namespace",
    "createNamespace",
    "serviceName",
    "port",
    "address",
    "dialTimeout",
    "tls",
    "clientAuth",
    "tlsAlgorithm",
    "tlsCaValidityHours",
    "tlsValidityHours",
    "tlsEarlyRenewalHours",
    "tlsClientValidityHours",
    "tlsClientGeneration",
    "tlsExtraSans",
    "tlsSharedCa",
    "image",
    "imageDigest",
    "replicas",
    "cpuRequest",
    "memoryRequest",
    "cpuLimit",
    "memoryLimit",
    "runAsUser",
    "env",
    "imagePullSecrets",
    "networkPolicy",
    "peerPodSelector",
    "peerNamespaceSelector",
    "peerCidrs",
    "serviceType",
    "loadBalancerSubnet",
    "channel",
    "endorsementPolicy",
    "sequence",
    "initRequired",
    "collectionsFile",
    "smokeCheck",
    "smokeFunction",
    "smokeArgs",
    "smokeWaitSeconds",
] as const;

/**
 * Reads and checks the stack's configuration. Every bad value throws an
 * InvalidSettingError before any resource is declared.
 */
export function readSettings(config: ConfigSource, secrets: LifecycleSecrets = {}): ProgramSettings {
    if (config.keys) checkKnownKeys(config.keys(), CONFIG_KEYS);
    const read = new ConfigReader(config, SECRET_KEYS);
    requireStoredEncrypted(read, config);
    const items = readChaincodeItems(read);
    const sources = items ? items.map((item) => itemSource(config, item)) : [config];
    // Read once: the cluster pulls from it, and the image build pushes there by default.
    const aksRegistry = (read.boolean("aksCreate") ?? false) ? readAksRegistry(read) : undefined;
    const imageBuild = readImageBuild(read, aksRegistry && checkRegistry(aksRegistry, AKS_CONFIG_NAMES).name);
    const chaincodes = sources.map((source, i) =>
        renamedForItem(items && { index: i, item: items[i] }, () =>
            readChaincode(new ConfigReader(source, SECRET_KEYS), config, secrets, imageBuild),
        ),
    );
    if (items) checkDistinct(chaincodes);
    checkSharedCaAgreement(chaincodes);

    let cluster: ClusterTarget;
    if (read.boolean("aksCreate") ?? false) {
        const location = read.string("aksLocation");
        if (location === undefined) {
            throw new InvalidSettingError(
                "aksLocation",
                undefined,
                "an Azure region such as 'westeurope' when aksCreate is true",
            );
        }
        cluster = {
            kind: "aks",
            aks: {
                settingNames: AKS_CONFIG_NAMES,
                location,
                resourceGroupName: read.string("aksResourceGroup"),
                kubernetesVersion: read.string("aksKubernetesVersion"),
                nodeCount: read.integer("aksNodeCount"),
                vmSize: read.string("aksVmSize"),
                networkPolicy: read.oneOf("aksNetworkPolicy", AKS_NETWORK_POLICIES),
                registry: aksRegistry,
                adminGroupObjectIds: read.stringArray("aksAdminGroupObjectIds"),
                disableLocalAccounts: read.boolean("aksDisableLocalAccounts"),
                login: read.oneOf("aksLogin", AKS_LOGINS),
                authorizedIpRanges: read.stringArray("aksAuthorizedIpRanges"),
                privateCluster: read.boolean("aksPrivateCluster"),
            },
        };
    } else {
        cluster = readExistingCluster(read);
    }
    if (cluster.kind === "aks") checkAksArgs(cluster.aks);
    if (imageBuild) checkImageArgs(imageBuild);
    return { chaincodes, cluster, imageBuild };
}

/** The items of `chaincodes`: objects of CHAINCODE_KEYS, each with its chaincodeName. */
function readChaincodeItems(read: ConfigReader): Array<Record<string, unknown>> | undefined {
    const value = read.json("chaincodes");
    if (value === undefined) return undefined;
    const accepted =
        "a list of chaincodes, each an object of chaincode keys (chaincodeName, chaincodeVersion, image, channel, namespace, ...)";
    if (!Array.isArray(value) || value.length === 0) throw new InvalidSettingError("chaincodes", value, accepted);
    return value.map((item: unknown, i) => {
        if (!item || typeof item !== "object" || Array.isArray(item))
            throw new InvalidSettingError(`chaincodes[${i}]`, item, accepted);
        for (const key of Object.keys(item)) {
            if (!(CHAINCODE_KEYS as readonly string[]).includes(key)) {
                throw new InvalidSettingError(
                    `chaincodes[${i}].${key}`,
                    (item as Record<string, unknown>)[key],
                    `a key a chaincode sets for itself: ${CHAINCODE_KEYS.join(", ")} (the others are the stack's)`,
                );
            }
        }
        if (typeof (item as Record<string, unknown>).chaincodeName !== "string") {
            throw new InvalidSettingError(
                `chaincodes[${i}].chaincodeName`,
                (item as Record<string, unknown>).chaincodeName,
                "the chaincode's name (each item names its own)",
            );
        }
        return item as Record<string, unknown>;
    });
}

/** An item's keys over the stack's: the item's values as config strings. */
function itemSource(config: ConfigSource, item: Record<string, unknown>): ConfigSource {
    return {
        get: (key) => {
            if (!(key in item)) return config.get(key);
            const value = item[key];
            return typeof value === "string" ? value : JSON.stringify(value);
        },
    };
}

/** Runs `read`; a refusal of a key the item set names it as the user wrote it, `chaincodes[i].<key>`. */
function renamedForItem<T>(item: { index: number; item: Record<string, unknown> } | undefined, read: () => T): T {
    try {
        return read();
    } catch (error) {
        if (!item || !(error instanceof InvalidSettingError) || !(error.setting.split(/[.[]/)[0] in item.item))
            throw error;
        throw new InvalidSettingError(`chaincodes[${item.index}].${error.setting}`, error.value, error.accepted);
    }
}

/** Chaincodes of one stack never share a name, nor a Service in a namespace. */
function checkDistinct(chaincodes: readonly ChaincodeSettings[]): void {
    const names = new Map<string, number>();
    const services = new Map<string, number>();
    chaincodes.forEach((chaincode, i) => {
        const name = chaincode.chaincodeName;
        if (names.has(name))
            throw new InvalidSettingError(
                `chaincodes[${i}].chaincodeName`,
                name,
                `a name no other chaincode of the stack has (chaincodes[${names.get(name)}] has it)`,
            );
        names.set(name, i);
        const service = `${chaincode.namespace ?? DEFAULT_NAMESPACE}/${chaincode.serviceName ?? defaultServiceName(name)}`;
        if (services.has(service)) {
            throw new InvalidSettingError(
                `chaincodes[${i}].serviceName`,
                chaincode.serviceName,
                `a Service name not used in its namespace by chaincodes[${services.get(service)}] (${service})`,
            );
        }
        services.set(service, i);
    });
}

/** The chaincodes on the shared CA agree on what the CA is: the first of them sets its algorithm and lifetime. */
function checkSharedCaAgreement(chaincodes: readonly ChaincodeSettings[]): void {
    // Each chaincode's TLS settings were checked when it was read: resolving their defaults cannot fail here.
    const sharing = chaincodes
        .map((chaincode, index) => ({ chaincode, index }))
        .filter(({ chaincode }) => chaincode.sharedCa)
        .map(({ chaincode, index }) => ({ tls: checkTlsArgs(chaincode.tls ?? {}), index }));
    const [first, ...others] = sharing;
    for (const { tls, index } of others) {
        for (const [key, field] of [
            ["tlsAlgorithm", "algorithm"],
            ["tlsCaValidityHours", "caValidityHours"],
        ] as const) {
            const value = tls[field];
            const shared = first.tls[field];
            if (value !== shared) {
                throw new InvalidSettingError(
                    `chaincodes[${index}].${key}`,
                    value,
                    `${shared}, as chaincodes[${first.index}] has: every chaincode with tlsSharedCa: true uses the one shared CA`,
                );
            }
        }
    }
}

/** One chaincode's settings from `read` (the stack's keys, or an item's over them), checked as the component checks them. */
function readChaincode(
    read: ConfigReader,
    config: ConfigSource,
    secrets: LifecycleSecrets,
    imageBuild: ChaincodeImageArgs | undefined,
): ChaincodeSettings {
    for (const rule of DEPENDENT_KEYS) {
        const stray = rule.keys.find((key) => read.isSet(key));
        if (stray && !rule.holds(read)) throw new InvalidSettingError(stray, read.shown(stray), rule.accepted);
    }
    const image = read.string("image");
    if (image === undefined && imageBuild === undefined) {
        throw new InvalidSettingError(
            "image",
            undefined,
            "the chaincode server's container image, e.g. 'myacr.azurecr.io/basic:1.0' (or imageBuild: true)",
        );
    }
    if (image !== undefined && imageBuild !== undefined) {
        throw new InvalidSettingError("image", image, "no image when imageBuild is true: the built image is used");
    }
    const tlsAlgorithm = read.oneOf("tlsAlgorithm", ["ECDSA", "RSA"] as const);
    // Read once: the lifecycle passes the keys on as secrets, the check below reads them as plain text.
    const plainOtherOrgs = readOtherOrgs(read);
    const packageType = read.oneOf("packageType", ["ccaas", "external"] as const);
    const chaincode: ChaincodeSettings = {
        chaincodeName: read.string("chaincodeName") ?? "basic",
        chaincodeVersion: read.string("chaincodeVersion"),
        label: read.string("label"),
        packageType,
        couchDbIndexes: optional(read.string("couchDbIndexDir"), (dir) => readIndexDir(dir)),
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
        sharedCa: read.boolean("tlsSharedCa"),
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
        serviceType: read.oneOf("serviceType", SERVICE_TYPES),
        loadBalancerSubnet: read.string("loadBalancerSubnet"),
        lifecycle: readLifecycle(read, config, secrets, plainOtherOrgs),
        settingNames: chaincodeConfigNames(plainOtherOrgs?.length ?? 0),
        smokeCheck: {
            enabled: read.boolean("smokeCheck"),
            // Defaulted here as Pulumi.yaml used to declare them: the smoke check's inputs stay as before.
            fn: read.string("smokeFunction") ?? DEFAULT_SMOKE_FUNCTION,
            args: read.stringArray("smokeArgs"),
            waitSeconds: read.integer("smokeWaitSeconds") ?? DEFAULT_SMOKE_WAIT_SECONDS,
        },
    };

    // Every component check, under the keys above, before anything is read from Fabric or declared.
    const { lifecycle, image: _image, sharedCa: _sharedCa, ...chaincodeArgs } = chaincode;
    // The secret keys are checked as plain text here and stay secrets in the settings.
    checkExternalChaincodeArgs({
        ...chaincodeArgs,
        image: image!,
        lifecycle: lifecycle && {
            ...lifecycle,
            org: {
                ...lifecycle.org,
                ...(lifecycle.org.adminHsm
                    ? { adminHsm: { ...lifecycle.org.adminHsm, pin: read.string("adminHsmPin") ?? "" } }
                    : { adminKeyPem: read.string("adminKeyPem") ?? "" }),
                clientTlsKeyPem: read.string("clientTlsKeyPem"),
            },
            otherOrgs: plainOtherOrgs?.map((org, k) => otherOrgArgs(org, k, (key) => org[key])),
        },
    });
    return chaincode;
}

const CLUSTER_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,252}$/;

function readExistingCluster(read: ConfigReader): ClusterTarget {
    const context = read.string("kubeContext");
    const kubeconfig = read.string("kubeconfig");
    if (kubeconfig !== undefined) checkKubeconfig("kubeconfig", kubeconfig, "kubeContext", context);
    const clusterIdentifier = read.string("clusterIdentifier");
    if (clusterIdentifier !== undefined && !CLUSTER_IDENTIFIER.test(clusterIdentifier)) {
        throw new InvalidSettingError(
            "clusterIdentifier",
            clusterIdentifier,
            "a stable cluster name: a letter or digit, then letters, digits and _ . : / - (at most 253), e.g. 'aks-prod-westeurope'",
        );
    }
    return { kind: "existing", context, clusterIdentifier };
}

/** The stack's registry: one it creates (aksRegistryName) or an existing one (aksRegistryId), never both. */
function readAksRegistry(read: ConfigReader): AksRegistry | undefined {
    const name = read.string("aksRegistryName");
    const id = read.string("aksRegistryId");
    if (name !== undefined && id !== undefined) {
        throw new InvalidSettingError(
            "aksRegistryId",
            id,
            "to be set only without aksRegistryName (one registry: a new one by name, or an existing one by ID)",
        );
    }
    if (id !== undefined) return { id };
    return name === undefined ? undefined : { name };
}

/** `aksRegistryName`: the name of the ACR the cluster pulls from, when the stack has one. */
function readImageBuild(read: ConfigReader, aksRegistryName: string | undefined): ChaincodeImageArgs | undefined {
    if (!(read.boolean("imageBuild") ?? false)) return undefined;
    const tool = read.oneOf("imageBuildTool", IMAGE_BUILD_TOOLS) ?? "az-acr";
    // az acr build pushes to the registry the cluster pulls from, unless told otherwise.
    const registry = read.string("imageRegistry") ?? (tool === "az-acr" ? aksRegistryName : undefined);
    if (registry === undefined) {
        throw new InvalidSettingError(
            "imageRegistry",
            undefined,
            "the registry to push to (an ACR name for az-acr; defaults to aksRegistryName or aksRegistryId's registry) when imageBuild is true",
        );
    }
    return {
        tool,
        context: read.string("imageBuildContext") ?? "chaincode/asset-transfer-basic",
        registry,
        repository: read.string("imageRepository"),
        buildArgs: read.keyValues("imageBuildArgs"),
        settingNames: IMAGE_CONFIG_NAMES,
    };
}

function readLifecycle(
    read: ConfigReader,
    config: ConfigSource,
    secrets: LifecycleSecrets,
    plainOtherOrgs: OtherOrgSetting[] | undefined,
): ChaincodeSettings["lifecycle"] {
    const channel = read.string("channel");
    if (channel === undefined) return undefined;
    const need = (key: string, what: string) => {
        const value = read.string(key);
        if (value === undefined) throw new InvalidSettingError(key, undefined, `${what} (required with channel)`);
        return value;
    };
    const mspId = need("mspId", "the MSP ID of this stack's org, e.g. 'Org1MSP'");
    const adminCertPem = need("adminCertPem", "the PEM certificate of an admin of the org");
    const adminKey = readAdminKey({
        prefix: "",
        signer: read.oneOf("signer", SIGNERS),
        plain: (key) => read.string(key),
        secret: (key) => secrets[key],
    });
    const peers = read.objectArray<PeerArgs>(
        "peers",
        { endpoint: "string" },
        { tlsCaPem: "string", hostOverride: "string" },
    );
    if (peers === undefined || peers.length === 0) {
        throw new InvalidSettingError(
            "peers",
            config.get("peers"),
            "a list of the org's peers, each {endpoint: host:port, tlsCaPem?, hostOverride?}",
        );
    }
    // Checked before anything is sent: the program's first request (what the channel runs) is admin-signed.
    const withoutCa = peers.findIndex((peer) => peer.tlsCaPem === undefined);
    if (withoutCa >= 0 && read.string("peerTlsCaPem") === undefined) {
        throw new InvalidSettingError(
            "peerTlsCaPem",
            undefined,
            `the PEM of the CA of the peers' TLS certificates (or peers[${withoutCa}].tlsCaPem): admin-signed requests go to peers over TLS only`,
        );
    }
    const orderer = read.object<OrdererArgs>(
        "orderer",
        { endpoint: "string", tlsCaPem: "string" },
        { hostOverride: "string" },
    );
    const orderers = read.objectArray<OrdererArgs>(
        "orderers",
        { endpoint: "string", tlsCaPem: "string" },
        { hostOverride: "string" },
    );
    const sequenceText = read.string("sequence");
    let sequence: number | "auto" | undefined;
    if (sequenceText !== undefined) {
        if (sequenceText !== "auto" && !/^[1-9][0-9]*$/.test(sequenceText)) {
            throw new InvalidSettingError("sequence", sequenceText, '"auto" or a whole number from 1');
        }
        sequence = sequenceText === "auto" ? "auto" : Number(sequenceText);
    }
    const clientTlsCertPem = read.string("clientTlsCertPem");
    requireClientTlsPair("", clientTlsCertPem, secrets.clientTlsKeyPem);
    const otherOrgs = plainOtherOrgs?.map((org, k) =>
        otherOrgArgs(org, k, (key) =>
            org[key] === undefined ? undefined : (secrets.otherOrgKey?.(k, key) ?? org[key]),
        ),
    );
    return {
        channel,
        otherOrgs,
        org: {
            mspId,
            peers,
            peerTlsCaPem: read.string("peerTlsCaPem"),
            adminCertPem,
            ...adminKey,
            clientTlsCertPem,
            clientTlsKeyPem: secrets.clientTlsKeyPem,
        },
        orderer,
        orderers,
        endorsementPolicy: read.string("endorsementPolicy"),
        sequence,
        // As Pulumi.yaml used to declare them: stacks from before keep identical inputs (no diff).
        initRequired: read.boolean("initRequired") ?? false,
        collections: optional(read.string("collectionsFile"), (file) => readCollectionsFile(file)),
        commit: read.boolean("commit"),
        commitPeers: read.objectArray<PeerArgs>(
            "commitPeers",
            { endpoint: "string", mspId: "string" },
            { tlsCaPem: "string", hostOverride: "string" },
        ),
        requiredApprovals: read.stringArray("requiredApprovals"),
        approvalStacks: readApprovalStacks(read),
        timeoutSeconds: read.integer("fabricTimeoutSeconds") ?? 30,
    };
}

/** Where one org's settings come from: the stack's keys, or an item of otherOrgs (`prefix` "otherOrgs[k]."). */
interface OrgKeySource {
    readonly prefix: string;
    /** signer as written. */
    readonly signer: unknown;
    /** A plain (non-secret) key's value. */
    plain(key: string): string | undefined;
    /** A secret key's value, kept a secret. */
    secret(key: "adminKeyPem" | "adminHsmPin"): import("@pulumi/pulumi").Input<string> | undefined;
}

/** The admin's key: adminKeyPem (signer: pem, the default), or where the HSM holds it (signer: hsm). */
function readAdminKey(source: OrgKeySource): Pick<FabricOrgArgs, "adminKeyPem" | "adminHsm"> {
    const { prefix } = source;
    const signer = source.signer ?? "pem";
    if (!SIGNERS.includes(signer as (typeof SIGNERS)[number]))
        throw new InvalidSettingError(`${prefix}signer`, signer, `one of ${SIGNERS.join(", ")}`);
    const secretCommand = (key: string) =>
        prefix ? `\`pulumi config set --path --secret '${prefix}${key}'\`` : `\`pulumi config set --secret ${key}\``;
    const adminKeyPem = source.secret("adminKeyPem");
    if (signer === "pem") {
        const hsmKey = HSM_KEYS.find(
            (key) => (key === "adminHsmPin" ? source.secret(key) : source.plain(key)) !== undefined,
        );
        if (hsmKey)
            throw new InvalidSettingError(
                `${prefix}${hsmKey}`,
                new HiddenValue("set"),
                "to be set only with signer: hsm (the admin's key in an HSM)",
            );
        if (adminKeyPem === undefined) {
            throw new InvalidSettingError(
                `${prefix}adminKeyPem`,
                undefined,
                `the admin's private key, set with ${secretCommand("adminKeyPem")} (or signer: hsm with the key in an HSM)`,
            );
        }
        return { adminKeyPem };
    }
    if (adminKeyPem !== undefined) {
        throw new InvalidSettingError(
            `${prefix}adminKeyPem`,
            new HiddenValue(),
            "to be set only with signer: pem (with signer: hsm the key stays in the HSM)",
        );
    }
    const need = (key: string, what: string) => {
        const value = source.plain(key);
        if (value === undefined)
            throw new InvalidSettingError(`${prefix}${key}`, undefined, `${what} (required with signer: hsm)`);
        return value;
    };
    const library = need(
        "adminHsmLibrary",
        "the absolute path of the HSM's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so",
    );
    const tokenLabel = need("adminHsmTokenLabel", "the label of the token that holds the admin's key");
    const keyId = need("adminHsmKeyId", "the CKA_ID of the admin's private key on the token, as text");
    const pin = source.secret("adminHsmPin");
    if (pin === undefined) {
        throw new InvalidSettingError(
            `${prefix}adminHsmPin`,
            undefined,
            `the token's user PIN, set with ${secretCommand("adminHsmPin")} (required with signer: hsm)`,
        );
    }
    return { adminHsm: { library, tokenLabel, keyId, pin } };
}

interface OtherOrgSetting {
    mspId: string;
    peers: PeerArgs[];
    peerTlsCaPem?: string;
    adminCertPem: string;
    adminKeyPem?: string;
    signer?: string;
    adminHsmLibrary?: string;
    adminHsmTokenLabel?: string;
    adminHsmKeyId?: string;
    adminHsmPin?: string;
    clientTlsCertPem?: string;
    clientTlsKeyPem?: string;
}

/** An item of otherOrgs as the lifecycle takes it; `secret` gives its secret keys (plain text when checking, secrets when declaring). */
function otherOrgArgs(
    org: OtherOrgSetting,
    k: number,
    secret: (
        key: "adminKeyPem" | "adminHsmPin" | "clientTlsKeyPem",
    ) => import("@pulumi/pulumi").Input<string> | undefined,
): FabricOrgArgs {
    const {
        signer,
        adminKeyPem: _key,
        adminHsmLibrary,
        adminHsmTokenLabel,
        adminHsmKeyId,
        adminHsmPin: _pin,
        clientTlsKeyPem,
        ...rest
    } = org;
    const plain: Record<string, string | undefined> = { adminHsmLibrary, adminHsmTokenLabel, adminHsmKeyId };
    return {
        ...rest,
        ...readAdminKey({ prefix: `otherOrgs[${k}].`, signer, plain: (key) => plain[key], secret }),
        clientTlsKeyPem: clientTlsKeyPem === undefined ? undefined : secret("clientTlsKeyPem"),
    };
}

/** More orgs this stack acts for, with their keys as plain text (checked here; the program passes them on as secrets). */
function readOtherOrgs(read: ConfigReader): OtherOrgSetting[] | undefined {
    const value = read.json("otherOrgs");
    if (value === undefined) return undefined;
    const keys = ["adminKeyPem", "adminHsmPin", "clientTlsKeyPem"];
    const orgs = checkObjectList<OtherOrgSetting>(
        "otherOrgs",
        value,
        { mspId: "string", peers: "array", adminCertPem: "string" },
        {
            adminKeyPem: "string",
            signer: "string",
            adminHsmLibrary: "string",
            adminHsmTokenLabel: "string",
            adminHsmKeyId: "string",
            adminHsmPin: "string",
            peerTlsCaPem: "string",
            clientTlsCertPem: "string",
            clientTlsKeyPem: "string",
        },
        keys,
    );
    orgs.forEach((org, k) => {
        checkObjectList(
            `otherOrgs[${k}].peers`,
            org.peers,
            { endpoint: "string" },
            { tlsCaPem: "string", hostOverride: "string" },
        );
        requireClientTlsPair(`otherOrgs[${k}].`, org.clientTlsCertPem, org.clientTlsKeyPem);
    });
    return orgs;
}

/** An org's client TLS certificate and (secret) key come together or not at all; `prefix` names the org's keys. */
function requireClientTlsPair(prefix: string, certPem: unknown, keyPem: unknown): void {
    if ((certPem === undefined) !== (keyPem === undefined)) {
        throw new InvalidSettingError(
            `${prefix}${certPem === undefined ? "clientTlsCertPem" : "clientTlsKeyPem"}`,
            undefined,
            "clientTlsCertPem and the secret clientTlsKeyPem together, or neither",
        );
    }
}

/** Stacks of other orgs whose `mspId` output must have approved before this stack commits. */
function readApprovalStacks(read: ConfigReader): string[] | undefined {
    const stacks = read.stringArray("approvalStacks");
    if (stacks && read.boolean("commit") === false) {
        throw new InvalidSettingError(
            "approvalStacks",
            stacks,
            "to be set only in the committing stack (commit is false here)",
        );
    }
    for (const stack of stacks ?? []) {
        if (!/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/.test(stack)) {
            throw new InvalidSettingError(
                "approvalStacks",
                stack,
                "stack names such as 'acme/fabric-ccaas/org2' (organization/project/stack)",
            );
        }
    }
    return stacks;
}

function optional<T, R>(value: T | undefined, read: (value: T) => R): R | undefined {
    return value === undefined ? undefined : read(value);
}
