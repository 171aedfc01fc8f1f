/**
 * One chaincode lifecycle (install on one peer per org, approve for both
 * orgs, commit) on the real test network, done by our gRPC client and by
 * the peer CLI with the same steps, policy and network. Rounds alternate
 * which goes first; every run uses a fresh chaincode name, so each does
 * real work. Reports medians and the client/CLI ratio (target <= 1).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { performance } from "node:perf_hooks";
import { approveForMyOrg, commitDefinition, installChaincode } from "../components/fabric";
import { buildChaincodePackage } from "../components/packaging";
import {
    clientEndpoint,
    type FabricNetwork,
    type Org,
    type PeerNode,
    runPeerCli,
    startNetwork,
} from "../testenv/network";
import { type BenchResult, median } from "./result";

const ROUNDS = 5;
export const POLICY = "OR('Org1MSP.member', 'Org2MSP.member')";
export const VERSION = "1.0";
const STEPS = ["install-org1", "install-org2", "approve-org1", "approve-org2", "commit"] as const;
type Step = (typeof STEPS)[number];
/** Runs one step (by name) and records how long it took. */
type Timed = (step: Step, action: () => Promise<unknown>) => Promise<void>;

/** What one lifecycle run needs: a fresh chaincode name and its package, in memory and on disk. */
export interface Run {
    readonly name: string;
    readonly packageId: string;
    readonly packageBytes: Uint8Array;
    readonly packageFile: string;
}

interface Flow {
    readonly bench: string;
    readonly prefix: string;
    readonly run: (network: FabricNetwork, run: Run, timed: Timed) => Promise<void>;
}

/** Our client, as components/lifecycle.ts drives it: gateway submit, CommitStatus wait. */
async function grpcLifecycle(network: FabricNetwork, run: Run, timed: Timed): Promise<void> {
    const [org1, org2] = network.orgs;
    const firstPeer = (org: Org) => clientEndpoint(org.peers[0], org);
    const definition = { name: run.name, version: VERSION, sequence: 1, endorsementPolicy: POLICY };
    const approve = (org: Org) =>
        approveForMyOrg({
            peer: firstPeer(org),
            identity: org.admin,
            channel: network.channel,
            definition,
            packageId: run.packageId,
        });
    await timed("install-org1", () =>
        installChaincode({ peer: firstPeer(org1), identity: org1.admin, packageBytes: run.packageBytes }),
    );
    await timed("install-org2", () =>
        installChaincode({ peer: firstPeer(org2), identity: org2.admin, packageBytes: run.packageBytes }),
    );
    await timed("approve-org1", () => approve(org1));
    await timed("approve-org2", () => approve(org2));
    await timed("commit", () =>
        commitDefinition({
            peers: [firstPeer(org1), firstPeer(org2)],
            identity: org1.admin,
            channel: network.channel,
            definition,
        }),
    );
}

/** `peer lifecycle chaincode ...` steps, one process each, waiting for each transaction's commit event. */
export function peerCliSteps(network: FabricNetwork, run: Run) {
    const orderer = (org: Org) => [
        ...["-o", network.orderer.endpoint, "--tls", "--cafile", network.orderer.tlsCaFile],
        ...(network.clientAuthRequired
            ? ["--clientauth", "--certfile", org.clientTls.certFile, "--keyfile", org.clientTls.keyFile]
            : []),
    ];
    const definition = [
        "--channelID",
        network.channel,
        "--name",
        run.name,
        "--version",
        VERSION,
        "--sequence",
        "1",
        "--signature-policy",
        POLICY,
    ];
    return {
        install: (peer: PeerNode) => runPeerCli(network, peer, ["lifecycle", "chaincode", "install", run.packageFile]),
        approve: (org: Org) =>
            runPeerCli(network, org.peers[0], [
                "lifecycle",
                "chaincode",
                "approveformyorg",
                ...orderer(org),
                ...definition,
                "--package-id",
                run.packageId,
                "--waitForEvent",
            ]),
        /** Committed by the first org, endorsed by each org's first peer. */
        commit: (orgs: readonly Org[]) =>
            runPeerCli(network, orgs[0].peers[0], [
                "lifecycle",
                "chaincode",
                "commit",
                ...orderer(orgs[0]),
                ...definition,
                ...orgs.flatMap((org) => [
                    "--peerAddresses",
                    org.peers[0].endpoint,
                    "--tlsRootCertFiles",
                    org.peers[0].tlsCaFile,
                ]),
                "--waitForEvent",
            ]),
    };
}

