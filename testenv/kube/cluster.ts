/**
 * A throwaway local Kubernetes control plane: kwokctl's binary runtime
 * (etcd, kube-apiserver, controller-manager, scheduler, kwok's fake-node
 * controller) on loopback, in its own KWOK_WORKDIR. One fake node makes
 * Deployments schedule and report ready; nothing runs their containers
 * (see LocalKubelet for that).
 */
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { pidAlive } from "../network/processes";
import { toolchainEnv } from "./toolchain";

const run = promisify(execFile);
const KWOK_CONFIG = join(__dirname, "..", "..", "..", "testenv", "toolchain", "kwok.yaml");

export interface KwokClusterOptions {
    /** Defaults to a unique "ccaas-<pid>-<time>". */
    readonly name?: string;
    /** How long kwokctl may wait for the cluster to be ready, seconds. Defaults to 120. */
    readonly waitSeconds?: number;
    /** Progress lines. Defaults to silence. */
    readonly log?: (line: string) => void;
    /** KWOK_WORKDIR (created if absent; deleted with the cluster). Defaults to a new temp dir. */
    readonly workdir?: string;
}

export class KwokCluster {
    /** Kubeconfig file of the cluster's admin. */
    readonly kubeconfigPath: string;
    private deleted = false;

    private constructor(
        readonly name: string,
        readonly workdir: string,
        private readonly env: NodeJS.ProcessEnv,
        private readonly log: (line: string) => void,
    ) {
        this.kubeconfigPath = join(workdir, "clusters", name, "kubeconfig.yaml");
    }

    /** Creates the cluster and one fake node; a failed start deletes what it made. */
    static async create(options: KwokClusterOptions = {}): Promise<KwokCluster> {
        const name = options.name ?? `ccaas-${process.pid}-${Date.now().toString(36)}`;
        const workdir = options.workdir ?? mkdtempSync(join(tmpdir(), "kwok-"));
        mkdirSync(workdir, { recursive: true });
        const log = options.log ?? (() => undefined);
        const cluster = KwokCluster.attach(name, workdir, log);
        try {
            await cluster.kwokctl(["create", "cluster", "--name", name, "--wait", `${options.waitSeconds ?? 120}s`]);
            await cluster.kwokctl(["--name", name, "scale", "node", "--replicas", "1"]);
            log(`kwok cluster ${name} ready (${cluster.kubeconfigPath})`);
            return cluster;
        } catch (err) {
            await cluster.delete().catch(() => undefined);
            throw new Error(`kwok cluster ${name} did not start: ${(err as Error).message}\n${cluster.logTail()}`);
        }
    }

    /** The cluster another process created in `workdir` (to delete it after that process is gone). */
    static attach(name: string, workdir: string, log: (line: string) => void = () => undefined): KwokCluster {
        return new KwokCluster(name, workdir, { ...toolchainEnv(), KWOK_WORKDIR: workdir }, log);
    }

    /** Kubeconfig contents (admin client certificate and key included). */
    kubeconfig(): string {
        return readFileSync(this.kubeconfigPath, "utf8");
    }

    /** Runs kubectl against this cluster; rejects with its stderr. */
    async kubectl(args: readonly string[], timeoutMs = 30_000): Promise<string> {
        try {
            const { stdout } = await run("kubectl", ["--kubeconfig", this.kubeconfigPath, ...args], {
                env: this.env,
                timeout: timeoutMs,
                maxBuffer: 64 * 1024 * 1024,
            });
            return stdout;
        } catch (err) {
            const failure = err as Error & { stderr?: string };
            throw new Error(`kubectl ${args.join(" ")} failed: ${failure.stderr?.trim() || failure.message}`);
        }
    }

    /** `kubectl get ... -o json`, parsed. */
    async getJson<T = unknown>(args: readonly string[]): Promise<T> {
        return JSON.parse(await this.kubectl(["get", ...args, "-o", "json"])) as T;
    }

    /** Stops the control plane (API server, etcd, controllers) by their PIDs; the data stays for startControlPlane. */
    async stopControlPlane(): Promise<void> {
        const pids = this.pids();
        await this.kwokctl(["stop", "cluster", "--name", this.name]);
        await waitForExit(pids, 30_000);
        this.log(`kwok cluster ${this.name} stopped`);
    }

    /** Starts a stopped control plane again and waits until it serves. */
    async startControlPlane(): Promise<void> {
        await this.kwokctl(["start", "cluster", "--name", this.name, "--wait", "120s"]);
        this.log(`kwok cluster ${this.name} started again`);
    }

    /** Deletes the cluster, waits for its processes to exit, removes the workdir. Idempotent. */
    async delete(): Promise<void> {
        if (this.deleted) return;
        this.deleted = true;
        const pids = this.pids();
        try {
            await this.kwokctl(["delete", "cluster", "--name", this.name]);
        } finally {
            // kwokctl returns while the processes still exit: their ports are busy until they are gone.
            await waitForExit(pids, 30_000);
            rmSync(this.workdir, { recursive: true, force: true });
            this.log(`kwok cluster ${this.name} deleted`);
        }
    }

    private async kwokctl(args: readonly string[]): Promise<void> {
        try {
            await run("kwokctl", ["-c", KWOK_CONFIG, ...args], { env: this.env, timeout: 180_000 });
        } catch (err) {
            const failure = err as Error & { stderr?: string };
            throw new Error(`kwokctl ${args.join(" ")} failed: ${lastLines(failure.stderr ?? failure.message, 10)}`);
        }
    }

    /** PIDs of the control plane's processes, from kwokctl's pid files. */
    pids(): number[] {
        const dir = join(this.workdir, "clusters", this.name, "pids");
        try {
            return readdirSync(dir)
                .map((file) => Number(readFileSync(join(dir, file), "utf8").trim()))
                .filter((pid) => Number.isInteger(pid) && pid > 0);
        } catch {
            return [];
        }
    }

    private logTail(): string {
        const dir = join(this.workdir, "clusters", this.name, "logs");
        try {
            return readdirSync(dir)
                .map((file) => `--- ${file}\n${lastLines(readFileSync(join(dir, file), "utf8"), 5)}`)
                .join("\n");
        } catch {
            return "(no component logs)";
        }
    }
}

async function waitForExit(pids: readonly number[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let alive = pids.filter(pidAlive);
    while (alive.length > 0 && Date.now() < deadline) {
        await sleep(100);
        alive = alive.filter(pidAlive);
    }
    if (alive.length > 0) throw new Error(`kwok processes ${alive.join(", ")} still running ${timeoutMs} ms after delete`);
}

function lastLines(text: string, count: number): string {
    return text.trim().split("\n").slice(-count).join("\n");
}
