/**
 * What every full-stack test starts: the real node with the Fabric network
 * in its pods and the chaincode image in its registry (the node platform),
 * and one Pulumi stack of our program per org (org2 approves only; org1
 * commits once org2's stack approved).
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { HsmKey } from "../../../components/fabric";
import { channelHeight, clientEndpoint, type FabricNetwork, type Org } from "../../../testenv/network";
import type { RealNode } from "../../../testenv/node";
import { createOrgStack } from "../../../testenv/pulumi/org-stack";
import {
    type CommandResult,
    type PulumiStack,
    PulumiWorkspace,
    requireSuccess,
} from "../../../testenv/pulumi/workspace";
import type { FailureLogSources } from "../../support/failure-logs";
import { importKeyToSoftHsm, softHsmMissing } from "../../support/softhsm";
import { type EngineReport, parseEventStream } from "./engine-events";
import { type NodePlatform, startNodePlatform } from "./node-platform";

export const NAMESPACE_ORG1 = "hlf-org1"; // Pulumi.local.yaml
export const NAMESPACE_ORG2 = "hlf-org2";

/** The chaincode Deployments in a namespace. */
export async function deploymentsIn(node: RealNode, namespace: string): Promise<string[]> {
    const list = await node.kubectl(["get", "deployments", "-n", namespace, "-o", "name"]);
    return list
        .split("\n")
        .filter(Boolean)
        .map((line) => line.replace("deployment.apps/", ""))
        .sort();
}

/** Every chaincode server pod by "<namespace>/<name>", with its UID and restarts: equal lists mean nothing was restarted. */
export async function chaincodePods(node: RealNode): Promise<string[]> {
    const list = await node.getJson<{ items: any[] }>([
        "pods",
        "--all-namespaces",
        "-l",
        "app.kubernetes.io/component=chaincode",
    ]);
    return list.items
        .filter((pod) => pod.metadata.deletionTimestamp === undefined)
        .map(
            (pod) =>
                `${pod.metadata.namespace}/${pod.metadata.name} uid ${pod.metadata.uid} restarts ${pod.status?.containerStatuses?.[0]?.restartCount ?? 0}`,
        )
        .sort();
}

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
}

function servingPod(pod: any): ServingPod {
    const container = pod.spec.containers[0];
    const status = pod.status?.containerStatuses?.[0];
    return {
        name: pod.metadata.name,
        image: container.image,
        imageID: status?.imageID ?? "",
        env: Object.fromEntries(
            (container.env ?? []).map((variable: { name: string; value?: string }) => [
                variable.name,
                variable.value ?? "",
            ]),
        ),
        annotations: pod.metadata.annotations ?? {},
        ready: status?.ready === true,
        terminating: pod.metadata.deletionTimestamp !== undefined,
    };
}

export class FullStack {
    private constructor(
        readonly platform: NodePlatform,
        readonly workspace: PulumiWorkspace,
        readonly org1Stack: PulumiStack,
        readonly org2Stack: PulumiStack,
        /** Where org2's admin key is when its stack signs in an HSM (signer: hsm). */
        readonly org2Hsm?: HsmKey,
    ) {}

    get network(): FabricNetwork {
        return this.platform.network;
    }

    get node(): RealNode {
        return this.platform.node;
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
        const platform = await startNodePlatform(log);
        const { network, node } = platform;
        const [org1, org2] = network.orgs;
        // Before the workspace: the key store's location (SOFTHSM2_CONF) reaches the engine's provider processes through the environment.
        const org2Hsm = options.org2InHsm ? importKeyToSoftHsm(org2.admin.keyPem, "org2-admin") : undefined;
        const workspace = PulumiWorkspace.create(log);
        const kubeconfig = node.kubeconfig();
        const cluster = (org: Org) => platform.orgSettings(org.mspId);
        const org2Stack = await createOrgStack(workspace, "org2", {
            network,
            org: org2,
            kubeconfig,
            namespace: NAMESPACE_ORG2,
            commit: false,
            adminHsm: org2Hsm,
            cluster: cluster(org2),
        });
        const org1Stack = await createOrgStack(workspace, "org1", {
            network,
            org: org1,
            kubeconfig,
            commitOrgs: [org2],
            approvalStacks: [org2Stack.qualifiedName],
            cluster: cluster(org1),
        });
        return new FullStack(platform, workspace, org1Stack, org2Stack, org2Hsm);
    }

    async stop(): Promise<void> {
        await this.platform.stop();
        this.workspace.remove();
    }

    /** A client call as Org1's User1 through org1's first peer. */
    userCall() {
        return {
            peer: clientEndpoint(this.org1.peers[0], this.org1),
            identity: this.org1.user,
            channel: this.network.channel,
            chaincode: "basic",
            timeoutSeconds: 30,
        };
    }

    height(): Promise<number> {
        return channelHeight(this.network, this.org1.peers[0], this.network.channel);
    }

    /** What must never show in plaintext: the kubeconfig, the org admins' keys, the client TLS keys. */
    secretValues(): Record<string, string> {
        return {
            kubeconfig: this.node.kubeconfig(),
            "Org1 admin key": this.org1.admin.keyPem,
            "Org2 admin key": this.org2.admin.keyPem,
            "Org1 client TLS key": this.org1.clientTls.keyPem,
            "Org2 client TLS key": this.org2.clientTls.keyPem,
            ...(this.org2Hsm ? { "Org2 HSM PIN": this.org2Hsm.pin } : {}),
        };
    }

    /** What a failed test's report shows: the peers' logs and the chaincode containers' output. */
    failureSources(): FailureLogSources {
        return this.platform.failureSources();
    }

    /**
     * A release's pods once its rollout is over: every live pod Ready, and `accept` holds for each
     * (bounded wait). A rollout that never ends fails naming what the pods showed.
     */
    async servingPods(
        namespace: string,
        release: string,
        accept: (pod: ServingPod) => boolean = () => true,
    ): Promise<ServingPod[]> {
        const deadline = Date.now() + 180_000;
        let seen = "";
        while (Date.now() < deadline) {
            const list = await this.node.getJson<{ items: any[] }>([
                "pods",
                "-n",
                namespace,
                "-l",
                `app.kubernetes.io/instance=basic-${release}`,
            ]);
            const pods = list.items.map(servingPod);
            const deployment = await this.node.getJson<any>(["deployment", "-n", namespace, `basic-${release}`]);
            const { replicas } = deployment.spec;
            const rolledOut =
                deployment.status?.updatedReplicas === replicas && deployment.status?.replicas === replicas;
            seen = JSON.stringify(pods.map(({ name, ready, terminating }) => ({ name, ready, terminating })));
            if (
                rolledOut &&
                pods.length === replicas &&
                pods.every((pod) => pod.ready && !pod.terminating && accept(pod))
            )
                return pods;
            await sleep(500);
        }
        assert.fail(
            `the pods of ${namespace}/basic-${release} did not settle as expected within 180 s; last seen: ${seen}`,
        );
    }

    /** `pulumi up` with the engine's event stream; fails the test with the command's output unless it exits 0. */
    async up(stack: PulumiStack, ...extra: string[]): Promise<EngineReport & { result: CommandResult }> {
        const result = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json", ...extra]));
        return { ...parseEventStream(result.stdout), result };
    }

    /** The chaincode Deployments in a namespace. */
    deploymentsIn(namespace: string): Promise<string[]> {
        return deploymentsIn(this.node, namespace);
    }
}
