/**
 * `pulumi up` of the program at scale, on the e2e platform (a real node
 * with the real Fabric network in its pods, the real engine): one chaincode,
 * then ten, each for both orgs (three peers), in one stack. Reports the
 * ratio (target <= 2), then a no-op up (target <= 5 s) and a preview
 * (target <= 3 s) of the ten-chaincode stack with the channel height
 * checked, and where the time of each up went: the slowest steps (the
 * engine's event timestamps), the CPU seconds of each kind of process, the
 * size of the state, and, side by side, the same ten-chaincode up with the
 * engine's per-step checkpoints off (PULUMI_SKIP_CHECKPOINTS): the share of
 * the file backend, which rewrites the whole state after every step. The
 * one-chaincode stack's no-op up and preview are the fixed cost beside them.
 */
import { channelHeight } from "../testenv/network";
import { parseEventStream } from "../test/e2e/support/engine-events";
import { startNodePlatform } from "../testenv/node/fabric-platform";
import { createOrgStack } from "../testenv/pulumi/org-stack";
import { PulumiWorkspace, requireSuccess, type PulumiStack } from "../testenv/pulumi/workspace";
import { ProcessCpuSampler } from "./process-cpu";
import type { BenchResult } from "./result";

const MANY = 10;

/** The slowest steps of an up (resource name -> seconds), for where the time goes. */
function slowest(stepSeconds: Readonly<Record<string, number>>, count = 5): Record<string, number> {
    return Object.fromEntries(
        Object.entries(stepSeconds)
            .sort(([, a], [, b]) => b - a)
            .slice(0, count),
    );
}

export async function upScaleBenchmark(): Promise<BenchResult[]> {
    const log = (line: string) => process.stderr.write(`${line}\n`);
    const platform = await startNodePlatform({ log });
    const workspace = PulumiWorkspace.create(log);
    try {
        const [org1, org2] = platform.network.orgs;
        const height = () => channelHeight(platform.network, org1.peers[0], platform.network.channel);
        const stackOf = (name: string, count: number): Promise<PulumiStack> =>
            createOrgStack(workspace, name, {
                network: platform.network,
                org: org1,
                kubeconfig: platform.node.kubeconfig(),
                otherOrgs: [org2],
                // 21 servers on one 2-core node: a small CPU request each, or the scheduler leaves some pending.
                chaincodes: Array.from({ length: count }, (_, i) => ({
                    chaincodeName: `${name}${i}`,
                    namespace: `hlf-${name}`,
                    cpuRequest: "10m",
                })),
                cluster: platform.orgSettings(org1.mspId, org2.mspId),
            });
        const up = async (stack: PulumiStack, env?: Record<string, string>) => {
            const cpu = ProcessCpuSampler.start();
            const result = requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"], { env }));
            return {
                seconds: Number(result.seconds.toFixed(1)),
                report: parseEventStream(result.stdout),
                cpu: cpu.stop(),
            };
        };
        const preview = async (stack: PulumiStack) =>
            Number(requireSuccess(await stack.run(["preview", "--expect-no-changes"])).seconds.toFixed(1));
        const oneStack = await stackOf("one", 1);
        const one = await up(oneStack);
        const oneNoop = await up(oneStack);
        const onePreview = await preview(oneStack);
        const tenStack = await stackOf("ten", MANY);
        const ten = await up(tenStack);
        // As the file backend stores it (compact), not as `stack export` prints it.
        const stateBytes = Buffer.byteLength(JSON.stringify(JSON.parse(await tenStack.exportState())));

        const heightBefore = await height();
        const noop = await up(tenStack);
        const tenPreview = await preview(tenStack);
        const transactions = (await height()) - heightBefore;
        const noChange = Object.keys(noop.report.changes).join(",") === "same";
        // The same up, checkpoints off: what is left is ours, Fabric's and the platform's.
        const withoutCheckpoints = await up(await stackOf("tnc", MANY), {
            PULUMI_EXPERIMENTAL: "true",
            PULUMI_SKIP_CHECKPOINTS: "true",
        });
        return [
            {
                bench: "up-scale",
                value: Number((ten.seconds / one.seconds).toFixed(2)),
                unit: "ratio",
                details: {
                    oneSeconds: one.seconds,
                    tenSeconds: ten.seconds,
                    target: 2,
                    chaincodes: MANY,
                    orgs: 2,
                    peers: 3,
                    tenSecondsWithoutCheckpoints: withoutCheckpoints.seconds,
                    stateBytes,
                    cpuSecondsTen: ten.cpu,
                    cpuSecondsTenWithoutCheckpoints: withoutCheckpoints.cpu,
                    slowestOne: slowest(one.report.stepSeconds),
                    slowestTen: slowest(ten.report.stepSeconds),
                },
            },
            {
                bench: "up-noop",
                value: noop.seconds,
                unit: "s",
                details: {
                    chaincodes: MANY,
                    target: 5,
                    transactions,
                    noChange,
                    oneSeconds: oneNoop.seconds,
                    cpuSeconds: noop.cpu,
                    slowest: slowest(noop.report.stepSeconds),
                },
            },
            {
                bench: "preview",
                value: tenPreview,
                unit: "s",
                details: { chaincodes: MANY, target: 3, transactions, oneSeconds: onePreview },
            },
        ];
    } finally {
        await platform.stop();
        workspace.remove();
    }
}
