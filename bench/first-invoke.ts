/**
 * Seconds from `pulumi up` to the first successful invoke on a real pod. The
 * platform starts before the clock: a real node with the Fabric network in
 * its pods and the chaincode image in its registry. One stack deploys basic
 * for both orgs (org1 commits, org2 through otherOrgs); from the moment the
 * up starts, a client evaluates GetAllAssets through org1's gateway every
 * 250 ms until it first answers. Where the time went: the up itself, the
 * Deployment's step (created to rolled out, the engine's events), and the
 * pod's own scheduled-to-Ready time (its conditions), as shares.
 */
import { evaluate } from "../components/fabric";
import { clientEndpoint } from "../testenv/network";
import { startNodePlatform } from "../testenv/node/fabric-platform";
import { createOrgStack } from "../testenv/pulumi/org-stack";
import { PulumiWorkspace, requireSuccess } from "../testenv/pulumi/workspace";
import { parseEventStream } from "../test/e2e/support/engine-events";
import type { BenchResult } from "./result";

const POLL_MS = 250;

interface PodConditions {
    readonly status: {
        readonly conditions: ReadonlyArray<{ readonly type: string; readonly lastTransitionTime: string }>;
    };
}

function conditionTime(pod: PodConditions, type: string): number {
    const condition = pod.status.conditions.find((candidate) => candidate.type === type);
    if (!condition) throw new Error(`the chaincode pod has no ${type} condition`);
    return Date.parse(condition.lastTransitionTime);
}

export async function firstInvokeBenchmark(): Promise<BenchResult[]> {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const platform = await startNodePlatform({ log });
    const workspace = PulumiWorkspace.create(log);
    try {
        const { network, node, chaincodeImage } = platform;
        const [org1, org2] = network.orgs;
        const stack = await createOrgStack(workspace, "first", {
            network,
            org: org1,
            otherOrgs: [org2],
            kubeconfig: node.kubeconfig(),
            cluster: platform.orgSettings(org1.mspId, org2.mspId),
        });
        const call = {
            peer: clientEndpoint(org1.peers[0], org1),
            identity: org1.user,
            channel: network.channel,
            chaincode: "basic",
            fn: "GetAllAssets",
            timeoutSeconds: 5,
        };
        const started = Date.now();
        let firstInvoke: number | undefined;
        let upDone = false;
        const poll = (async () => {
            while (firstInvoke === undefined && !(upDone && Date.now() - started > 30 * 60_000)) {
                const tried = Date.now();
                try {
                    await evaluate(call);
                    firstInvoke = (Date.now() - started) / 1000;
                } catch {
                    await new Promise((resolve) => setTimeout(resolve, Math.max(0, POLL_MS - (Date.now() - tried))));
                }
            }
        })();
        const up = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"]));
        upDone = true;
        await poll;
        if (firstInvoke === undefined) throw new Error("no invoke succeeded after the up");
        const report = parseEventStream(up.stdout);
        const deploymentStep =
            Object.entries(report.stepSeconds).find(([name]) =>
                /^basic-[0-9a-f]{8}-server-deployment$/.test(name),
            )?.[1] ?? 0;
        const pods = await node.getJson<{ items: PodConditions[] }>([
            "pods",
            "--all-namespaces",
            "-l",
            "app.kubernetes.io/component=chaincode",
        ]);
        const podSeconds =
            (conditionTime(pods.items[0], "Ready") - conditionTime(pods.items[0], "PodScheduled")) / 1000;
        const round = (value: number) => Math.round(value * 10) / 10;
        return [
            {
                bench: "first-invoke",
                value: round(firstInvoke),
                unit: "s",
                details: {
                    upSeconds: round(up.seconds),
                    deploymentStepSeconds: deploymentStep,
                    podScheduledToReadySeconds: podSeconds,
                    rolloutShare: round(deploymentStep / firstInvoke),
                    podShare: round(podSeconds / firstInvoke),
                    image: `${chaincodeImage.reference}@${chaincodeImage.digest}`,
                    fabric: network.version,
                    pollMs: POLL_MS,
                },
            },
        ];
    } finally {
        await platform.stop();
        workspace.remove();
    }
}
