import { type ArgumentShapes, checkArgumentObject, checkArgumentShapes } from "../validation/argument-shapes";
import type * as authorizationModule from "@pulumi/azure-native/authorization";
import type * as containerregistryModule from "@pulumi/azure-native/containerregistry";
import type * as containerserviceModule from "@pulumi/azure-native/containerservice";
import type * as resourcesModule from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AKS_LOGINS, type AksLogin, kubeloginKubeconfig } from "./aks-kubeconfig";
import { requireOptionalPeer } from "../optional-peer";
import { InvalidSettingError } from "../validation/errors";
import { checkCidr, checkIntegerInRange } from "../validation/kubernetes";
import { checkArgs } from "../validation/resource-error";
import { type NameOf, namerOf, namingSettings, type SettingNames } from "../setting-names";

export type AksNetworkPolicy = "azure" | "calico" | "cilium" | "none";

/** The registry the cluster pulls the chaincode image from. */
export type AksRegistry =
    /** An Azure Container Registry the stack creates (5-50 letters or digits). */
    | { readonly name: string; readonly id?: undefined }
    /** An existing one, by resource ID. */
    | { readonly id: string; readonly name?: undefined };

export interface AksClusterArgs {
    /** Azure region, e.g. "westeurope". */
    readonly location: string;
    /** Put the cluster in this existing resource group. Defaults to a new one. */
    readonly resourceGroupName?: string;
    /** Kubernetes version. Defaults to AKS's default. */
    readonly kubernetesVersion?: string;
    /** Nodes in the system pool. Defaults to 2. */
    readonly nodeCount?: number;
    /** VM size of the nodes. Defaults to "Standard_D2s_v5". */
    readonly vmSize?: string;
    /** Network policy engine, so the chaincode NetworkPolicy is enforced ("none": not enforced). Defaults to "calico". */
    readonly networkPolicy?: AksNetworkPolicy;
    /** Registry whose images the nodes may pull (AcrPull for the kubelet identity). Defaults to none. */
    readonly registry?: AksRegistry;
    /** Object IDs of the Entra ID groups whose members administer the cluster. Defaults to none. */
    readonly adminGroupObjectIds?: readonly string[];
    /** No local accounts: every sign-in goes through Entra ID. Defaults to true (needs adminGroupObjectIds). */
    readonly disableLocalAccounts?: boolean;
    /** How the stack signs in with Entra ID (kubelogin's login mode). Defaults to "azurecli". */
    readonly login?: AksLogin;
    /** Only these CIDR blocks reach the API server. Defaults to any address (set them, or privateCluster). */
    readonly authorizedIpRanges?: readonly string[];
    /** The API server has a private address in the cluster's VNet only. Defaults to false. */
    readonly privateCluster?: boolean;
    /** How your users name these arguments, when not by their paths (see ExternalChaincodeArgs.settingNames). Defaults to the paths. */
    readonly settingNames?: SettingNames;
}

export const AKS_NETWORK_POLICIES: readonly AksNetworkPolicy[] = ["azure", "calico", "cilium", "none"];
/** Azure's built-in AcrPull role. */
export const ACR_PULL_ROLE_ID = "7f951dda-4ed3-4680-a7ca-43fe172d538d";
const REGISTRY_ID =
    /^\/subscriptions\/([0-9a-fA-F-]{36})\/resourceGroups\/[-\w.()]{1,90}\/providers\/Microsoft\.ContainerRegistry\/registries\/([a-zA-Z0-9]{5,50})$/;
const OBJECT_ID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;

/**
 * An AKS cluster in its resource group: Entra ID sign-in (local accounts
 * off), an API server limited to given ranges or private, a network policy
 * engine, optionally a registry it may pull from; its kubeconfig (secret) and
 * a Kubernetes provider bound to it by cluster ID, so a rotated kubeconfig
 * updates the provider instead of replacing every object on the cluster.
 *
 * @example
 * ```ts
 * const aks = new AksCluster("aks", { location: "westeurope", adminGroupObjectIds: ["<Entra ID group object ID>"], registry: { name: "fabricccaas" } });
 * new ExternalChaincode("basic", { chaincodeName: "basic", image, lifecycle }, { providers: [aks.provider] });
 * ```
 */
