/**
 * Node suites run side by side, each on its own node, except the ones that
 * compare the whole host before and after (the demo, the node's own test):
 * those hold the host alone. A kernel lock (flock) on the project's cache
 * folder, held by a child that lives as long as its stdin, a pipe from this
 * process: the lock goes with this process however it ends, and leaves
 * nothing behind.
 */
import { spawn } from "node:child_process";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { toolchainBinDir } from "../kube/toolchain";

export type HostUse = "alone" | "shared";

/** Waits until the host can be used so, then holds it until the returned function is called. */
export function holdHost(use: HostUse, log: (line: string) => void = () => undefined): Promise<() => void> {
    // A folder, made first: flock would create a missing path as a file.
    const lockTarget = dirname(dirname(toolchainBinDir()));
    mkdirSync(lockTarget, { recursive: true });
    const holder = spawn(
        "flock",
        [use === "alone" ? "--exclusive" : "--shared", lockTarget, "sh", "-c", "echo held; exec cat >/dev/null"],
        {
            stdio: ["pipe", "pipe", "inherit"],
        },
    );
    const waitStarted = Date.now();
    return new Promise((resolve, reject) => {
        let said = "";
        holder.stdout.on("data", (chunk: Buffer) => {
            said += chunk.toString();
            if (!said.includes("held")) return;
            const waited = (Date.now() - waitStarted) / 1000;
            // Held while this process runs, without keeping it running.
            holder.unref();
            for (const stream of [holder.stdin, holder.stdout]) (stream as unknown as { unref?: () => void }).unref?.();
            if (waited >= 1)
                log(
                    `waited ${waited.toFixed(0)} s for the host (${use === "alone" ? "alone: every other node suite to end" : "a suite that holds it alone to end"})`,
                );
            resolve(() => holder.stdin.end());
        });
        holder.on("error", reject);
        holder.on("exit", (code, signal) =>
            reject(new Error(`flock on ${lockTarget} ended (${signal ?? `exit ${code}`}) before it held the host`)),
        );
    });
}
