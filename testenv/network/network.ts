import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InvalidSettingError } from "../../components/validation/errors";
import { type FabricInstall, fabricMajor, locateFabric } from "./binaries";
import { confirmPeerJoined, joinOrderer, joinPeer } from "./channel";
import { createChannelBlock } from "./configtx";
import { generateCryptoMaterial } from "./crypto";
import { describeNetwork } from "./describe";
import { ordererEnv, peerEnv, writeNodeConfig } from "./node-config";
import { findFreePortBlock, portCount, checkBasePort } from "./ports";
import {
    isRunning,
    killNow,
    launch,
    type LaunchedProcess,
    processNamed,
    type ProcessRecord,
    stopProcesses,
} from "./processes";
import { waitForMetric, waitHealthy, waitListening } from "./readiness";
import { type NetworkPlan, nodesToPlace, ordererCount, ordererNamed, peerCount, planNetwork } from "./topology";
import type { Consensus, FabricNetwork, StartOptions } from "./types";

export const defaultChannel = "mychannel";

/** Deadline of each wait during start, to stop a hang; a healthy cold start takes a few seconds. */
const startDeadlineMs = 30_000;

function checkOptions(opts: StartOptions): { channel: string; consensus: Consensus } {
    const channel = opts.channel ?? defaultChannel;
    const consensus = opts.consensus ?? "etcdraft";
    if (consensus !== "etcdraft" && consensus !== "BFT") {
        throw new InvalidSettingError("consensus", consensus, '"etcdraft" or "BFT"');
    }
    // Fabric's own rule for channel names (common/configtx ValidateChannelID).
    if (!/^[a-z][a-z0-9.-]{0,248}$/.test(channel)) {
        throw new InvalidSettingError(
            "channel",
            channel,
            "a name of 1 to 249 characters from a-z, 0-9, '.' and '-', starting with a letter",
        );
    }
    if (opts.basePort !== undefined) checkBasePort(opts.basePort, peerCount, ordererCount(consensus));
    if (opts.logSpec !== undefined && !/^[A-Za-z0-9_.:=,-]+$/.test(opts.logSpec)) {
        throw new InvalidSettingError(
            "logSpec",
            opts.logSpec,
            'a Fabric logging spec such as "info" or "info:gossip=debug"',
        );
    }
    return { channel, consensus };
}

/** SmartBFT ordering arrived in Fabric 3.0. */
function requireConsensusSupported(consensus: Consensus, version: string): void {
    if (consensus === "BFT" && fabricMajor(version) < 3) {
        throw new InvalidSettingError(
            "consensus",
            consensus,
            `"etcdraft" on Fabric ${version} (BFT ordering needs Fabric 3.0 or later)`,
        );
    }
}

function prepareDataDir(requested: string | undefined): string {
    if (requested === undefined) return fs.mkdtempSync(path.join(os.tmpdir(), "fabric-network-"));
    const dir = path.resolve(requested);
    if (fs.existsSync(dir) && fs.readdirSync(dir).length > 0) {
        throw new InvalidSettingError("dataDir", requested, "a folder that does not exist yet or is empty");
    }
    fs.mkdirSync(dir, { recursive: true });
    return dir;
}

/** Removes a failed start's data but keeps its logs, which the error names. */
function removeAllButLogs(dataDir: string): void {
    for (const entry of fs.readdirSync(dataDir)) {
        if (entry !== "logs") fs.rmSync(path.join(dataDir, entry), { recursive: true, force: true });
    }
}

/** Writes a truncated copy of the channel block for the test fault `corruptChannelBlockFor`. */
function corruptedBlock(plan: NetworkPlan): string {
    const block = fs.readFileSync(plan.channelBlockFile);
    const file = path.join(plan.configDir, `${plan.channel}.corrupt.block`);
    fs.writeFileSync(file, block.subarray(0, Math.floor(block.length / 2)));
    return file;
}

/** Starts one node's process (again, after stopNode) with the configuration written at start. */
function launchNode(plan: NetworkPlan, install: FabricInstall, name: string, detached: boolean): LaunchedProcess {
    const orderer = ordererNamed(plan, name);
    if (orderer) {
        fs.mkdirSync(path.dirname(orderer.logFile), { recursive: true });
        fs.mkdirSync(orderer.dataDir, { recursive: true });
        return launch({
            name,
            binary: path.join(install.binDir, "orderer"),
            args: [],
            env: ordererEnv(plan, orderer),
            cwd: orderer.dataDir,
            logFile: orderer.logFile,
            detached,
            enter: orderer.enter,
        });
    }
    const peer = plan.peers.find((candidate) => candidate.name === name);
    if (!peer) throw new InvalidSettingError("node", name, `one of ${nodeNames(plan).join(", ")}`);
    fs.mkdirSync(peer.dataDir, { recursive: true });
    return launch({
        name,
        binary: path.join(install.binDir, "peer"),
        args: ["node", "start"],
        env: peerEnv(plan, peer, install),
        cwd: peer.dataDir,
        logFile: peer.logFile,
        detached,
        enter: peer.enter,
    });
}

