/**
 * `pulumi up` of the program at scale, on the e2e platform (a real node
 * with the real Fabric network in its pods, the real engine): one chaincode,
 * then ten, each for both orgs (three peers), in one stack. Reports the
 * ratio (target <= 2), then a no-op up and a preview of the ten-chaincode
 * stack with the channel height checked, and where the time of each up
 * went: the slowest steps (the engine's event timestamps), the CPU seconds
 * of each kind of process, the size of the state, and, side by side, the
 * same ten-chaincode up with the engine's per-step checkpoints off
 * (PULUMI_SKIP_CHECKPOINTS).
 *
 * Beside each stack, in the same run, its floor (./pulumi-floor): the same
 * graph, read from the stack's state, with providers that do no work of
 * ours. No-op ups and previews of a stack and its floor are taken in turns,
 * three of each, the median reported. The `floor-*` results are our figure
 * over the floor's (targets: 1.3 for the ten-chaincode up, no-op and
 * preview, 1.5 for its state bytes, 1.2 for the one-chaincode no-op and
 * preview).
 */
import { channelHeight } from "../testenv/network";
import { parseEventStream } from "../test/e2e/support/engine-events";
import { startNodePlatform } from "../testenv/node/fabric-platform";
import { createOrgStack } from "../testenv/pulumi/org-stack";
import { PulumiWorkspace, requireSuccess, type PulumiStack } from "../testenv/pulumi/workspace";
import { ProcessCpuSampler } from "./process-cpu";
import { stateBytes } from "./state-bytes";
import { FloorStack } from "./pulumi-floor/floor-stack";
import { planTypes, resourceMix } from "./pulumi-floor/plan";
import type { BenchResult } from "./result";

const MANY = 10;
/** No-op ups and previews are taken this many times each, the median reported. */
const REPEATS = 3;

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
        type Up = Awaited<ReturnType<typeof up>>;
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
        // As the file backend stores it (compact), not as `stack export` prints it.
        const stateSize = async (stack: PulumiStack) => stateBytes(await stack.resources());
        const median = <T>(runs: readonly T[], seconds: (run: T) => number): T =>
            [...runs].sort((x, y) => seconds(x) - seconds(y))[Math.floor(runs.length / 2)];
        /** The floor of `ours` as deployed: its up and state bytes. */
        const floorOf = async (ours: PulumiStack) => {
            const floor = await FloorStack.of(ours, log);
            floors.push(floor);
            return { stack: floor.stack, up: await up(floor.stack), mix: resourceMix(planTypes(floor.plan)) };
        };
        /**
         * No-op ups and previews of ours and of its floor, taken in turns so
         * both meet the machine in the same state; each the median of REPEATS.
         */
        const unchanged = async (ours: PulumiStack, floor: PulumiStack) => {
            const runs = {
                noop: [] as Up[],
                floorNoop: [] as Up[],
                preview: [] as number[],
                floorPreview: [] as number[],
            };
            for (let round = 0; round < REPEATS; round++) {
                runs.noop.push(await up(ours));
                runs.floorNoop.push(await up(floor));
                runs.preview.push(await preview(ours));
                runs.floorPreview.push(await preview(floor));
            }
            const bySeconds = (run: Up) => run.seconds;
            const itself = (seconds: number) => seconds;
            return {
                noop: median(runs.noop, bySeconds),
                floorNoop: median(runs.floorNoop, bySeconds),
                preview: median(runs.preview, itself),
                floorPreview: median(runs.floorPreview, itself),
            };
        };
        const floors: FloorStack[] = [];
        try {
            const oneStack = await stackOf("one", 1);
            const one = await up(oneStack);
            const oneFloor = await floorOf(oneStack);
            const oneUnchanged = await unchanged(oneStack, oneFloor.stack);

            const tenStack = await stackOf("ten", MANY);
            const ten = await up(tenStack);
            const tenState = await stateSize(tenStack);
            const tenFloor = await floorOf(tenStack);
            const tenFloorState = await stateSize(tenFloor.stack);
            const heightBefore = await height();
            const tenUnchanged = await unchanged(tenStack, tenFloor.stack);
            const { noop, preview: tenPreview } = tenUnchanged;
            const transactions = (await height()) - heightBefore;
            const noChange = Object.keys(noop.report.changes).join(",") === "same";
            // The same up, checkpoints off: what is left is ours, Fabric's and the platform's.
            const withoutCheckpoints = await up(await stackOf("tnc", MANY), {
                PULUMI_EXPERIMENTAL: "true",
                PULUMI_SKIP_CHECKPOINTS: "true",
            });
            const overFloor = (
                bench: string,
                ours: number,
                floor: number,
                target: number,
                details: Record<string, unknown> = {},
            ): BenchResult => ({
                bench,
                value: Number((ours / floor).toFixed(2)),
                unit: "ratio",
                details: { ours, floor, target, chaincodes: bench.startsWith("floor-one") ? 1 : MANY, ...details },
            });
            const resources = Object.values(tenFloor.mix).reduce((sum, count) => sum + count, 0);
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
                        stateBytes: tenState.total,
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
                        transactions,
                        noChange,
                        oneSeconds: oneUnchanged.noop.seconds,
                        cpuSeconds: noop.cpu,
                        slowest: slowest(noop.report.stepSeconds),
                    },
                },
                {
                    bench: "preview",
                    value: tenPreview,
                    unit: "s",
                    details: { chaincodes: MANY, transactions, oneSeconds: oneUnchanged.preview },
                },
                overFloor("floor-up", ten.seconds, tenFloor.up.seconds, 1.3, {
                    resources,
                    cpuSeconds: ten.cpu.byKind,
                    floorCpuSeconds: tenFloor.up.cpu.byKind,
                    mix: tenFloor.mix,
                }),
                overFloor("floor-noop", noop.seconds, tenUnchanged.floorNoop.seconds, 1.3, {
                    cpuSeconds: noop.cpu.byKind,
                    floorCpuSeconds: tenUnchanged.floorNoop.cpu.byKind,
                }),
                overFloor("floor-preview", tenPreview, tenUnchanged.floorPreview, 1.3),
                overFloor("floor-state-bytes", tenState.total, tenFloorState.total, 1.5, {
                    byType: tenState.byType,
                    floorByType: tenFloorState.byType,
                    heaviestProperties: tenState.heaviestProperties,
                }),
                overFloor("floor-one-up", one.seconds, oneFloor.up.seconds, 1.3),
                overFloor("floor-one-noop", oneUnchanged.noop.seconds, oneUnchanged.floorNoop.seconds, 1.2),
                overFloor("floor-one-preview", oneUnchanged.preview, oneUnchanged.floorPreview, 1.2),
            ];
        } finally {
            for (const floor of floors) floor.remove();
        }
    } finally {
        await platform.stop();
        workspace.remove();
    }
}
