/**
 * The kubelet kwok does not have, for one kind of workload: the chaincode
 * server. It watches the cluster's chaincode Deployments and runs each as a
 * LOCAL PROCESS (`node chaincode/asset-transfer-basic/dist/server.js`) with
 * the Deployment's environment, the TLS files taken from the mounted Secret
 * and the listen address moved to loopback. A changed pod template (image,
 * env, annotations such as the TLS certificate hash) restarts it, as a
 * rollout would (the Secret is read at each start, like a new pod mounting
 * it); a deleted Deployment stops it. Terminating chaincode pods are removed
 * at once, as a kubelet does when their containers have exited. Each server
 * listens on a loopback port of its own, and the Services lead there through
 * the ServiceProxy (`route`), so a peer dialing `<service>.<namespace>:<port>`
 * reaches exactly what the Deployment describes, several releases side by side.
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { freePort, ServerProcess } from "../../chaincode/asset-transfer-basic/test/server-process";
import type { KwokCluster } from "./cluster";
import type { ServiceRoute } from "./service-proxy";

const SERVER_JS = join(__dirname, "..", "..", "..", "chaincode", "asset-transfer-basic", "dist", "server.js");
/** Deployments the ChaincodeService component makes carry this label. */
const CHAINCODE_SELECTOR = "app.kubernetes.io/component=chaincode";
const POLL_MS = 500;
const STOP_GRACE_MS = 10_000;

/** Faults a test injects into the kubelet, as a broken pod would show them. Never set outside tests. */
export interface KubeletFaults {
    /** Run no server at all (running ones stop): the Deployment looks ready to kwok, nothing listens. */
    readonly serversDown?: boolean;
    /** Variables that override the Deployment's, e.g. an image that sets its own CHAINCODE_ID. */
    readonly envOverride?: Readonly<Record<string, string>>;
}

/** One (re)start of a Deployment's server. */
export interface LocalPodStart {
    readonly deployment: string;
    readonly image: string;
    readonly env: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    /** sha256 hex of the server certificate it serves (the mounted tls.crt). */
    readonly servedCertSha256: string | undefined;
    readonly at: number;
}

interface Pod {
    readonly key: string;
    readonly server: ServerProcess;
    readonly dir: string;
    /** Labels of the pod template, for Service selectors. */
    readonly labels: Readonly<Record<string, string>>;
    /** Container port (the Deployment's listen port) -> the loopback port the process listens on. */
    readonly ports: ReadonlyMap<number, number>;
}

interface ServiceJson {
    kind: "Service";
    metadata: { namespace: string; name: string };
    spec: { selector?: Record<string, string>; ports?: Array<{ port: number; targetPort?: number | string }> };
}

interface PodJson {
    kind: "Pod";
    metadata: { namespace: string; name: string; deletionTimestamp?: string };
}

interface DeploymentJson {
    kind: "Deployment";
    metadata: { namespace: string; name: string };
    spec: { replicas?: number; template: { metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> }; spec: PodSpecJson } };
}

interface PodSpecJson {
    containers: Array<{
        image: string;
        env?: Array<{ name: string; value?: string }>;
        volumeMounts?: Array<{ name: string; mountPath: string }>;
    }>;
    volumes?: Array<{ name: string; secret?: { secretName: string; items?: Array<{ key: string; path: string }> } }>;
}

export class LocalKubelet {
    /** Every start, oldest first, per "namespace/name". */
    readonly starts: LocalPodStart[] = [];
    /** Problems seen while polling or starting (the last 50). */
    readonly problems: string[] = [];
    private readonly pods = new Map<string, Pod>();
    private services: ServiceJson[] = [];
    private readonly root = mkdtempSync(join(tmpdir(), "local-kubelet-"));
    private stopping = false;
    private loop: Promise<void> | undefined;
    private faults: KubeletFaults = {};

    constructor(private readonly cluster: KwokCluster, private readonly log: (line: string) => void = () => undefined) {}

    start(): void {
        this.loop ??= this.run();
    }

    /** Injects (or, with {}, clears) faults; the next poll applies them. */
    setFaults(faults: KubeletFaults): void {
        this.faults = faults;
    }

    /** "namespace/name" of the Deployments with a running server. */
    running(): string[] {
        return [...this.pods.keys()].sort();
    }

