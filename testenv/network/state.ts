import * as fs from "node:fs";
import * as path from "node:path";
import { cacheRoot, type FabricInstall } from "./binaries";
import { describeNetwork, wholeNetworkOnly } from "./describe";
import type { LaunchedNetwork } from "./network";
import { type ProcessRecord, stopProcesses } from "./processes";
import type { NetworkPlan } from "./topology";
import type { FabricNetwork } from "./types";

/**
 * The state file of a network started by the CLI's `up`: plain data (paths,
 * ports, PIDs; no keys), from which `down` and `status` rebuild the network.
 */
export interface NetworkState {
    startedAt: string;
    plan: NetworkPlan;
    install: FabricInstall;
    processes: ProcessRecord[];
}

/** Where `up` keeps its network's data dir and the state file: $FABRIC_NETWORK_HOME, else <cache>/network. */
export function networkHome(cacheDir?: string): string {
    return path.resolve(process.env.FABRIC_NETWORK_HOME ?? path.join(cacheRoot(cacheDir), "network"));
}

export function stateFilePath(cacheDir?: string): string {
    return path.join(networkHome(cacheDir), "state.json");
}

export function writeState(file: string, launched: LaunchedNetwork): NetworkState {
    const state: NetworkState = {
        startedAt: new Date().toISOString(),
        plan: launched.plan,
        install: launched.install,
        processes: launched.processes,
    };
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    return state;
}

/** The recorded network, or undefined when there is no state file. */
export function readState(file: string): NetworkState | undefined {
    let text: string;
    try {
        text = fs.readFileSync(file, "utf8");
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw error;
    }
    const state = JSON.parse(text) as Partial<NetworkState>;
    if (!state.plan || !state.install || !Array.isArray(state.processes)) {
        throw new Error(`${file} is not a network state file (plan, install or processes missing); remove it by hand`);
    }
    return state as NetworkState;
}

/** Stops exactly the recorded PIDs (those still running our binaries) and removes the data dir and state file. */
export async function teardown(state: NetworkState, file: string): Promise<void> {
    await stopProcesses(state.processes);
    fs.rmSync(state.plan.dataDir, { recursive: true, force: true });
    fs.rmSync(file, { force: true });
}

/** The running network a state file describes; its stop() is `down`. */
export function attachNetwork(file = stateFilePath()): FabricNetwork {
    const state = readState(file);
    if (!state) throw new Error(`no network is up: ${file} does not exist (start one with \`npm run fabric -- up\`)`);
    return describeNetwork(
        state.plan,
        state.install,
        state.processes,
        wholeNetworkOnly(() => teardown(state, file)),
    );
}
