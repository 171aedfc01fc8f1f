/**
 * What every full-stack test starts: a platform (the real node with the
 * Fabric network in its pods, or the older simulation: the Service proxy,
 * the network on loopback, a kwok cluster with the local kubelet), and one
 * Pulumi stack of our program per org (org2 approves only; org1 commits
 * once org2's stack approved).
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { KwokCluster, LOCAL_PLATFORM_BINARIES, LocalKubelet, missingToolchainBinaries, ServiceProxy, toolchainBinDir, type LocalPodStart } from "../../../testenv/kube";
import { channelHeight, clientEndpoint, startNetwork, type FabricNetwork, type Org } from "../../../testenv/network";
import type { HsmKey } from "../../../components/fabric";
import { assertChaincodeServerBuilt } from "../../support/chaincode-server";
import { importKeyToSoftHsm, softHsmMissing } from "../../support/softhsm";
import { parseEventStream, type EngineReport } from "./engine-events";
import type { FailureLogSources } from "../../support/failure-logs";
import { createOrgStack } from "../../../testenv/pulumi/org-stack";
import { type PulumiStack, PulumiWorkspace, requireSuccess, type CommandResult } from "../../../testenv/pulumi/workspace";
import { type NodePlatform, startNodePlatform } from "./node-platform";

export const NAMESPACE_ORG1 = "hlf-org1"; // Pulumi.local.yaml
export const NAMESPACE_ORG2 = "hlf-org2";

/** The real Fabric network, the kwok cluster with the local kubelet, and the Service proxy between them. */
export interface LocalPlatform {
    readonly network: FabricNetwork;
    readonly cluster: KwokCluster;
    readonly kubelet: LocalKubelet;
    readonly proxy: ServiceProxy;
    stop(): Promise<void>;
}

/** Starts the platform a Pulumi project deploys to; fails naming what is missing when the toolchain is incomplete. */
export async function startLocalPlatform(log: (line: string) => void): Promise<LocalPlatform> {
    const missing = missingToolchainBinaries(LOCAL_PLATFORM_BINARIES);
    assert.deepEqual(
        missing,
        [],
        `the full-stack toolchain in ${toolchainBinDir()} lacks ${missing.join(", ")}: the program cannot run under the Pulumi engine without ` +
            `them (pulumi-resource-tls serves @pulumi/tls). Build them with \`npm run toolchain\`; \`bash testenv/toolchain/build.sh --check\` lists what is missing.`,
    );
    assertChaincodeServerBuilt();
    const proxy = await ServiceProxy.start();
    const network = await startNetwork({ clientAuthRequired: true, peerProxyUrl: proxy.url });
    const cluster = await KwokCluster.create({ log });
    const kubelet = new LocalKubelet(cluster, log);
    kubelet.start();
    proxy.attach(kubelet.route);
    return {
        network, cluster, kubelet, proxy,
        async stop() {
            await kubelet.stop();
            await cluster.delete();
            await network.stop();
            await proxy.stop();
        },
    };
}

/** What a test needs of a cluster: kubectl as its admin, and the admin's kubeconfig. */
export interface ClusterAccess {
    kubectl(args: readonly string[]): Promise<string>;
    getJson<T = unknown>(args: readonly string[]): Promise<T>;
    kubeconfig(): string;
}

/** The chaincode Deployments in a namespace. */
export async function deploymentsIn(cluster: ClusterAccess, namespace: string): Promise<string[]> {
    const list = await cluster.kubectl(["get", "deployments", "-n", namespace, "-o", "name"]);
    return list.split("\n").filter(Boolean).map((line) => line.replace("deployment.apps/", "")).sort();
}

type Platform = LocalPlatform | NodePlatform;

/** A chaincode server pod as a test reads it. */
export interface ServingPod {
    readonly name: string;
    /** The image the pod spec names, and the one the kubelet runs (its digest). */
    readonly image: string;
    readonly imageID: string;
    readonly env: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    readonly ready: boolean;
    readonly terminating: boolean;
    readonly restarts: number;
}

