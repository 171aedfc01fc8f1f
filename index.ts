import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "./components/azure/aks-cluster";
import { declareChaincodes } from "./components/chaincode/chaincode-set";
import type { ExternalChaincode } from "./components/chaincode/external-chaincode";
import { compact } from "./components/lifecycle/providers/lifecycle-plan";
import { ChaincodeImage } from "./components/chaincode/chaincode-image";
import { existingClusterProvider } from "./components/kubernetes/cluster-target";
import { readSettings, type ChaincodeSettings } from "./config/settings";
import { InvalidSettingError } from "./components/validation/errors";
import { skipSourceMapsForSdkBookkeeping } from "./components/sdk-stack-traces";

skipSourceMapsForSdkBookkeeping();

const config = new pulumi.Config();
// The runtime knows which keys the stack stores encrypted; its typings do not export the check.
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (fullKey: string) => boolean }).isConfigSecret;
const source = {
    get: (key: string) => config.get(key),
    isSecret: isConfigSecret && ((key: string) => isConfigSecret(`${config.name}:${key}`)),
    // The keys of this program's namespace; other namespaces (kubernetes:, azure-native:) are their providers'.
    keys: () =>
        Object.keys(pulumi.runtime.allConfig())
            .filter((fullKey) => fullKey.startsWith(`${config.name}:`))
            .map((fullKey) => fullKey.slice(config.name.length + 1)),
};
const settings = (() => {
    try {
        // Read only once readSettings has found orgs there: an empty value reads as unset, not as bad JSON.
        let otherOrgs: pulumi.Output<Array<Record<string, string>>> | undefined;
        return readSettings(source, {
            adminKeyPem: config.getSecret("adminKeyPem"),
            adminHsmPin: config.getSecret("adminHsmPin"),
            clientTlsKeyPem: config.getSecret("clientTlsKeyPem"),
            otherOrgKey: (index, field) => {
                otherOrgs ??= config.requireSecretObject<Array<Record<string, string>>>("otherOrgs");
                return otherOrgs.apply((orgs) => orgs[index][field]);
            },
        });
    } catch (err) {
        // A bad setting stops the preview before anything is declared; print the message, not a stack.
        throw err instanceof InvalidSettingError ? new pulumi.RunError(err.message) : err;
    }
})();

/** The whole graph: each ExternalChaincode reads what its channel runs before it declares its servers. */
export = () => {
    const cluster = settings.cluster.kind === "aks" ? new AksCluster("aks", settings.cluster.aks) : undefined;
    const k8sProvider =
        cluster?.provider ??
        existingClusterProvider("k8s", {
            kubeconfig: config.getSecret("kubeconfig"),
            context: settings.cluster.kind === "existing" ? settings.cluster.context : undefined,
            clusterIdentifier: settings.cluster.kind === "existing" ? settings.cluster.clusterIdentifier : undefined,
        });

    // The nodes may pull from the stack's registry before anything is pushed there or started.
    const registryPull = cluster?.registryPull ? [cluster.registryPull] : [];
    const builtImage = settings.imageBuild
        ? new ChaincodeImage("image", settings.imageBuild, { dependsOn: registryPull }).image
        : undefined;
    const chaincodes = declareChaincodes(
        settings.chaincodes.map(({ lifecycle, image, sharedCa, ...chaincodeArgs }, i) => ({
            ...chaincodeArgs,
            image: (image ?? builtImage)!,
            useSharedCa: sharedCa,
            lifecycle: lifecycle && { ...lifecycle, requiredApprovals: requiredApprovals(settings.chaincodes[i]) },
        })),
        { providers: { kubernetes: k8sProvider }, dependsOn: registryPull },
    );
    const deployed = chaincodes.map((chaincode, i) => ({
        chaincode,
        settings: settings.chaincodes[i],
        image: settings.chaincodes[i].image ?? builtImage,
    }));
    const stackOutputs = {
        kubeconfig: cluster?.kubeconfig,
        registryLoginServer: cluster?.registryLoginServer,
        mspId: settings.chaincodes[0].lifecycle?.org.mspId,
    };
    // One chaincode: the outputs as they always were. Several: the same, per chaincode name. Absent ones
    // (no AKS, no load balancer) are left out, so no preview warns "Undefined value … will not show".
    if (deployed.length === 1) return compact({ ...chaincodeOutputs(deployed[0]), ...stackOutputs });
    return compact({
        chaincodes: Object.fromEntries(deployed.map((one) => [one.settings.chaincodeName, chaincodeOutputs(one)])),
        ...stackOutputs,
    });
};

