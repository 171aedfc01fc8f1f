import type * as containerserviceModule from "@pulumi/azure-native/containerservice";
import type * as resourcesModule from "@pulumi/azure-native/resources";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { requireOptionalPeer } from "./optionalPeer";
import { InvalidSettingError } from "./validation/errors";
import { requireIntegerInRange } from "./validation/kubernetes";
import { validateArgs } from "./validation/resourceError";

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
    /** Network policy engine, so the chaincode NetworkPolicy is enforced. Defaults to "calico". */
    readonly networkPolicy?: "azure" | "calico" | "cilium";
}

const NETWORK_POLICIES = ["azure", "calico", "cilium"];

/**
 * An AKS cluster in its resource group, its kubeconfig (secret) and a
 * Kubernetes provider bound to it by cluster ID, so a rotated kubeconfig
 * updates the provider instead of replacing every object on the cluster.
 */
export class AksCluster extends pulumi.ComponentResource {
    public readonly resourceGroupName: pulumi.Output<string>;
    public readonly clusterName: pulumi.Output<string>;
    /** Secret. */
    public readonly kubeconfig: pulumi.Output<string>;
    public readonly provider: k8s.Provider;

    constructor(name: string, args: AksClusterArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fabric-ccaas:index:AksCluster", name, {}, opts);
        const s = validateArgs(this, () => validateAksArgs(args));
        const resources = requireOptionalPeer<typeof resourcesModule>("@pulumi/azure-native", "resources", "AksCluster");
        const containerservice = requireOptionalPeer<typeof containerserviceModule>("@pulumi/azure-native", "containerservice", "AksCluster");
        const child = { parent: this };

        this.resourceGroupName = s.resourceGroupName
            ? pulumi.output(s.resourceGroupName)
            : new resources.ResourceGroup(`${name}-rg`, { location: args.location }, child).name;

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
                networkProfile: { networkPlugin: "azure", networkPolicy: s.networkPolicy },
            },
            child,
        );
        this.clusterName = cluster.name;

        const credentials = containerservice.listManagedClusterUserCredentialsOutput(
            { resourceGroupName: this.resourceGroupName, resourceName: cluster.name },
            child,
        );
        this.kubeconfig = pulumi.secret(
            credentials.kubeconfigs.apply((configs) => Buffer.from(configs[0].value, "base64").toString("utf8")),
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
        });
    }
}

/** Checks the cluster settings; throws InvalidSettingError naming the setting. */
export function validateAksArgs(args: AksClusterArgs) {
    if (typeof args.location !== "string" || !/^[a-z0-9]+$/.test(args.location)) {
        throw new InvalidSettingError("aksLocation", args.location, "an Azure region name such as 'westeurope'");
    }
    if (args.resourceGroupName !== undefined && !/^[-\w.()]{1,90}$/.test(args.resourceGroupName)) {
        throw new InvalidSettingError("aksResourceGroup", args.resourceGroupName, "1-90 letters, digits, '-', '_', '.', '(' or ')'");
    }
    if (args.kubernetesVersion !== undefined && !/^[0-9]+\.[0-9]+(\.[0-9]+)?$/.test(args.kubernetesVersion)) {
        throw new InvalidSettingError("aksKubernetesVersion", args.kubernetesVersion, "a Kubernetes version AKS offers, as 'major.minor' or 'major.minor.patch', e.g. '1.31' (az aks get-versions lists them)");
    }
    const vmSize = args.vmSize ?? "Standard_D2s_v5";
    if (!/^[A-Za-z0-9_]+$/.test(vmSize)) {
        throw new InvalidSettingError("aksVmSize", vmSize, "an Azure VM size such as 'Standard_D2s_v5'");
    }
    const networkPolicy = args.networkPolicy ?? "calico";
    if (!NETWORK_POLICIES.includes(networkPolicy)) {
        throw new InvalidSettingError("aksNetworkPolicy", networkPolicy, `one of ${NETWORK_POLICIES.join(", ")}`);
    }
    return {
        resourceGroupName: args.resourceGroupName,
        nodeCount: requireIntegerInRange("aksNodeCount", args.nodeCount ?? 2, 1, 100),
        vmSize,
        networkPolicy,
    };
}