function servingPod(pod: any): ServingPod {
    const container = pod.spec.containers[0];
    const status = pod.status?.containerStatuses?.[0];
    return {
        name: pod.metadata.name,
        image: container.image,
        imageID: status?.imageID ?? "",
        env: Object.fromEntries((container.env ?? []).map((variable: { name: string; value?: string }) => [variable.name, variable.value ?? ""])),
        annotations: pod.metadata.annotations ?? {},
        ready: status?.ready === true,
        terminating: pod.metadata.deletionTimestamp !== undefined,
        restarts: status?.restartCount ?? 0,
    };
}

export class FullStack {
    private constructor(
        private readonly platform: Platform,
        readonly workspace: PulumiWorkspace,
        readonly org1Stack: PulumiStack,
        readonly org2Stack: PulumiStack,
        /** Where org2's admin key is when its stack signs in an HSM (signer: hsm). */
        readonly org2Hsm?: HsmKey,
    ) {}

    get network(): FabricNetwork {
        return this.platform.network;
    }

    /** The cluster the stacks deploy to, either platform's. */
    get kube(): ClusterAccess {
        return "node" in this.platform ? this.platform.node : this.platform.cluster;
    }

    /** The real node, on that platform. */
    get node(): NodePlatform["node"] {
        return this.simulation(false).node;
    }

    /** The simulation's parts, on that platform. */
    get cluster(): KwokCluster {
        return this.simulation(true).cluster;
    }

    get kubelet(): LocalKubelet {
        return this.simulation(true).kubelet;
    }

    get proxy(): ServiceProxy {
        return this.simulation(true).proxy;
    }

    get nodePlatform(): NodePlatform {
        return this.simulation(false);
    }

    private simulation(want: true): LocalPlatform;
    private simulation(want: false): NodePlatform;
    private simulation(want: boolean): Platform {
        if (("node" in this.platform) === want) throw new Error(`this full stack runs on ${want ? "a real node" : "the simulation"}`);
        return this.platform;
    }

    get org1(): Org {
        return this.network.orgs[0];
    }

    get org2(): Org {
        return this.network.orgs[1];
    }

    /**
     * With `org2InHsm`, org2's admin key is imported into SoftHSM and its stack signs there (signer: hsm).
     * With `realNode`, the stacks deploy to a real node with the Fabric network in its pods.
     */
    static async start(log: (line: string) => void, options: { org2InHsm?: boolean; realNode?: boolean } = {}): Promise<FullStack> {
        if (options.org2InHsm) {
            const missing = softHsmMissing();
            assert.equal(missing, undefined, `this test signs org2's transactions in SoftHSM: ${missing}`);
        }
        const platform: Platform = options.realNode ? await startNodePlatform(log) : await startLocalPlatform(log);
        const { network } = platform;
        const [org1, org2] = network.orgs;
        // Before the workspace: the key store's location (SOFTHSM2_CONF) reaches the engine's provider processes through the environment.
        const org2Hsm = options.org2InHsm ? importKeyToSoftHsm(org2.admin.keyPem, "org2-admin") : undefined;
        const workspace = PulumiWorkspace.create(log);
        const kubeconfig = ("node" in platform ? platform.node : platform.cluster).kubeconfig();
        const clusterOf = (org: Org) => ("node" in platform ? { cluster: platform.orgSettings(org.mspId) } : {});
        const org2Stack = await createOrgStack(workspace, "org2", { network, org: org2, kubeconfig, namespace: NAMESPACE_ORG2, commit: false, adminHsm: org2Hsm, ...clusterOf(org2) });
        const org1Stack = await createOrgStack(workspace, "org1", { network, org: org1, kubeconfig, commitOrgs: [org2], approvalStacks: [org2Stack.qualifiedName], ...clusterOf(org1) });
        return new FullStack(platform, workspace, org1Stack, org2Stack, org2Hsm);
    }

