import { execFile } from "node:child_process";
import * as path from "node:path";

export interface ToolRun {
    stdout: string;
    stderr: string;
}

/** A short-lived Fabric CLI (cryptogen, configtxgen, osnadmin, peer) that failed; carries its output. */
export class ToolError extends Error {
    constructor(
        readonly tool: string,
        readonly args: readonly string[],
        problem: string,
        readonly output: string,
    ) {
        super(`${path.basename(tool)} ${args.join(" ")}: ${problem}${output ? `\n${output.trimEnd()}` : ""}`);
        this.name = "ToolError";
    }
}

/** Runs a tool to completion with a deadline; rejects with its output on a non-zero exit. */
export function runTool(
    tool: string,
    args: readonly string[],
    options: { env?: NodeJS.ProcessEnv; cwd?: string; timeoutMs?: number } = {},
): Promise<ToolRun> {
    const timeoutMs = options.timeoutMs ?? 30_000;
    return new Promise((resolve, reject) => {
        execFile(
            tool,
            args,
            {
                env: options.env ?? process.env,
                cwd: options.cwd,
                timeout: timeoutMs,
                killSignal: "SIGKILL",
                maxBuffer: 16 * 1024 * 1024,
            },
            (error, stdout, stderr) => {
                if (!error) {
                    resolve({ stdout, stderr });
                    return;
                }
                const problem = error.killed
                    ? `did not finish within ${timeoutMs} ms`
                    : typeof error.code === "number"
                      ? `exited with code ${error.code}`
                      : error.message;
                reject(new ToolError(tool, args, problem, `${stdout}${stderr}`));
            },
        );
    });
}
