import * as pulumi from "@pulumi/pulumi";
import { AksCluster } from "./components/aks";
import { ExternalChaincode } from "./components/externalChaincode";
import { lookupLiveRelease } from "./components/liveRelease";
import { adminIdentity, targetEndpoint } from "./components/providers/shared";
import type { LiveRelease } from "./components/release";
import type { CollectionConfig } from "./components/fabric";
import { ChaincodeImage } from "./components/imageBuild";
import { existingClusterProvider } from "./components/kubernetesTarget";
import { readSettings } from "./components/settings";
import { InvalidSettingError } from "./components/validation/errors";

const config = new pulumi.Config();
const settings = (() => {
    try {
        const otherOrgs = config.getSecretObject<Array<Record<string, string>>>("otherOrgs");
        return readSettings(config, {
            adminKeyPem: config.getSecret("adminKeyPem"),
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

    const { lifecycle, image, ...chaincodeArgs } = settings.chaincode;
    const builtImage = settings.imageBuild ? new ChaincodeImage("image", settings.imageBuild).image : undefined;
    const approvals = requiredApprovals();
    const liveRelease = lifecycle ? await readLiveRelease(lifecycle, approvals) : undefined;
    const chaincode = new ExternalChaincode(
        chaincodeArgs.chaincodeName,
        {
            ...chaincodeArgs,
            image: builtImage ?? image!,
            lifecycle: lifecycle && { ...lifecycle, requiredApprovals: approvals },
            liveRelease,
        },
        { providers: { kubernetes: k8sProvider } },
    );

    const packageId = chaincode.packageId;
    const chaincodeImage = builtImage ?? image;
    const label = chaincode.label;
    const connectionAddress = chaincode.address;
    const namespace = chaincode.namespace;
    const serviceName = chaincode.serviceName;
    const caCertPem = chaincode.caCertPem;
    const kubeconfig = cluster?.kubeconfig;
    const committedSequence = chaincode.lifecycle?.definition?.committedSequence;
    const approvedSequence = chaincode.lifecycle?.approvedSequence;
    const mspId = lifecycle?.org.mspId;
    const nextSteps = nextStepsText();

    function nextStepsText(): pulumi.Output<string> {
        const server = pulumi.interpolate`The chaincode server ${chaincode.serviceName} (namespace ${chaincode.namespace}) runs as package ${chaincode.packageId}, reachable by the peers at ${chaincode.address}.`;
        if (!lifecycle) {
            return pulumi.interpolate`${server} Next: install the package on your peers (e.g. \`npx ccaas-package\` with the same inputs, or set \`channel\` and the org settings to let this stack install, approve and commit), then approve and commit the definition.`;
        }
        if (lifecycle.commit === false) {
            return pulumi.interpolate`${server} Installed and approved for ${lifecycle.org.mspId} at sequence ${chaincode.lifecycle!.approvedSequence}; the committing org's stack commits the definition.`;
        }
        return pulumi.interpolate`${server} Committed on ${lifecycle.channel} at sequence ${chaincode.lifecycle!.definition!.committedSequence}; invoke it through any peer's gateway.`;
    }

    return {
        packageId, chaincodeImage, label, releaseKey: chaincode.releaseKey, releases: chaincode.releases.map((r) => ({ key: r.key, role: r.role, address: r.address })),
        connectionAddress, namespace, serviceName, caCertPem, kubeconfig, committedSequence, approvedSequence, mspId, nextSteps,
    };
};

/** The orgs whose approval the commit waits for: the configured ones plus the orgs of the referenced stacks. */
function requiredApprovals(): readonly pulumi.Input<string>[] | undefined {
    const lifecycle = settings.chaincode.lifecycle;
    if (!lifecycle?.approvalStacks) return lifecycle?.requiredApprovals;
    const fromStacks = lifecycle.approvalStacks.map((name, index) =>
        new pulumi.StackReference(`approval-stack-${index}`, { name }).requireOutput("mspId").apply(String),
    );
    return [...(lifecycle.requiredApprovals ?? [lifecycle.org.mspId]), ...fromStacks];
}

type LifecycleSettings = NonNullable<typeof settings.chaincode.lifecycle>;

/** What this org's peers run now; a failed look-up stops the program naming the peer and the cause. */
async function readLiveRelease(
    lifecycle: LifecycleSettings,
    approvals: readonly pulumi.Input<string>[] | undefined,
): Promise<LiveRelease | undefined> {
    const { org } = lifecycle;
    const peer = org.peers[0];
    const [adminCertPem, adminKeyPem, peerTlsCaPem, hostOverride, clientTlsCertPem, clientTlsKeyPem, requiredApprovals] = await Promise.all([
        knownValue(org.adminCertPem), knownValue(org.adminKeyPem), knownValue(peer.tlsCaPem ?? org.peerTlsCaPem), knownValue(peer.hostOverride),
        knownValue(org.clientTlsCertPem), knownValue(org.clientTlsKeyPem), approvals && Promise.all(approvals.map(knownValue)),
    ]);
    if (adminCertPem === undefined || adminKeyPem === undefined || requiredApprovals?.some((mspId) => mspId === undefined)) return undefined;
    try {
        return await lookupLiveRelease({
            peer: targetEndpoint({ endpoint: peer.endpoint, tlsCaPem: peerTlsCaPem, hostOverride }, { clientTlsCertPem, clientTlsKeyPem }),
            identity: adminIdentity({ mspId: org.mspId, adminCertPem, adminKeyPem }),
            timeoutSeconds: lifecycle.timeoutSeconds,
            definition: {
                channel: lifecycle.channel,
                name: settings.chaincode.chaincodeName,
                version: settings.chaincode.chaincodeVersion ?? "1.0",
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
            `cannot read which package ${org.mspId}'s peers run for ${settings.chaincode.chaincodeName} on ${lifecycle.channel} (asked ${peer.endpoint}): ${(err as Error).message}`,
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
