import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import { join } from "node:path";

/** The build artefact the image runs (`npm start`), seen from dist-test/test/. */
export const SERVER_JS = join(__dirname, "..", "..", "dist", "server.js");

export interface Exit {
    readonly code: number | null;
    readonly signal: NodeJS.Signals | null;
}

/**
 * `node dist/server.js` as a child process with exactly the given environment
 * (plus PATH). Node builtins only, so the repository's end-to-end test reuses
 * it, passing the script's path.
 */
export class ServerProcess {
    stdout = "";
    stderr = "";
    readonly exited: Promise<Exit>;
    private readonly child: ChildProcess;
    private exit: Exit | undefined;

    constructor(env: NodeJS.ProcessEnv, serverJs = SERVER_JS) {
        this.child = spawn(process.execPath, [serverJs], { env: { PATH: process.env.PATH, ...env }, stdio: ["ignore", "pipe", "pipe"] });
        this.child.stdout?.setEncoding("utf8").on("data", (chunk: string) => (this.stdout += chunk));
        this.child.stderr?.setEncoding("utf8").on("data", (chunk: string) => (this.stderr += chunk));
        this.exited = new Promise((resolve) => {
            this.child.on("exit", (code, signal) => {
                this.exit = { code, signal };
                resolve(this.exit);
            });
        });
    }

    /** The server's PID (undefined if it could not be started). */
    get pid(): number | undefined {
        return this.child.pid;
    }

    /** Resolves with the start line once the server logs it; rejects if it exits first or stays silent. */
    async listening(timeoutMs = 20000): Promise<string> {
        const deadline = Date.now() + timeoutMs;
        while (Date.now() < deadline) {
            const line = this.stdout.split("\n").find((candidate) => candidate.includes(" chaincode server listening on "));
            if (line !== undefined) return line;
            if (this.exit !== undefined) throw new Error(`server exited (${JSON.stringify(this.exit)}) before listening; stderr: ${this.stderr}`);
            await new Promise((resolve) => setTimeout(resolve, 50));
        }
        throw new Error(`server did not report listening within ${timeoutMs} ms; stdout: ${this.stdout}; stderr: ${this.stderr}`);
    }

    signal(signal: NodeJS.Signals): void {
        this.child.kill(signal);
    }

    /** Waits for the exit, bounded: a hang fails the test instead of stalling the run. */
    async exitWithin(timeoutMs: number): Promise<Exit> {
        return withDeadline(this.exited, timeoutMs, `server (pid ${this.child.pid}) to exit`);
    }

    /** Cleanup for after(): kills by PID if still running. */
    async kill(): Promise<void> {
        if (this.exit === undefined) {
            this.child.kill("SIGKILL");
            await this.exited;
        }
    }
}

export function withDeadline<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)), timeoutMs);
    });
    return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/** A loopback port that was free a moment ago. */
export async function freePort(): Promise<number> {
    const server = createServer();
    await new Promise<void>((resolve, reject) => {
        server.once("error", reject);
        server.listen(0, "127.0.0.1", resolve);
    });
    const address = server.address();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    if (address === null || typeof address === "string") throw new Error("no TCP port assigned");
    return address.port;
}