    /** Each running server's Deployment, PID and loopback ports (to check that none outlives a shutdown). */
    servers(): Array<{ deployment: string; pid: number | undefined; ports: number[] }> {
        return [...this.pods.entries()].map(([deployment, pod]) => ({ deployment, pid: pod.server.pid, ports: [...pod.ports.values()] }));
    }

    /** The latest start of a Deployment, if any. */
    lastStart(deployment: string): LocalPodStart | undefined {
        return this.starts.filter((start) => start.deployment === deployment).at(-1);
    }

    /** Output of a running server, for failure messages. */
    output(deployment: string): string {
        const pod = this.pods.get(deployment);
        return pod ? `stdout: ${pod.server.stdout}\nstderr: ${pod.server.stderr}` : "(not running)";
    }

    /** Where a Service name leads: the loopback port of the process behind it (for ServiceProxy). */
    readonly route: ServiceRoute = async (host, port) => {
        const [name, namespace, ...rest] = host.split(".");
        if (!namespace || !["", "svc", "svc.cluster.local"].includes(rest.join("."))) return { refused: `${host} is not a Service name (<service>.<namespace>[.svc[.cluster.local]])` };
        const service = this.services.find((candidate) => candidate.metadata.namespace === namespace && candidate.metadata.name === name);
        if (!service) return { refused: `no Service ${namespace}/${name}` };
        const servicePort = service.spec.ports?.find((candidate) => candidate.port === port);
        if (!servicePort) return { refused: `Service ${namespace}/${name} has no port ${port}` };
        const targetPort = Number(servicePort.targetPort ?? port);
        for (const [deployment, pod] of this.pods) {
            if (!deployment.startsWith(`${namespace}/`)) continue;
            if (!Object.entries(service.spec.selector ?? {}).every(([key, value]) => pod.labels[key] === value)) continue;
            const local = pod.ports.get(targetPort);
            if (local !== undefined) return { port: local };
        }
        return { refused: `no running pod behind Service ${namespace}/${name} (port ${targetPort})` };
    };

    /** Stops polling and every server; removes the TLS files. */
    async stop(): Promise<void> {
        this.stopping = true;
        await this.loop;
        for (const name of [...this.pods.keys()]) await this.stopPod(name);
        rmSync(this.root, { recursive: true, force: true });
    }

    private async run(): Promise<void> {
        while (!this.stopping) {
            try {
                await this.sync();
            } catch (err) {
                this.problem(`sync: ${(err as Error).message}`);
            }
            await sleep(POLL_MS);
        }
    }

    private async sync(): Promise<void> {
        const list = await this.cluster.getJson<{ items: Array<DeploymentJson | PodJson | ServiceJson> }>(["deployments,pods,services", "-A", "-l", CHAINCODE_SELECTOR]);
        this.services = list.items.filter((item): item is ServiceJson => item.kind === "Service");
        const deployments = list.items.filter((item): item is DeploymentJson => item.kind === "Deployment");
        const terminating = list.items.filter((item): item is PodJson => item.kind === "Pod" && !!item.metadata.deletionTimestamp);
        const wanted = new Map(
            deployments
                .filter((deployment) => (deployment.spec.replicas ?? 1) > 0 && !this.faults.serversDown)
                .map((deployment) => [`${deployment.metadata.namespace}/${deployment.metadata.name}`, deployment]),
        );
        for (const name of [...this.pods.keys()]) {
            if (!wanted.has(name)) await this.stopPod(name);
        }
        for (const [name, deployment] of wanted) {
            const key = podKey(deployment, this.faults.envOverride);
            if (this.pods.get(name)?.key === key) continue;
            const secrets = await this.secretsOf(deployment);
            if (secrets === undefined) continue; // not created yet: a kubelet would wait too
            await this.stopPod(name);
            await this.startPod(name, deployment, secrets, key);
        }
        // Our processes follow the Deployments, so a terminating pod has nothing left to stop: remove it
        // now, as a kubelet does once its containers exit, instead of kwok's wait for the grace period.
        for (const pod of terminating) {
            await this.cluster.kubectl(["delete", "pod", "-n", pod.metadata.namespace, pod.metadata.name, "--grace-period=0", "--force", "--wait=false", "--ignore-not-found"]);
        }
    }