export class AksCluster extends pulumi.ComponentResource {
    public readonly resourceGroupName: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    /** Secret. With Entra ID it holds no credential: kubelogin signs in. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;
    /** Object ID of the identity the nodes pull images with. */
    public readonly kubeletObjectId: pulumi.Output<string>;
    /** Login server of the registry (e.g. "fabricccaas.azurecr.io"); undefined without one. */
    public readonly registryLoginServer: pulumi.Output<string> | undefined;
    /** The nodes may pull from the registry once this exists; undefined without one. */
    public readonly registryPull: pulumi.Resource | undefined;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fabric-ccaas:index:AksCluster", name, {}, opts);
        const s = checkArgs(this, () => checkAksArgs(args));
        const resources = requireOptionalPeer<typeof resourcesModule>(
            "@pulumi/azure-native",
            "resources",
            "AksCluster",
        );
        const containerservice = requireOptionalPeer<typeof containerserviceModule>(
            "@pulumi/azure-native",
            "containerservice",
            "AksCluster",
        );
        const child = { parent: this };

        this.resourceGroupName = s.resourceGroupName
            ? pulumi.output(s.resourceGroupName)
            : new resources.ResourceGroup(`${name}-rg`, { location: args.location }, child).name;
        if (s.networkPolicy === "none") {
            void pulumi.log.warn(
                `${name}: aksNetworkPolicy is "none": the cluster enforces no NetworkPolicy, so any pod can dial the chaincode server`,
                this,
            );
        }

        const cluster = new containerservice.ManagedCluster(
            `${name}-aks`,
            {
                resourceGroupName: this.resourceGroupName,
                location: args.location,
                dnsPrefix: name,
                kubernetesVersion: args.kubernetesVersion,
                enableRBAC: true,
                identity: { type: "SystemAssigned" },
                agentPoolProfiles: [
                    {
                        name: "system",
                        mode: "System",
                        count: s.nodeCount,
                        vmSize: s.vmSize,
                        osType: "Linux",
                        type: "VirtualMachineScaleSets",
                    },
                ],
                networkProfile: {
                    networkPlugin: "azure",
                    networkPolicy: s.networkPolicy === "none" ? undefined : s.networkPolicy,
                    // AKS enforces Cilium policy only on its Cilium dataplane.
                    networkDataplane: s.networkPolicy === "cilium" ? "cilium" : undefined,
                },
                aadProfile: s.adminGroupObjectIds.length
                    ? { managed: true, adminGroupObjectIDs: s.adminGroupObjectIds }
                    : undefined,
                disableLocalAccounts: s.disableLocalAccounts,
                apiServerAccessProfile:
                    s.authorizedIpRanges.length || s.privateCluster
                        ? {
                              authorizedIPRanges: s.authorizedIpRanges.length ? s.authorizedIpRanges : undefined,
                              enablePrivateCluster: s.privateCluster || undefined,
                          }
                        : undefined,
            },
            child,
        );
        this.clusterName = cluster.name;
        this.kubeletObjectId = cluster.identityProfile.apply((profile) => {
            const objectId = profile?.kubeletidentity?.objectId;
            if (!objectId)
                throw new Error(
                    `AKS cluster ${name} reports no kubelet identity: the registry cannot be granted to its nodes`,
                );
            return objectId;
        });

