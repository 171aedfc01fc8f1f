import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "./components/aks";
import { DEFAULT_NAMESPACE, ExternalChaincode } from "./components/externalChaincode";
import { adminKeyInputs } from "./components/lifecycle";
import { lookupChannelPlan, type ChannelPlan } from "./components/liveRelease";
import { adminIdentity, targetEndpoint } from "./components/providers/shared";
import { compact } from "./components/providers/lifecycle-plan";
import type { CollectionConfig } from "./components/fabric";
import { ChaincodeImage } from "./components/imageBuild";
import { existingClusterProvider } from "./components/kubernetesTarget";
import { readSettings, type ChaincodeSettings } from "./components/settings";
import { ChaincodeTls } from "./components/tls";
import { InvalidSettingError } from "./components/validation/errors";

const config = new pulumi.Config();
// The runtime knows which keys the stack stores encrypted; its typings do not export the check.
const isConfigSecret = (pulumi.runtime as unknown as { isConfigSecret?: (fullKey: string) => boolean }).isConfigSecret;
const source = {
    get: (key: string) => config.get(key),
    isSecret: isConfigSecret && ((key: string) => isConfigSecret(`${config.name}:${key}`)),
};
const settings = (() => {
    try {
        const otherOrgs = config.getSecretObject<Array<Record<string, string>>>("otherOrgs");
        return readSettings(source, {
            adminKeyPem: config.getSecret("adminKeyPem"),
            adminHsmPin: config.getSecret("adminHsmPin"),
            clientTlsKeyPem: config.getSecret("clientTlsKeyPem"),
            otherOrgKey: (index, field) => otherOrgs!.apply((orgs) => orgs[index][field]),
        });
    } catch (err) {
        // A bad setting stops the preview before anything is declared; print the message, not a stack.
        throw err instanceof InvalidSettingError ? new pulumi.RunError(err.message) : err;
    }
})();

/** The whole graph; async because what the channel runs is read from Fabric before anything is declared. */
export = async () => {
    const cluster =
        settings.cluster.kind === "aks"
            ? new AksCluster("aks", settings.cluster.aks)
            : undefined;
    const k8sProvider =
        cluster?.provider ??
        existingClusterProvider("k8s", {
            kubeconfig: config.getSecret("kubeconfig"),
            context: settings.cluster.kind === "existing" ? settings.cluster.context : undefined,
            clusterIdentifier: settings.cluster.kind === "existing" ? settings.cluster.clusterIdentifier : undefined,
        });

    // The nodes may pull from the stack's registry before anything is pushed there or started.
    const registryPull = cluster?.registryPull ? [cluster.registryPull] : [];
    const builtImage = settings.imageBuild ? new ChaincodeImage("image", settings.imageBuild, { dependsOn: registryPull }).image : undefined;
    // What each channel runs is read for every chaincode at once; the chaincodes then deploy side by side.
    const channelPlans = await Promise.all(settings.chaincodes.map((chaincode) => chaincode.lifecycle && readChannelPlan(chaincode, requiredApprovals(chaincode))));
    const sharedCa = sharedCaOf(settings.chaincodes);
    /** The first chaincode of each namespace creates it; the others' servers wait for it. */
    const namespaceOwners = new Map<string, ExternalChaincode>();
    const deployed = settings.chaincodes.map((settingsOfOne, i) => {
        const { lifecycle, image, sharedCa: onSharedCa, ...chaincodeArgs } = settingsOfOne;
        const namespace = chaincodeArgs.namespace ?? DEFAULT_NAMESPACE;
        const owner = namespaceOwners.get(namespace);
        const chaincodeImage = image ?? builtImage;
        const chaincode = new ExternalChaincode(
            chaincodeArgs.chaincodeName,
            {
                ...chaincodeArgs,
                createNamespace: owner ? false : chaincodeArgs.createNamespace,
                tls: onSharedCa ? { ...chaincodeArgs.tls, ca: sharedCa } : chaincodeArgs.tls,
                image: chaincodeImage!,
                lifecycle: lifecycle && { ...lifecycle, requiredApprovals: requiredApprovals(settingsOfOne), plan: channelPlans[i]?.plan },
                liveRelease: channelPlans[i]?.liveRelease,
            },
            { providers: { kubernetes: k8sProvider }, dependsOn: [...(owner?.namespaceResource ? [owner.namespaceResource] : []), ...registryPull] },
        );
        if (!owner) namespaceOwners.set(namespace, chaincode);
        return { chaincode, settings: settingsOfOne, image: chaincodeImage };
    });
    const stackOutputs = { kubeconfig: cluster?.kubeconfig, registryLoginServer: cluster?.registryLoginServer, mspId: settings.chaincodes[0].lifecycle?.org.mspId };
    // One chaincode: the outputs as they always were. Several: the same, per chaincode name. Absent ones
    // (no AKS, no load balancer) are left out, so no preview warns "Undefined value … will not show".
    if (deployed.length === 1) return compact({ ...chaincodeOutputs(deployed[0]), ...stackOutputs });
    return compact({ chaincodes: Object.fromEntries(deployed.map((one) => [one.settings.chaincodeName, chaincodeOutputs(one)])), ...stackOutputs });
};

