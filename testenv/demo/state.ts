/**
 * Where the demo keeps what it started, so a later `npm run demo` (or
 * `-- down`) finds it: one folder, $DEMO_HOME or <cache>/demo, holding the
 * background process's state file and log, the network's data, the kwok
 * cluster's workdir and the Pulumi workspace (file backend).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { cacheRoot } from "../network/binaries";

export interface DemoPaths {
    readonly home: string;
    readonly stateFile: string;
    readonly logFile: string;
    readonly networkDir: string;
    readonly networkStateFile: string;
    readonly clusterDir: string;
    readonly pulumiDir: string;
}

export function demoPaths(env: NodeJS.ProcessEnv = process.env): DemoPaths {
    const home = path.resolve(env.DEMO_HOME ?? path.join(cacheRoot(), "demo"));
    return {
        home,
        stateFile: path.join(home, "demo-state.json"),
        logFile: path.join(home, "platform.log"),
        networkDir: path.join(home, "network"),
        networkStateFile: path.join(home, "network-state.json"),
        clusterDir: path.join(home, "kwok"),
        pulumiDir: path.join(home, "pulumi"),
    };
}

/** What the background process (platform.ts) records once everything serves; plain data, no keys. */
export interface DemoState {
    readonly platformPid: number;
    readonly startedAt: string;
    /** The Service proxy the peers dial chaincode addresses through. */
    readonly proxyUrl: string;
    readonly clusterName: string;
    readonly kubeconfigPath: string;
    /** Every process the platform runs besides itself: Fabric nodes, kwok's control plane, chaincode servers (refreshed while it runs). */
    readonly processes: ReadonlyArray<{ name: string; pid: number }>;
    /** Every loopback port those processes listen on. */
    readonly ports: readonly number[];
}

export function readDemoState(paths: DemoPaths): DemoState | undefined {
    try {
        return JSON.parse(fs.readFileSync(paths.stateFile, "utf8")) as DemoState;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new Error(`${paths.stateFile} is not a demo state file (${(error as Error).message}); remove ${paths.home} by hand`);
    }
}

/** Written to a temp file and renamed, so a reader never sees half a file. */
export function writeDemoState(paths: DemoPaths, state: DemoState): void {
    const temp = `${paths.stateFile}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temp, paths.stateFile);
}
