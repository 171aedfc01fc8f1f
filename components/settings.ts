import { AksClusterArgs, validateAksArgs } from "./aks";
import { checkExternalChaincodeArgs, ExternalChaincodeArgs } from "./externalChaincode";
import { ChaincodeImageArgs, IMAGE_BUILD_TOOLS, validateImageArgs } from "./imageBuild";
import { ChaincodeLifecycleArgs, OrdererArgs, OrgPeerArgs } from "./lifecycle";
import { CollectionArgs, DEFAULT_SMOKE_FUNCTION, DEFAULT_SMOKE_WAIT_SECONDS, PeerTargetArgs } from "./providers";
import { readCollectionsFile, readIndexDir } from "./settingFiles";
import { checkObjectList, ConfigReader, ConfigSource } from "./validation/configReader";
import { InvalidSettingError } from "./validation/errors";
import { validateKubeconfig } from "./validation/kubeconfig";

export type { ConfigSource } from "./validation/configReader";

/** The secret keys, read apart so they stay Pulumi secrets. */
export interface LifecycleSecrets {
    readonly adminKeyPem?: import("@pulumi/pulumi").Input<string>;
    readonly clientTlsKeyPem?: import("@pulumi/pulumi").Input<string>;
    /** A key of otherOrgs[index], as a secret (the program reads otherOrgs with getSecretObject). Defaults to the plain value. */
    readonly otherOrgKey?: (index: number, field: "adminKeyPem" | "clientTlsKeyPem") => import("@pulumi/pulumi").Input<string>;
}

export type ClusterTarget =
    | { kind: "aks"; aks: AksClusterArgs }
    | { kind: "existing"; context?: string; clusterIdentifier?: string };

export interface ProgramSettings {
    readonly chaincode: Omit<ExternalChaincodeArgs, "lifecycle" | "image"> & {
        /** Undefined when imageBuild builds the image. */
        image?: string;
        lifecycle?: ChaincodeLifecycleArgs & { approvalStacks?: string[] };
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
    "otherOrgs", "orderer", "endorsementPolicy", "sequence", "initRequired", "collectionsFile", "commit", "commitPeers",
    "requiredApprovals", "approvalStacks", "fabricTimeoutSeconds", "smokeCheck", "smokeFunction", "smokeArgs", "smokeWaitSeconds",
] as const;

/** Keys whose values are secret: a message about them never shows the value. */
export const SECRET_KEYS = ["kubeconfig", "adminKeyPem", "clientTlsKeyPem", "otherOrgs"] as const;

/** Keys that mean something only when another setting has a given value: set otherwise, they are refused. */
const DEPENDENT_KEYS: ReadonlyArray<{ keys: readonly string[]; accepted: string; holds: (read: ConfigReader) => boolean }> = [
    {
        keys: ["clientAuth", "tlsAlgorithm", "tlsCaValidityHours", "tlsValidityHours", "tlsEarlyRenewalHours", "tlsClientValidityHours", "tlsClientGeneration", "tlsExtraSans"],
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
    { keys: ["imageDigest"], accepted: "to be set only with an image you give (imageBuild pins the built image itself)", holds: (read) => !(read.boolean("imageBuild") ?? false) },
    {
        keys: ["kubeconfig", "kubeContext", "clusterIdentifier"],
        accepted: "to be set only with an existing cluster (aksCreate is true: the stack uses the new cluster's own kubeconfig)",
        holds: (read) => !(read.boolean("aksCreate") ?? false),
    },
    { keys: ["smokeFunction", "smokeArgs", "smokeWaitSeconds"], accepted: "to be set only with smokeCheck: true", holds: (read) => read.boolean("smokeCheck") ?? true },
    { keys: ["commitPeers", "requiredApprovals"], accepted: "to be set only with commit: true (the committing stack names them)", holds: (read) => read.boolean("commit") ?? true },
    {
        keys: ["imageBuildTool", "imageBuildContext", "imageRegistry", "imageRepository"],
        accepted: "to be set only together with imageBuild: true",
        holds: (read) => read.boolean("imageBuild") ?? false,
    },
    {
        // Everything of the Fabric lifecycle.
        keys: [
            "mspId", "peers", "peerTlsCaPem", "adminCertPem", "adminKeyPem", "clientTlsCertPem", "clientTlsKeyPem", "otherOrgs", "orderer",
            "endorsementPolicy", "sequence", "initRequired", "collectionsFile", "commit", "commitPeers", "requiredApprovals", "approvalStacks",
            "fabricTimeoutSeconds", "smokeCheck", "smokeFunction", "smokeArgs", "smokeWaitSeconds",
        ],
        accepted: "to be set only together with channel (the lifecycle)",
        holds: (read) => read.isSet("channel"),
    },
    {
        keys: ["aksLocation", "aksResourceGroup", "aksKubernetesVersion", "aksNodeCount", "aksVmSize", "aksNetworkPolicy"],
        accepted: "to be set only together with aksCreate: true",
        holds: (read) => read.boolean("aksCreate") ?? false,
    },
];

/**
 * Reads and checks the stack's configuration. Every bad value throws an
 * InvalidSettingError before any resource is declared.
 */
export function readSettings(config: ConfigSource, secrets: LifecycleSecrets = {}): ProgramSettings {
    const read = new ConfigReader(config, SECRET_KEYS);
    for (const rule of DEPENDENT_KEYS) {
        const stray = rule.keys.find((key) => read.isSet(key));
        if (stray && !rule.holds(read)) throw new InvalidSettingError(stray, read.shown(stray), rule.accepted);
    }
    const imageBuild = readImageBuild(read);
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
            // Defaulted here as Pulumi.yaml used to declare them: the smoke check's inputs stay as before.
            fn: read.string("smokeFunction") ?? DEFAULT_SMOKE_FUNCTION,
            args: read.stringArray("smokeArgs"),
            waitSeconds: read.integer("smokeWaitSeconds") ?? DEFAULT_SMOKE_WAIT_SECONDS,
        },
    };

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
        cluster = readExistingCluster(read);
    }
    // Every component check, under the keys above, before anything is read from Fabric or declared.
    const { lifecycle, image: _image, ...chaincodeArgs } = chaincode;
    // The secret keys are checked as plain text here and stay secrets in the settings.
    checkExternalChaincodeArgs({
        ...chaincodeArgs,
        image: image!,
        lifecycle: lifecycle && {
            ...lifecycle,
            org: { ...lifecycle.org, adminKeyPem: read.string("adminKeyPem") ?? "", clientTlsKeyPem: read.string("clientTlsKeyPem") },
            otherOrgs: readOtherOrgs(read),
        },
    });
    if (cluster.kind === "aks") validateAksArgs(cluster.aks);
    if (imageBuild) validateImageArgs(imageBuild);
    return { chaincode, cluster, imageBuild };
}