/** One CA for every chaincode with tlsSharedCa (their settings agree on its algorithm and lifetime); none without. */
function sharedCaOf(chaincodes: readonly ChaincodeSettings[]): ChaincodeTls | undefined {
    const first = chaincodes.find((chaincode) => chaincode.sharedCa);
    if (!first) return undefined;
    return new ChaincodeTls("shared-tls", { serviceName: "shared", algorithm: first.tls?.algorithm, caValidityHours: first.tls?.caValidityHours });
}

/** What a stack exports for one chaincode. */
function chaincodeOutputs({ chaincode, settings: chaincodeSettings, image }: { chaincode: ExternalChaincode; settings: ChaincodeSettings; image: pulumi.Input<string> | undefined }) {
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
        releases: chaincode.releases.map((r) => ({ key: r.key, role: r.role, address: r.address })),
        connectionAddress: chaincode.address,
        namespace: chaincode.namespace,
        serviceName: chaincode.serviceName,
        loadBalancerAddress: chaincode.service.loadBalancerAddress,
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
        org = new pulumi.StackReference(`approval-stack-${approvalStackOrgs.size}`, { name }).requireOutput("mspId").apply(String);
        approvalStackOrgs.set(name, org);
    }
    return org;
}

/** What this org's peers run now and the sequence planned; a failed look-up stops the program naming the peer and the cause. */
async function readChannelPlan(
    chaincode: ChaincodeSettings,
    approvals: readonly pulumi.Input<string>[] | undefined,
): Promise<ChannelPlan | undefined> {
    const lifecycle = chaincode.lifecycle!;
    const { org } = lifecycle;
    const peer = org.peers[0];
    const adminKey = adminKeyInputs(org);
    const [adminCertPem, adminKeyPem, adminHsmPin, peerTlsCaPem, hostOverride, clientTlsCertPem, clientTlsKeyPem, requiredApprovals] = await Promise.all([
        knownValue(org.adminCertPem), knownValue(adminKey.adminKeyPem), knownValue(adminKey.adminHsmPin), knownValue(peer.tlsCaPem ?? org.peerTlsCaPem), knownValue(peer.hostOverride),
        knownValue(org.clientTlsCertPem), knownValue(org.clientTlsKeyPem), approvals && Promise.all(approvals.map(knownValue)),
    ]);
    const keyKnown = org.adminHsm ? adminHsmPin !== undefined : adminKeyPem !== undefined;
    if (adminCertPem === undefined || !keyKnown || requiredApprovals?.some((mspId) => mspId === undefined)) return undefined;
    try {
        return await lookupChannelPlan({
            peer: targetEndpoint({ endpoint: peer.endpoint, tlsCaPem: peerTlsCaPem, hostOverride }, { clientTlsCertPem, clientTlsKeyPem }),
            identity: adminIdentity({ ...adminKey, mspId: org.mspId, adminCertPem, adminKeyPem, adminHsmPin }),
            timeoutSeconds: lifecycle.timeoutSeconds,
            definition: {
                channel: lifecycle.channel,
                name: chaincode.chaincodeName,
                version: chaincode.chaincodeVersion ?? "1.0",
                sequence: lifecycle.sequence ?? "auto",
                endorsementPolicy: await knownValue(lifecycle.endorsementPolicy),
                collections: lifecycle.collections as CollectionConfig[] | undefined,
                initRequired: lifecycle.initRequired,
            },
            commits: lifecycle.commit ?? true,
            requiredApprovals: requiredApprovals as string[] | undefined,
        });
    } catch (err) {
        throw new pulumi.RunError(
            `cannot read which package ${org.mspId}'s peers run for ${chaincode.chaincodeName} on ${lifecycle.channel} (asked ${peer.endpoint}): ${(err as Error).message}`,
        );
    }
}

/** The value of an Input known while the program runs (config, stack references); undefined while unknown. */
async function knownValue<T>(input: pulumi.Input<T> | undefined): Promise<T | undefined> {
    if (input === undefined) return undefined;
    const output = pulumi.output(input);
    if (!(await (output as unknown as { isKnown: Promise<boolean> }).isKnown)) return undefined;
    return new Promise((resolve) => output.apply((value) => resolve(value as T)));
}
