/**
 * What every full-stack test starts: the Service proxy, the real Fabric
 * network (two orgs, mutual TLS, peers dialing chaincode through the proxy),
 * a kwok cluster with the local kubelet (together, the local platform), and
 * one Pulumi stack of our program per org (org2 approves only; org1 commits
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
import { createOrgStack } from "../../../testenv/pulumi/org-stack";
import { type PulumiStack, PulumiWorkspace, requireSuccess, type CommandResult } from "../../../testenv/pulumi/workspace";

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

/** The chaincode Deployments in a namespace. */
export async function deploymentsIn(cluster: KwokCluster, namespace: string): Promise<string[]> {
    const list = await cluster.kubectl(["get", "deployments", "-n", namespace, "-o", "name"]);
    return list.split("\n").filter(Boolean).map((line) => line.replace("deployment.apps/", "")).sort();
}

export class FullStack {
    private constructor(
        private readonly platform: LocalPlatform,
        readonly workspace: PulumiWorkspace,
        readonly org1Stack: PulumiStack,
        readonly org2Stack: PulumiStack,
        /** Where org2's admin key is when its stack signs in an HSM (signer: hsm). */
        readonly org2Hsm?: HsmKey,
    ) {}

    get network(): FabricNetwork {
        return this.platform.network;
    }

    get cluster(): KwokCluster {
        return this.platform.cluster;
    }

    get kubelet(): LocalKubelet {
        return this.platform.kubelet;
    }

    get proxy(): ServiceProxy {
        return this.platform.proxy;
    }

    get org1(): Org {
        return this.network.orgs[0];
    }

    get org2(): Org {
        return this.network.orgs[1];
    }

    /** With `org2InHsm`, org2's admin key is imported into SoftHSM and its stack signs there (signer: hsm). */
    static async start(log: (line: string) => void, options: { org2InHsm?: boolean } = {}): Promise<FullStack> {
        if (options.org2InHsm) {
            const missing = softHsmMissing();
            assert.equal(missing, undefined, `this test signs org2's transactions in SoftHSM: ${missing}`);
        }
        const platform = await startLocalPlatform(log);
        const { network, cluster } = platform;
        const [org1, org2] = network.orgs;
        // Before the workspace: the key store's location (SOFTHSM2_CONF) reaches the engine's provider processes through the environment.
        const org2Hsm = options.org2InHsm ? importKeyToSoftHsm(org2.admin.keyPem, "org2-admin") : undefined;
        const workspace = PulumiWorkspace.create(log);
        const kubeconfig = cluster.kubeconfig();
        const org2Stack = await createOrgStack(workspace, "org2", { network, org: org2, kubeconfig, namespace: NAMESPACE_ORG2, commit: false, adminHsm: org2Hsm });
        const org1Stack = await createOrgStack(workspace, "org1", { network, org: org1, kubeconfig, commitOrgs: [org2], approvalStacks: [org2Stack.qualifiedName] });
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
            kubeconfig: this.cluster.kubeconfig(),
            "Org1 admin key": this.org1.admin.keyPem,
            "Org2 admin key": this.org2.admin.keyPem,
            "Org1 client TLS key": this.org1.clientTls.keyPem,
            "Org2 client TLS key": this.org2.clientTls.keyPem,
            ...(this.org2Hsm ? { "Org2 HSM PIN": this.org2Hsm.pin } : {}),
        };
    }

    /** `pulumi up` with the engine's event stream; fails the test with the command's output unless it exits 0. */
    async up(stack: PulumiStack, ...extra: string[]): Promise<EngineReport & { result: CommandResult }> {
        const result = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json", ...extra]));
        return { ...parseEventStream(result.stdout), result };
    }

    /** The chaincode Deployments in a namespace. */
    deploymentsIn(namespace: string): Promise<string[]> {
        return deploymentsIn(this.cluster, namespace);
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