const CLUSTER_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:\/-]{0,252}$/;

function readExistingCluster(read: ConfigReader): ClusterTarget {
    const context = read.string("kubeContext");
    const kubeconfig = read.string("kubeconfig");
    if (kubeconfig !== undefined) validateKubeconfig("kubeconfig", kubeconfig, "kubeContext", context);
    const clusterIdentifier = read.string("clusterIdentifier");
    if (clusterIdentifier !== undefined && !CLUSTER_IDENTIFIER.test(clusterIdentifier)) {
        throw new InvalidSettingError("clusterIdentifier", clusterIdentifier, "a stable cluster name: a letter or digit, then letters, digits and _ . : / - (at most 253), e.g. 'aks-prod-westeurope'");
    }
    return { kind: "existing", context, clusterIdentifier };
}

function readImageBuild(read: ConfigReader): ChaincodeImageArgs | undefined {
    if (!(read.boolean("imageBuild") ?? false)) return undefined;
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
    if (channel === undefined) return undefined;
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
    const otherOrgs = readOtherOrgs(read)?.map((org, k) => ({
        ...org,
        adminKeyPem: secrets.otherOrgKey?.(k, "adminKeyPem") ?? org.adminKeyPem,
        clientTlsKeyPem: org.clientTlsKeyPem === undefined ? undefined : secrets.otherOrgKey?.(k, "clientTlsKeyPem") ?? org.clientTlsKeyPem,
    }));
    return {
        channel,
        otherOrgs,
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
        // As Pulumi.yaml used to declare them: stacks from before keep identical inputs (no diff).
        initRequired: read.boolean("initRequired") ?? false,
        collections: optional(read.string("collectionsFile"), (file) => readCollectionsFile(file)),
        commit: read.boolean("commit"),
        commitPeers: read.objectArray<PeerTargetArgs>("commitPeers", { endpoint: "string", mspId: "string" }, { tlsCaPem: "string", hostOverride: "string" }),
        requiredApprovals: read.stringArray("requiredApprovals"),
        approvalStacks: readApprovalStacks(read),
        timeoutSeconds: read.integer("fabricTimeoutSeconds") ?? 30,
    };
}

interface OtherOrgSetting {
    mspId: string;
    peers: OrgPeerArgs[];
    peerTlsCaPem?: string;
    adminCertPem: string;
    adminKeyPem: string;
    clientTlsCertPem?: string;
    clientTlsKeyPem?: string;
}

/** More orgs this stack acts for, with their keys as plain text (checked here; the program passes them on as secrets). */
function readOtherOrgs(read: ConfigReader): OtherOrgSetting[] | undefined {
    const value = read.json("otherOrgs");
    if (value === undefined) return undefined;
    const keys = ["adminKeyPem", "clientTlsKeyPem"];
    const orgs = checkObjectList<OtherOrgSetting>(
        "otherOrgs",
        value,
        { mspId: "string", peers: "array", adminCertPem: "string", adminKeyPem: "string" },
        { peerTlsCaPem: "string", clientTlsCertPem: "string", clientTlsKeyPem: "string" },
        keys,
    );
    orgs.forEach((org, k) => {
        checkObjectList(`otherOrgs[${k}].peers`, org.peers, { endpoint: "string" }, { tlsCaPem: "string", hostOverride: "string" });
        if ((org.clientTlsCertPem === undefined) !== (org.clientTlsKeyPem === undefined)) {
            throw new InvalidSettingError(`otherOrgs[${k}].${org.clientTlsCertPem === undefined ? "clientTlsCertPem" : "clientTlsKeyPem"}`, undefined, "clientTlsCertPem and clientTlsKeyPem together, or neither");
        }
    });
    return orgs;
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

function optional<T, R>(value: T | undefined, read: (value: T) => R): R | undefined {
    return value === undefined ? undefined : read(value);
}