    /** Secret volume name -> data (base64 values), or undefined while one is missing. */
    private async secretsOf(deployment: DeploymentJson): Promise<Map<string, Record<string, string>> | undefined> {
        const result = new Map<string, Record<string, string>>();
        for (const volume of deployment.spec.template.spec.volumes ?? []) {
            if (!volume.secret) continue;
            try {
                const secret = await this.cluster.getJson<{ data?: Record<string, string> }>([
                    "secret", "-n", deployment.metadata.namespace, volume.secret.secretName,
                ]);
                result.set(volume.name, secret.data ?? {});
            } catch {
                return undefined;
            }
        }
        return result;
    }

    private async startPod(name: string, deployment: DeploymentJson, secrets: Map<string, Record<string, string>>, key: string): Promise<void> {
        const spec = deployment.spec.template.spec;
        const container = spec.containers[0];
        const dir = mkdtempSync(join(this.root, `${name.replace("/", "_")}-`));
        // Mount paths become folders under dir, holding the Secret's items as the volume projects them.
        const mounts: Array<[string, string]> = [];
        let certSha256: string | undefined;
        for (const mount of container.volumeMounts ?? []) {
            const volume = spec.volumes?.find((candidate) => candidate.name === mount.name);
            const data = volume?.secret ? secrets.get(volume.name) : undefined;
            if (!volume?.secret || data === undefined) continue;
            const local = join(dir, mount.name);
            const items = volume.secret.items ?? Object.keys(data).map((item) => ({ key: item, path: item }));
            for (const item of items) {
                const file = join(local, item.path);
                mkdirSync(dirname(file), { recursive: true });
                const bytes = Buffer.from(data[item.key] ?? "", "base64");
                writeFileSync(file, bytes, { mode: 0o600 });
                if (item.key === "tls.crt") certSha256 = createHash("sha256").update(bytes).digest("hex");
            }
            mounts.push([mount.mountPath, local]);
        }
        // Every server gets a loopback port of its own, so releases of one chaincode run side by side.
        const ports = new Map<number, number>();
        for (const variable of container.env ?? []) {
            const listen = /^0\.0\.0\.0:(\d+)$/.exec(variable.value ?? "");
            if (listen && !ports.has(Number(listen[1]))) ports.set(Number(listen[1]), await freePort());
        }
        const env: Record<string, string> = {};
        for (const variable of container.env ?? []) env[variable.name] = localValue(variable.value ?? "", mounts, ports);
        Object.assign(env, this.faults.envOverride);
        const server = new ServerProcess(env, SERVER_JS);
        this.pods.set(name, { key, server, dir, labels: deployment.spec.template.metadata?.labels ?? {}, ports });
        this.starts.push({
            deployment: name,
            image: container.image,
            env,
            annotations: deployment.spec.template.metadata?.annotations ?? {},
            servedCertSha256: certSha256,
            at: Date.now(),
        });
        try {
            this.log(`local kubelet: ${name} ${await server.listening()}`);
        } catch (err) {
            this.problem(`${name}: ${(err as Error).message}`);
        }
    }

    private async stopPod(name: string): Promise<void> {
        const pod = this.pods.get(name);
        if (!pod) return;
        this.pods.delete(name);
        pod.server.signal("SIGTERM");
        try {
            await pod.server.exitWithin(STOP_GRACE_MS);
        } catch {
            await pod.server.kill();
        }
        rmSync(pod.dir, { recursive: true, force: true });
        this.log(`local kubelet: ${name} stopped`);
    }

    private problem(text: string): void {
        this.problems.push(text);
        if (this.problems.length > 50) this.problems.shift();
        this.log(`local kubelet: ${text}`);
    }
}

/** What a rollout reacts to: the pod template only (and an injected env). A changed Secret alone restarts nothing, as on a real cluster. */
function podKey(deployment: DeploymentJson, envOverride: KubeletFaults["envOverride"]): string {
    return createHash("sha256").update(JSON.stringify([deployment.spec.template, envOverride ?? {}])).digest("hex");
}

/** A container path under a mount becomes the local file; a wildcard listen address becomes the pod's loopback port. */
function localValue(value: string, mounts: ReadonlyArray<[string, string]>, ports: ReadonlyMap<number, number>): string {
    for (const [mountPath, local] of mounts) {
        if (value === mountPath || value.startsWith(`${mountPath}/`)) return local + value.slice(mountPath.length);
    }
    return value.replace(/^0\.0\.0\.0:(\d+)$/, (_all, port: string) => `127.0.0.1:${ports.get(Number(port)) ?? port}`);
}
