/**
 * The lifecycle as one stack runs it (install on the three peers at once,
 * both orgs' approvals at once, then the commit), through the same provider
 * code `pulumi up` runs, next to Fabric's floor measured in the same run:
 * two dependent transactions, each waiting for its block (what an approval
 * round and a commit cost at the least), and next to the peer CLI doing the
 * same steps one by one. Target: ours <= floor + 0.3 s.
 */
import { performance } from "node:perf_hooks";
import { approveForMyOrg } from "../components/fabric";
import {
    chaincodeApprovalProvider,
    chaincodeDefinitionProvider,
    chaincodeInstallProvider,
} from "../components/lifecycle/providers";
import { clientEndpoint, type FabricNetwork, type Org, type PeerNode, startNetwork } from "../testenv/network";
import { peerCliSteps, POLICY, prepareRun, type Run, seconds, VERSION } from "./lifecycle";
import { type BenchResult, median } from "./result";

const ROUNDS = 5;
const TARGET_OVER_FLOOR_SECONDS = 0.3;

type Flow = (network: FabricNetwork, round: number) => Promise<void>;

/** What every provider input carries for an org and one of its peers. */
function connection(org: Org, peer: PeerNode) {
    return {
        peerEndpoint: peer.endpoint,
        peerTlsCaPem: peer.tlsCaPem,
        peerHostOverride: peer.hostOverride,
        clientTlsCertPem: org.clientTls.certPem,
        clientTlsKeyPem: org.clientTls.keyPem,
        mspId: org.mspId,
        adminCertPem: org.admin.certPem,
        adminKeyPem: org.admin.keyPem,
    };
}

/** The graph ChaincodeLifecycle declares, each step through its provider, as the engine runs it. */
async function asOneStack(network: FabricNetwork, run: Run): Promise<void> {
    const orgs = network.orgs;
    const definition = {
        channel: network.channel,
        name: run.name,
        version: VERSION,
        sequence: 1,
        endorsementPolicy: POLICY,
    };
    const packageBase64 = Buffer.from(run.packageBytes).toString("base64");
    await Promise.all(
        orgs.flatMap((org) =>
            org.peers.map((peer) =>
                chaincodeInstallProvider.create({ ...connection(org, peer), packageBase64, packageId: run.packageId }),
            ),
        ),
    );
    await Promise.all(
        orgs.map((org) =>
            chaincodeApprovalProvider.create({
                ...connection(org, org.peers[0]),
                ...definition,
                packageId: run.packageId,
            }),
        ),
    );
    const {
        peerEndpoint: _endpoint,
        peerTlsCaPem: _ca,
        peerHostOverride: _host,
        ...identity
    } = connection(orgs[0], orgs[0].peers[0]);
    await chaincodeDefinitionProvider.create({
        ...identity,
        ...definition,
        peers: orgs.map((org) => ({
            endpoint: org.peers[0].endpoint,
            tlsCaPem: org.peers[0].tlsCaPem,
            hostOverride: org.peers[0].hostOverride,
            mspId: org.mspId,
        })),
    });
}

const FLOWS: Record<string, Flow> = {
    // Two transactions, the second sent once the first is in a block: approvals of two fresh names by one org.
    floor: async (network, round) => {
        const org = network.orgs[0];
        for (const suffix of ["a", "b"]) {
            const run = prepareRun(network, `floor_${round}_${suffix}`);
            await approveForMyOrg({
                peer: clientEndpoint(org.peers[0], org),
                identity: org.admin,
                channel: network.channel,
                definition: { name: run.name, version: VERSION, sequence: 1, endorsementPolicy: POLICY },
                packageId: run.packageId,
            });
        }
    },
    stack: (network, round) => asOneStack(network, prepareRun(network, `stack_${round}`)),
    "peer-cli": async (network, round) => {
        const cli = peerCliSteps(network, prepareRun(network, `cli_${round}`));
        for (const peer of network.peers) await cli.install(peer);
        for (const org of network.orgs) await cli.approve(org);
        await cli.commit(network.orgs);
    },
};

export async function lifecycleFloorBenchmark(): Promise<BenchResult[]> {
    const network = await startNetwork({ clientAuthRequired: true });
    try {
        const samples: Record<string, number[]> = Object.fromEntries(Object.keys(FLOWS).map((name) => [name, []]));
        const order = Object.keys(FLOWS);
        for (let round = 0; round < ROUNDS; round++) {
            // Rotate who goes first, so no flow always meets a fresh (or a busy) orderer.
            for (const name of [...order.slice(round % order.length), ...order.slice(0, round % order.length)]) {
                const start = performance.now();
                await FLOWS[name](network, round);
                samples[name].push((performance.now() - start) / 1000);
                process.stderr.write(`round ${round + 1}/${ROUNDS} ${name}: ${samples[name].at(-1)!.toFixed(3)} s\n`);
            }
        }
        const [stack, floor, cli] = ["stack", "floor", "peer-cli"].map((name) => seconds(median(samples[name])));
        return [
            {
                bench: "lifecycle-floor",
                value: stack,
                unit: "s",
                details: {
                    floorSeconds: floor,
                    peerCliSeconds: cli,
                    overFloorSeconds: seconds(stack - floor),
                    targetOverFloorSeconds: TARGET_OVER_FLOOR_SECONDS,
                    peerCliRatio: Number((stack / cli).toFixed(3)),
                    rounds: ROUNDS,
                    peers: network.peers.length,
                    orgs: network.orgs.length,
                    samples: Object.fromEntries(
                        Object.entries(samples).map(([name, values]) => [name, values.map(seconds)]),
                    ),
                },
            },
        ];
    } finally {
        await network.stop();
    }
}