        if (s.registry) {
            const registry = this.declareRegistry(name, s.registry, args.location);
            this.registryLoginServer = registry.loginServer;
            this.registryPull = registry.pull;
        }

        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            {
                resourceGroupName: this.resourceGroupName,
                resourceName: cluster.name,
                format: s.entraId ? "exec" : undefined,
            },
            child,
        );
        this.kubeconfig = pulumi.secret(
            credentials.kubeconfigs.apply((configs) => {
                const kubeconfig = Buffer.from(configs[0].value, "base64").toString("utf8");
                return s.entraId ? kubeloginKubeconfig(kubeconfig, s.login) : kubeconfig;
            }),
        );
        this.provider = new k8s.Provider(
            `${name}-k8s`,
            { kubeconfig: this.kubeconfig, clusterIdentifier: cluster.id },
            child,
        );
        this.registerOutputs({
            resourceGroupName: this.resourceGroupName,
            clusterName: this.clusterName,
            kubeconfig: this.kubeconfig,
            kubeletObjectId: this.kubeletObjectId,
            registryLoginServer: this.registryLoginServer,
        });
    }

    /** The registry (created or existing) and AcrPull on it for the nodes' kubelet identity. */
    private declareRegistry(name: string, registry: ValidRegistry, location: string) {
        const authorization = requireOptionalPeer<typeof authorizationModule>(
            "@pulumi/azure-native",
            "authorization",
            "AksCluster",
        );
        const child = { parent: this };
        let registryId: pulumi.Output<string>;
        let loginServer: pulumi.Output<string>;
        if (registry.create) {
            const containerregistry = requireOptionalPeer<typeof containerregistryModule>(
                "@pulumi/azure-native",
                "containerregistry",
                "AksCluster",
            );
            const created = new containerregistry.Registry(
                `${name}-acr`,
                // Pulls go through Entra ID (AcrPull), never a shared admin password.
                {
                    registryName: registry.name,
                    resourceGroupName: this.resourceGroupName,
                    location,
                    sku: { name: "Standard" },
                    adminUserEnabled: false,
                    anonymousPullEnabled: false,
                },
                child,
            );
            registryId = created.id;
            loginServer = created.loginServer.apply((server) => server ?? `${registry.name}.azurecr.io`);
        } else {
            registryId = pulumi.output(registry.id!);
            loginServer = pulumi.output(`${registry.name}.azurecr.io`);
        }
        const pull = new authorization.RoleAssignment(
            `${name}-acr-pull`,
            {
                principalId: this.kubeletObjectId,
                principalType: "ServicePrincipal",
                roleDefinitionId: registryId.apply(
                    (id) =>
                        `/subscriptions/${subscriptionOf(id)}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE_ID}`,
                ),
                scope: registryId,
            },
            child,
        );
        return { loginServer, pull };
    }
}

export interface ValidRegistry {
    readonly create: boolean;
    readonly name: string;
    readonly id?: string;
}

function subscriptionOf(resourceId: string): string {
    const match = /^\/subscriptions\/([^/]+)\//i.exec(resourceId);
    if (!match) throw new Error(`not an Azure resource ID: ${resourceId}`);
    return match[1];
}

/** Where the cluster's checks walk an object or a list, or need text. */
const AKS_SHAPES: ArgumentShapes = {
    location: "text!",
    registry: "object",
    adminGroupObjectIds: "list",
    authorizedIpRanges: "list",
    settingNames: "object",
};

/** Checks the cluster settings; throws InvalidSettingError naming the setting (as args.settingNames maps it). */
export function checkAksArgs(args: AksClusterArgs) {
    checkArgumentObject(args);
    const nameOf = namerOf(args.settingNames);
    return namingSettings(nameOf, () => {
        checkArgumentShapes(args, AKS_SHAPES);
        return checkAksFields(args, nameOf);
    });
}