    async stop(): Promise<void> {
        await this.platform.stop();
        this.workspace.remove();
    }

    /** A client call as Org1's User1 through org1's first peer. */
    userCall() {
        return { peer: clientEndpoint(this.org1.peers[0], this.org1), identity: this.org1.user, channel: this.network.channel, chaincode: "basic", timeoutSeconds: 30 };
    }

    height(): Promise<number> {
        return channelHeight(this.network, this.org1.peers[0], this.network.channel);
    }

    /** What must never show in plaintext: the kubeconfig, the org admins' keys, the client TLS keys. */
    secretValues(): Record<string, string> {
        return {
            kubeconfig: this.kube.kubeconfig(),
            "Org1 admin key": this.org1.admin.keyPem,
            "Org2 admin key": this.org2.admin.keyPem,
            "Org1 client TLS key": this.org1.clientTls.keyPem,
            "Org2 client TLS key": this.org2.clientTls.keyPem,
            ...(this.org2Hsm ? { "Org2 HSM PIN": this.org2Hsm.pin } : {}),
        };
    }

    /** What a failed test's report shows: the peers' logs, and the chaincode servers' output on either platform. */
    failureSources(): FailureLogSources {
        const { platform } = this;
        return "node" in platform ? { network: platform.network, podLogDir: platform.node.layout.podLogs } : { network: platform.network, kubelet: platform.kubelet };
    }

    /**
     * A release's pods once its rollout is over (on the real node): every live pod Ready, and `accept` holds
     * for each (bounded wait). A rollout that never ends fails naming what the pods showed.
     */
    async servingPods(namespace: string, release: string, accept: (pod: ServingPod) => boolean = () => true): Promise<ServingPod[]> {
        const node = this.node;
        const deadline = Date.now() + 180_000;
        let seen = "";
        while (Date.now() < deadline) {
            const list = await node.getJson<{ items: any[] }>(["pods", "-n", namespace, "-l", `app.kubernetes.io/instance=basic-${release}`]);
            const pods = list.items.map(servingPod);
            const deployment = await node.getJson<any>(["deployment", "-n", namespace, `basic-${release}`]);
            const rolledOut = deployment.status?.updatedReplicas === deployment.spec.replicas && deployment.status?.replicas === deployment.spec.replicas;
            seen = JSON.stringify(pods.map(({ name, ready, terminating }) => ({ name, ready, terminating })));
            if (rolledOut && pods.length === deployment.spec.replicas && pods.every((pod) => pod.ready && !pod.terminating && accept(pod))) return pods;
            await sleep(500);
        }
        assert.fail(`the pods of ${namespace}/basic-${release} did not settle as expected within 180 s; last seen: ${seen}`);
    }

    /** `pulumi up` with the engine's event stream; fails the test with the command's output unless it exits 0. */
    async up(stack: PulumiStack, ...extra: string[]): Promise<EngineReport & { result: CommandResult }> {
        const result = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json", ...extra]));
        return { ...parseEventStream(result.stdout), result };
    }

    /** The chaincode Deployments in a namespace. */
    deploymentsIn(namespace: string): Promise<string[]> {
        return deploymentsIn(this.kube, namespace);
    }

    /** The local kubelet's latest start of a release's Deployment once `accept` holds (bounded wait). */
    async kubeletStart(namespace: string, release: string, accept: (start: LocalPodStart) => boolean): Promise<LocalPodStart> {
        const name = `${namespace}/basic-${release}`;
        for (let i = 0; i < 60; i++) {
            const start = this.kubelet.lastStart(name);
            if (start && accept(start)) return start;
            await sleep(250);
        }
        assert.fail(`the local kubelet did not (re)start ${name} as expected; starts: ${JSON.stringify(this.kubelet.starts.map((s) => ({ ...s, env: undefined })))}; problems: ${this.kubelet.problems.join("; ")}`);
    }
}