async function peerCliLifecycle(network: FabricNetwork, run: Run, timed: Timed): Promise<void> {
    const [org1, org2] = network.orgs;
    const cli = peerCliSteps(network, run);
    await timed("install-org1", () => cli.install(org1.peers[0]));
    await timed("install-org2", () => cli.install(org2.peers[0]));
    await timed("approve-org1", () => cli.approve(org1));
    await timed("approve-org2", () => cli.approve(org2));
    await timed("commit", () => cli.commit([org1, org2]));
}

const FLOWS: readonly Flow[] = [
    { bench: "lifecycle-grpc", prefix: "basic_grpc", run: grpcLifecycle },
    { bench: "lifecycle-peer-cli", prefix: "basic_cli", run: peerCliLifecycle },
];

/** A fresh chaincode (name = label) with its package written where the CLI can read it. */
export function prepareRun(network: FabricNetwork, name: string): Run {
    const pkg = buildChaincodePackage({ label: name, address: "127.0.0.1:9999" });
    const packageFile = path.join(network.dataDir, "bench-packages", `${name}.tar.gz`);
    fs.mkdirSync(path.dirname(packageFile), { recursive: true });
    fs.writeFileSync(packageFile, pkg.bytes);
    return { name, packageId: pkg.packageId, packageBytes: pkg.bytes, packageFile };
}

export function seconds(value: number): number {
    return Number(value.toFixed(3));
}

export async function lifecycleBenchmark(): Promise<BenchResult[]> {
    const network = await startNetwork({ clientAuthRequired: true });
    try {
        const totals = new Map<string, number[]>(FLOWS.map((flow) => [flow.bench, []]));
        const steps = new Map<string, Record<Step, number[]>>(
            FLOWS.map((flow) => [
                flow.bench,
                Object.fromEntries(STEPS.map((step) => [step, [] as number[]])) as Record<Step, number[]>,
            ]),
        );
        for (let round = 0; round < ROUNDS; round++) {
            for (const flow of round % 2 === 0 ? FLOWS : [...FLOWS].reverse()) {
                const run = prepareRun(network, `${flow.prefix}_${round}`);
                const timed: Timed = async (step, action) => {
                    const start = performance.now();
                    await action();
                    steps.get(flow.bench)![step].push((performance.now() - start) / 1000);
                };
                const start = performance.now();
                await flow.run(network, run, timed);
                const total = (performance.now() - start) / 1000;
                totals.get(flow.bench)!.push(total);
                process.stderr.write(`round ${round + 1}/${ROUNDS} ${flow.bench}: ${total.toFixed(3)} s\n`);
            }
        }
        const results: BenchResult[] = FLOWS.map((flow) => ({
            bench: flow.bench,
            value: seconds(median(totals.get(flow.bench)!)),
            unit: "s",
            details: {
                rounds: ROUNDS,
                samples: totals.get(flow.bench)!.map(seconds),
                stepMedians: Object.fromEntries(
                    STEPS.map((step) => [step, seconds(median(steps.get(flow.bench)![step]))]),
                ),
            },
        }));
        const [grpc, cli] = results;
        return [
            ...results,
            {
                bench: "lifecycle-ratio",
                value: Number((grpc.value / cli.value).toFixed(3)),
                unit: "ratio",
                details: { target: 1.0, rounds: ROUNDS, grpcSeconds: grpc.value, peerCliSeconds: cli.value },
            },
        ];
    } finally {
        await network.stop();
    }
}