/** Every node of the plan: the orderers, then the peers. */
function nodeNames(plan: NetworkPlan): string[] {
    return [...plan.orderers.map((orderer) => orderer.name), ...plan.peers.map((peer) => peer.name)];
}

/** Waits until one node answers /healthz and completes a TLS handshake on its gRPC (and, for an orderer, admin) port. */
async function waitNodeServing(network: FabricNetwork, proc: LaunchedProcess): Promise<void> {
    const orderer = network.orderers.find((candidate) => candidate.name === proc.name);
    if (orderer) {
        const ordererAdminTls = {
            caPem: orderer.tlsCaPem,
            certPem: orderer.adminClientTls.certPem,
            keyPem: orderer.adminClientTls.keyPem,
            servername: orderer.hostOverride,
        };
        await waitHealthy(proc, orderer.operationsUrl, startDeadlineMs);
        await waitListening(proc, orderer.endpoint, ordererAdminTls, startDeadlineMs);
        await waitListening(proc, orderer.adminEndpoint, ordererAdminTls, startDeadlineMs);
        return;
    }
    const org = network.orgs.find((candidate) => candidate.peers.some((peer) => peer.name === proc.name))!;
    const peer = org.peers.find((candidate) => candidate.name === proc.name)!;
    await waitHealthy(proc, peer.operationsUrl, startDeadlineMs);
    const credentials = {
        caPem: peer.tlsCaPem,
        certPem: org.clientTls.certPem,
        keyPem: org.clientTls.keyPem,
        servername: peer.hostOverride,
    };
    await waitListening(proc, peer.endpoint, credentials, startDeadlineMs);
}

/** Waits until every node serves. */
async function waitUntilServing(network: FabricNetwork, processes: readonly LaunchedProcess[]): Promise<void> {
    await Promise.all(processes.map((proc) => waitNodeServing(network, proc)));
}

/**
 * Waits until every orderer has a leader for the channel (so the first
 * transaction is ordered), every peer reports the channel through
 * `peer channel getinfo`, and every peer sees all others through gossip
 * (discovery, and so the gateway, only offers peers that gossip has seen).
 */
async function waitUntilChannelReady(network: FabricNetwork, processes: readonly LaunchedProcess[]): Promise<void> {
    await settleAll(network.peers.map((peer) => confirmPeerJoined(network, peer, network.channel)));
    await Promise.all(
        [...network.orderers, ...network.peers].map((node) =>
            waitNodeOnChannel(network, processNamed(processes, node.name)),
        ),
    );
}

/**
 * An orderer knows the channel's leader (Raft: it is the leader, the only
 * consenter; BFT: it reports the leader's consenter ID); a peer sees every
 * other peer through gossip.
 */
async function waitNodeOnChannel(network: FabricNetwork, proc: LaunchedProcess): Promise<void> {
    const { channel } = network;
    const orderer = network.orderers.find((candidate) => candidate.name === proc.name);
    if (orderer) {
        const leader =
            network.consensus === "BFT"
                ? {
                      metric: "consensus_BFT_leader_id",
                      labels: { channel },
                      accept: (value: number) => value >= 1,
                      what: `BFT leader on channel ${channel}`,
                  }
                : {
                      metric: "consensus_etcdraft_is_leader",
                      labels: { channel },
                      accept: (value: number) => value === 1,
                      what: `Raft leader on channel ${channel}`,
                  };
        await waitForMetric(proc, orderer.operationsUrl, leader, startDeadlineMs);
        return;
    }
    const otherPeers = network.peers.length - 1;
    const gossipComplete = {
        metric: "gossip_membership_total_peers_known",
        labels: { channel },
        accept: (value: number) => value >= otherPeers,
        what: `gossip membership of all ${otherPeers} other peers on channel ${channel}`,
    };
    const peer = network.peers.find((candidate) => candidate.name === proc.name)!;
    await waitForMetric(proc, peer.operationsUrl, gossipComplete, startDeadlineMs);
}

/**
 * Like Promise.all, but rejects (with the first failure) only once every
 * promise has settled: for steps that run the peer CLI, so no CLI process of
 * a failed start is still running when the start cleans up.
 */
async function settleAll(steps: readonly Promise<unknown>[]): Promise<void> {
    const failed = (await Promise.allSettled(steps)).find((result) => result.status === "rejected");
    if (failed) throw failed.reason;
}