/** What a stack exports for one chaincode. */
function chaincodeOutputs({
    chaincode,
    settings: chaincodeSettings,
    image,
}: {
    chaincode: ExternalChaincode;
    settings: ChaincodeSettings;
    image: pulumi.Input<string> | undefined;
}) {
    const { lifecycle } = chaincodeSettings;
    const server = pulumi.interpolate`The chaincode server ${chaincode.serviceName} (namespace ${chaincode.namespace}) runs as package ${chaincode.packageId}, reachable by the peers at ${chaincode.address}.`;
    let nextSteps: pulumi.Output<string>;
    if (!lifecycle) {
        nextSteps = pulumi.interpolate`${server} Next: install the package on your peers (e.g. \`npx ccaas-package\` with the same inputs, or set \`channel\` and the org settings to let this stack install, approve and commit), then approve and commit the definition.`;
    } else if (lifecycle.commit === false) {
        nextSteps = pulumi.interpolate`${server} Installed and approved for ${lifecycle.org.mspId} at sequence ${chaincode.lifecycle!.approvedSequence}; the committing org's stack commits the definition.`;
    } else {
        nextSteps = pulumi.interpolate`${server} Committed on ${lifecycle.channel} at sequence ${chaincode.lifecycle!.definition!.committedSequence}; invoke it through any peer's gateway.`;
    }
    return {
        packageId: chaincode.packageId,
        chaincodeImage: image,
        label: chaincode.label,
        releaseKey: chaincode.releaseKey,
        releases: pulumi.output(
            chaincode.releases.then((releases) =>
                releases.map((r) => ({ key: r.key, role: r.role, address: r.address })),
            ),
        ),
        connectionAddress: chaincode.address,
        namespace: chaincode.namespace,
        serviceName: chaincode.serviceName,
        loadBalancerAddress:
            chaincodeSettings.serviceType === "InternalLoadBalancer" ? chaincode.loadBalancerAddress : undefined,
        caCertPem: chaincode.caCertPem,
        committedSequence: chaincode.lifecycle?.definition?.committedSequence,
        approvedSequence: chaincode.lifecycle?.approvedSequence,
        nextSteps,
    };
}

/** The orgs whose approval the commit waits for: the configured ones plus the orgs of the referenced stacks. */
function requiredApprovals(chaincode: ChaincodeSettings): readonly pulumi.Input<string>[] | undefined {
    const lifecycle = chaincode.lifecycle;
    if (!lifecycle?.approvalStacks) return lifecycle?.requiredApprovals;
    const fromStacks = lifecycle.approvalStacks.map((name) => approvalStackOrg(name));
    return [...(lifecycle.requiredApprovals ?? [lifecycle.org.mspId]), ...fromStacks];
}

/** One StackReference per referenced stack, however many chaincodes wait for it (their resource names stay approval-stack-<i>). */
const approvalStackOrgs = new Map<string, pulumi.Output<string>>();
function approvalStackOrg(name: string): pulumi.Output<string> {
    let org = approvalStackOrgs.get(name);
    if (!org) {
        org = new pulumi.StackReference(`approval-stack-${approvalStackOrgs.size}`, { name })
            .requireOutput("mspId")
            .apply(String);
        approvalStackOrgs.set(name, org);
    }
    return org;
}