function checkAksFields(args: AksClusterArgs, nameOf: NameOf) {
    if (typeof args.location !== "string" || !/^[a-z0-9]+$/.test(args.location)) {
        throw new InvalidSettingError("location", args.location, "an Azure region name such as 'westeurope'");
    }
    if (args.resourceGroupName !== undefined && !/^[-\w.()]{1,90}$/.test(args.resourceGroupName)) {
        throw new InvalidSettingError(
            "resourceGroupName",
            args.resourceGroupName,
            "1-90 letters, digits, '-', '_', '.', '(' or ')'",
        );
    }
    if (args.kubernetesVersion !== undefined && !/^[0-9]+\.[0-9]+(\.[0-9]+)?$/.test(args.kubernetesVersion)) {
        throw new InvalidSettingError(
            "kubernetesVersion",
            args.kubernetesVersion,
            "a Kubernetes version AKS offers, as 'major.minor' or 'major.minor.patch', e.g. '1.31' (az aks get-versions lists them)",
        );
    }
    const vmSize = args.vmSize ?? "Standard_D2s_v5";
    if (!/^[A-Za-z0-9_]+$/.test(vmSize)) {
        throw new InvalidSettingError("vmSize", vmSize, "an Azure VM size such as 'Standard_D2s_v5'");
    }
    const networkPolicy = args.networkPolicy ?? "calico";
    if (!AKS_NETWORK_POLICIES.includes(networkPolicy)) {
        throw new InvalidSettingError("networkPolicy", networkPolicy, `one of ${AKS_NETWORK_POLICIES.join(", ")}`);
    }
    const nodeCount = checkIntegerInRange("nodeCount", args.nodeCount ?? 2, 1, 100);
    const adminGroupObjectIds = [...(args.adminGroupObjectIds ?? [])];
    adminGroupObjectIds.forEach((id, i) => {
        if (typeof id !== "string" || !OBJECT_ID.test(id)) {
            throw new InvalidSettingError(
                `adminGroupObjectIds[${i}]`,
                id,
                "the object ID of an Entra ID group, a GUID (az ad group show --group <name> --query id --output tsv)",
            );
        }
    });
    const disableLocalAccounts = args.disableLocalAccounts ?? true;
    if (disableLocalAccounts && adminGroupObjectIds.length === 0) {
        throw new InvalidSettingError(
            "adminGroupObjectIds",
            undefined,
            "the object IDs of the Entra ID groups whose members administer the cluster (the identity that runs pulumi must be in one), " +
                `while ${nameOf("disableLocalAccounts")} is true (its default): without local accounts, only Entra ID admins can sign in`,
        );
    }
    const entraId = adminGroupObjectIds.length > 0;
    const login = args.login ?? "azurecli";
    if (!AKS_LOGINS.includes(login))
        throw new InvalidSettingError(
            "login",
            login,
            `one of ${AKS_LOGINS.join(", ")} (kubelogin's non-interactive login modes)`,
        );
    if (args.login !== undefined && !entraId) {
        throw new InvalidSettingError(
            "login",
            args.login,
            `to be set only with ${nameOf("adminGroupObjectIds")} (Entra ID sign-in); with local accounts the stack uses the cluster user's certificate`,
        );
    }
    const authorizedIpRanges = (args.authorizedIpRanges ?? []).map((cidr, i) =>
        checkCidr(`authorizedIpRanges[${i}]`, cidr),
    );
    const privateCluster = args.privateCluster ?? false;
    if (privateCluster && authorizedIpRanges.length) {
        throw new InvalidSettingError(
            "authorizedIpRanges",
            authorizedIpRanges,
            `to be set only without ${nameOf("privateCluster")} (a private API server has no public address to limit)`,
        );
    }
    return {
        resourceGroupName: args.resourceGroupName,
        nodeCount,
        vmSize,
        networkPolicy,
        adminGroupObjectIds,
        disableLocalAccounts,
        entraId,
        login,
        authorizedIpRanges,
        privateCluster,
        registry: args.registry === undefined ? undefined : checkRegistryFields(args.registry),
    };
}

/** Checks the registry setting: its name (lower case, as its login server has it), and its ID when it exists already. */
export function checkRegistry(registry: AksRegistry, settingNames?: SettingNames): ValidRegistry {
    return namingSettings(namerOf(settingNames), () => checkRegistryFields(registry));
}

function checkRegistryFields(registry: AksRegistry): ValidRegistry {
    if (registry.id !== undefined) {
        const match = REGISTRY_ID.exec(registry.id);
        if (!match) {
            throw new InvalidSettingError(
                "registry.id",
                registry.id,
                "the resource ID of an Azure Container Registry, /subscriptions/<subscription>/resourceGroups/<group>/providers/Microsoft.ContainerRegistry/registries/<name> (az acr show --name <name> --query id --output tsv)",
            );
        }
        return { create: false, name: match[2].toLowerCase(), id: registry.id };
    }
    if (typeof registry.name !== "string" || !/^[a-zA-Z0-9]{5,50}$/.test(registry.name)) {
        throw new InvalidSettingError(
            "registry.name",
            registry.name,
            "a new Azure Container Registry name: 5-50 letters or digits, unique in Azure",
        );
    }
    return { create: true, name: registry.name.toLowerCase() };
}
