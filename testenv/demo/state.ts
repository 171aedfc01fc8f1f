/**
 * Where the demo keeps what it started, so a later `npm run demo` (or
 * `-- down`) finds it: one folder, $DEMO_HOME or <cache>/demo, holding the
 * background process's state file and log, the network's data, the real
 * node's folder and the Pulumi workspace (file backend).
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
    readonly nodeDir: string;
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
        nodeDir: path.join(home, "node"),
        pulumiDir: path.join(home, "pulumi"),
    };
}

/** What the background process (platform.ts) records once everything serves; plain data, no keys. */
export interface DemoState {
    readonly platformPid: number;
    readonly startedAt: string;
    /** The node's admin kubeconfig, and its API server. */
    readonly kubeconfigPath: string;
    readonly apiServerUrl: string;
    /** The host's end of the node's link: gone once the node is. */
    readonly hostLink: string;
    /** The sample chaincode's image in the node's registry. */
    readonly chaincodeImage: { readonly reference: string; readonly digest: string };
    /** Every process the platform runs besides itself: the Fabric nodes and the node's daemons (the containers live in its cgroups). */
    readonly processes: ReadonlyArray<{ name: string; pid: number }>;
}

export function readDemoState(paths: DemoPaths): DemoState | undefined {
    try {
        return JSON.parse(fs.readFileSync(paths.stateFile, "utf8")) as DemoState;
    } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
        throw new Error(
            `${paths.stateFile} is not a demo state file (${(error as Error).message}); remove ${paths.home} by hand`,
        );
    }
}

/** Written to a temp file and renamed, so a reader never sees half a file. */
export function writeDemoState(paths: DemoPaths, state: DemoState): void {
    const temp = `${paths.stateFile}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify(state, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(temp, paths.stateFile);
}
