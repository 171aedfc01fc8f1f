import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { ComponentError } from "./logs";

/** What is needed to find and stop a node process, also from another Node process (the CLI's `down`). */
export interface ProcessRecord {
    name: string;
    pid: number;
    /** Absolute path of the executable, to tell our process from a later one that reuses the PID. */
    binary: string;
    logFile: string;
}

/** A node process started by this Node process. */
export interface LaunchedProcess extends ProcessRecord {
    /** Set once the process has exited (and been reaped). */
    exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    /** Resolves when the process has exited and been reaped. */
    exited: Promise<void>;
}

export interface LaunchSpec {
    name: string;
    binary: string;
    args: string[];
    env: NodeJS.ProcessEnv;
    cwd: string;
    logFile: string;
    /** Own session, not waited for: it survives this Node process. */
    detached: boolean;
    /** A command prefix that execs the binary elsewhere (a network namespace); the PID becomes the binary's. Defaults to none. */
    enter?: readonly string[];
}

/** Starts a long-running node with stdout and stderr appended to its log file. */
export function launch(spec: LaunchSpec): LaunchedProcess {
    const logFd = fs.openSync(spec.logFile, "a");
    try {
        const [command, ...prefixArgs] = [...(spec.enter ?? []), spec.binary];
        const child = spawn(command, [...prefixArgs, ...spec.args], {
            cwd: spec.cwd,
            env: spec.env,
            stdio: ["ignore", logFd, logFd],
            detached: spec.detached,
        });
        child.on("error", () => undefined); // a failed spawn leaves pid unset, which is handled below
        if (child.pid === undefined) {
            throw new ComponentError(spec.name, `could not start ${spec.binary}`, spec.logFile);
        }
        const launched: LaunchedProcess = {
            name: spec.name,
            pid: child.pid,
            binary: fs.realpathSync(spec.binary), // what /proc/<pid>/exe shows, even through a symlinked cache
            logFile: spec.logFile,
            exit: undefined,
            exited: new Promise((resolve) => {
                child.once("exit", (code, signal) => {
                    launched.exit = { code, signal };
                    resolve();
                });
            }),
        };
        if (spec.detached) child.unref();
        return launched;
    } finally {
        fs.closeSync(logFd);
    }
}

/** The process started last for a node, by the node's name (a node started again has a new one). */
export function processNamed<T extends ProcessRecord>(processes: readonly T[], name: string): T {
    const found = [...processes].reverse().find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no process was started for ${name}`);
    return found;
}

export function describeExit(exit: NonNullable<LaunchedProcess["exit"]>): string {
    return exit.signal ? `was killed by ${exit.signal}` : `exited with code ${exit.code}`;
}

/** True while the PID runs; a zombie (dead, waiting for its parent to reap it) counts as gone. */
export function pidAlive(pid: number): boolean {
    const state = statFields(pid)?.[0];
    return state !== undefined && state !== "Z";
}

/** Every PID in /proc now. */
export function allPids(): number[] {
    return fs
        .readdirSync("/proc")
        .map(Number)
        .filter((pid) => Number.isInteger(pid) && pid > 0);
}

/** /proc/<pid>/stat after the command name (state, ppid, ...); undefined once the process is gone. */
function statFields(pid: number): string[] | undefined {
    try {
        const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
        return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    } catch {
        return undefined;
    }
}

/** True while the PID runs the given executable (a zombie or a reused PID counts as gone). */
export function isRunning(record: Pick<ProcessRecord, "pid" | "binary">): boolean {
    try {
        return pidAlive(record.pid) && fs.readlinkSync(`/proc/${record.pid}/exe`) === record.binary;
    } catch {
        return false;
    }
}

function signal(record: ProcessRecord, name: NodeJS.Signals): void {
    try {
        process.kill(record.pid, name);
    } catch {
        // already gone
    }
}

async function waitGone(records: readonly ProcessRecord[], deadlineMs: number): Promise<ProcessRecord[]> {
    const end = Date.now() + deadlineMs;
    let alive = records.filter(isRunning);
    while (alive.length > 0 && Date.now() < end) {
        await sleep(50);
        alive = alive.filter(isRunning);
    }
    return alive;
}

const termGraceMs = 10_000;
const killGraceMs = 5_000;

/**
 * Stops exactly these processes: SIGTERM, then SIGKILL for any still running
 * after a grace period. Throws naming any that survive both.
 */
export async function stopProcesses(records: readonly (ProcessRecord | LaunchedProcess)[]): Promise<void> {
    const ours = records.filter(isRunning);
    for (const record of ours) signal(record, "SIGTERM");
    const stubborn = await waitGone(ours, termGraceMs);
    for (const record of stubborn) signal(record, "SIGKILL");
    const survivors = await waitGone(stubborn, killGraceMs);
    if (survivors.length > 0) {
        throw new Error(`could not stop ${survivors.map((record) => `${record.name} (pid ${record.pid})`).join(", ")}`);
    }
    // Our own children are gone once Node has reaped them; wait for that so their PIDs are free.
    const reapDeadline = () => sleep(killGraceMs, undefined, { ref: false });
    await Promise.all(
        records.map((record) => ("exited" in record ? Promise.race([record.exited, reapDeadline()]) : undefined)),
    );
}

/** Every process descended from `pid` (children, their children, ...), read from /proc now. */
export function descendantPids(pid: number): number[] {
    const childrenOf = new Map<number, number[]>();
    for (const child of allPids()) {
        const parent = Number(statFields(child)?.[1]);
        if (Number.isInteger(parent)) childrenOf.set(parent, [...(childrenOf.get(parent) ?? []), child]);
    }
    const found: number[] = [];
    for (let queue = [pid]; queue.length > 0; ) {
        const children = childrenOf.get(queue.shift()!) ?? [];
        found.push(...children);
        queue.push(...children);
    }
    return found;
}

/** Kills synchronously; for process exit, when there is no time to wait. */
export function killNow(records: readonly ProcessRecord[]): void {
    for (const record of records.filter(isRunning)) signal(record, "SIGKILL");
}