/**
 * Starts a two-org Fabric network (Org1MSP: two peers, Org2MSP: one peer; one
 * Raft orderer, or four BFT orderers; TLS everywhere) on free loopback ports,
 * creates the channel and joins every node. Resolves once every node is
 * healthy, every orderer knows the channel's leader, every peer reports the channel and the peers see each other
 * through gossip. A failed start stops every process it started and throws
 * naming the component, its log file and the log's tail.
 */
export async function startNetwork(opts: StartOptions = {}): Promise<FabricNetwork> {
    return (await launchNetwork(opts)).network;
}

/** A started network together with what another process needs to find and stop it (see state.ts). */
export interface LaunchedNetwork {
    network: FabricNetwork;
    plan: NetworkPlan;
    install: FabricInstall;
    processes: ProcessRecord[];
}

/** startNetwork, also returning the plan, install and processes (for the CLI's state file). */
export async function launchNetwork(opts: StartOptions = {}): Promise<LaunchedNetwork> {
    const log = opts.log ?? (() => undefined);
    const { channel, consensus } = checkOptions(opts);
    const install = locateFabric(opts.version, opts.cacheDir);
    requireConsensusSupported(consensus, install.version);
    const detached = opts.detached ?? false;
    const dataDir = prepareDataDir(opts.dataDir);
    const startedAt = Date.now();
    const step = (what: string) => log(`${what} (${Date.now() - startedAt} ms)`);

    const processes: LaunchedProcess[] = [];
    // Children of a test must not outlive it when it exits without calling stop(); the data goes too (best effort).
    const killOnExit = () => {
        killNow(processes);
        if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true, maxRetries: 3 });
    };
    if (!detached) process.on("exit", killOnExit);
    let stopped: Promise<void> | undefined;
    const stop = () => {
        stopped ??= (async () => {
            await stopProcesses(processes);
            process.removeListener("exit", killOnExit);
            if (!opts.keepData) fs.rmSync(dataDir, { recursive: true, force: true });
        })();
        return stopped;
    };

    try {
        const ports = portCount(peerCount, ordererCount(consensus));
        const basePort = opts.basePort ?? (await findFreePortBlock(ports));
        const hosts = opts.placeNodes ? await opts.placeNodes(nodesToPlace(consensus)) : undefined;
        const plan = planNetwork({
            dataDir,
            basePort,
            channel,
            clientAuthRequired: opts.clientAuthRequired ?? false,
            logSpec: opts.logSpec ?? "info",
            consensus,
            hosts,
        });
        const faultTarget = opts.testFaults?.corruptChannelBlockFor;
        const names = nodeNames(plan);
        if (faultTarget !== undefined && !names.includes(faultTarget)) {
            throw new InvalidSettingError(
                "testFaults.corruptChannelBlockFor",
                faultTarget,
                `one of ${names.join(", ")}`,
            );
        }
        log(`Fabric ${install.version} (${consensus}): data in ${dataDir}, ports ${basePort}-${basePort + ports - 1}`);

        fs.mkdirSync(plan.configDir, { recursive: true });
        await generateCryptoMaterial(plan, path.join(install.binDir, "cryptogen"));
        await writeNodeConfig(plan, install);
        await createChannelBlock(plan, path.join(install.binDir, "configtxgen"), install.version);
        step("crypto material, node config and channel block written");

        for (const name of names) processes.push(launchNode(plan, install, name, detached));
        // Faults for tests: one node stopped by its PID, and started again with the same data and ports.
        const stopNode = async (name: string) => stopProcesses([processNamed(processes, name)]);
        const startNode = async (name: string) => {
            if (isRunning(processNamed(processes, name))) throw new Error(`${name} is running; stopNode it first`);
            const proc = launchNode(plan, install, name, detached);
            processes.push(proc);
            await waitNodeServing(network, proc);
            await waitNodeOnChannel(network, proc);
        };
        const network = describeNetwork(plan, install, processes, { stop, stopNode, startNode });
        await waitUntilServing(network, processes);
        step("orderers and peers healthy");

        const blockFor = (name: string) => (name === faultTarget ? corruptedBlock(plan) : plan.channelBlockFile);
        await settleAll([
            ...network.orderers.map((orderer) => joinOrderer(orderer, blockFor(orderer.name))),
            ...network.peers.map((peer) => joinPeer(network, peer, blockFor(peer.name))),
        ]);
        step(`orderers and peers joined ${channel}`);

        await waitUntilChannelReady(network, processes);
        step(`${consensus} leader known to every orderer, channel confirmed on every peer, gossip membership complete`);
        const records = processes.map(({ name, pid, binary, logFile }) => ({ name, pid, binary, logFile }));
        return { network, plan, install, processes: records };
    } catch (error) {
        await stopProcesses(processes).catch((stopError: Error) => log(`while cleaning up: ${stopError.message}`));
        process.removeListener("exit", killOnExit);
        if (!opts.keepData) removeAllButLogs(dataDir);
        throw error;
    }
}
