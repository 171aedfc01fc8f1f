/**
 * A real single-node Kubernetes cluster: etcd, the API server, the
 * controller manager and the scheduler; containerd and runc; the kubelet and
 * kube-proxy; a CNI bridge; CoreDNS as cluster DNS; kube-router's firewall as
 * the NetworkPolicy enforcer; an image registry. Every one of them runs
 * inside the node's own network and mount namespaces (NodeSandbox), with its
 * files in one folder (NodeLayout). `delete` stops them all by PID and
 * removes the namespaces, the link, the cgroups and the folder.
 */
import { execFile, spawn } from "node:child_process";
import { Resolver } from "node:dns/promises";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { toolchainBinDir, toolchainEnv } from "../kube/toolchain";
import { ComponentError } from "../network/logs";
import { isRunning, killNow, type ProcessRecord, stopProcesses } from "../network/processes";
import { type NodeAddresses, nodeAddresses } from "./addresses";
import { claimSlot, releaseSlot } from "./slots";
import {
    CLUSTER_DOMAIN,
    containerdConfig,
    containersConf,
    containersRegistries,
    corefile,
    cniConfig,
    kubeconfig,
    kubeletConfig,
    kubeProxyConfig,
    NODE_NAME,
    registryConfig,
    registryHostsToml,
    systemManifests,
} from "./config-files";
import { buildAndPush, buildNodeImages, type ImageBuild, type NodeImages } from "./images";
import { type NodeLayout, nodeLayout } from "./layout";
import { NodePki } from "./pki";
import { describeMissing, findOnPath, missingNodePrerequisites } from "./prerequisites";
import { NodeSandbox, type SandboxRecord } from "./sandbox";

const run = promisify(execFile);

export interface RealNodeOptions {
    /** The node's folder (created; deleted with the node). Defaults to a new temp dir. */
    readonly dir?: string;
    /** Progress lines. Defaults to silence. */
    readonly log?: (line: string) => void;
}

/** What another process needs to use or delete the node (the state file). */
export interface NodeRecord {
    readonly slot: number;
    readonly root: string;
    readonly sandbox: SandboxRecord;
    readonly processes: ProcessRecord[];
    readonly images?: NodeImages;
}

export class RealNode {
    readonly addresses: NodeAddresses;
    readonly layout: NodeLayout;
    /** The cluster admin's kubeconfig (everything embedded), on the host. */
    readonly kubeconfigPath: string;
    private readonly processes: ProcessRecord[];
    /** For kubectl and the daemons: the toolchain first, root's sbin folders for the daemons' children (runc, iptables, ipset). */
    private readonly env: NodeJS.ProcessEnv;
    private imagesBuilt: NodeImages | undefined;
    /** How each daemon was started, to start it again after stopDaemon (this process only). */
    private readonly launches = new Map<string, { command: string; args: readonly string[] }>();
    private deleted = false;

    private constructor(
        record: NodeRecord,
        private readonly sandbox: NodeSandbox,
        private readonly log: (line: string) => void,
    ) {
        this.addresses = sandbox.addresses;
        this.layout = nodeLayout(record.root);
        this.kubeconfigPath = join(this.layout.kubeconfigs, "admin.yaml");
        this.processes = [...record.processes];
        const toolchain = toolchainEnv();
        this.env = { ...toolchain, PATH: `${toolchain.PATH}:/usr/sbin:/sbin` };
        this.imagesBuilt = record.images;
    }

    /** Starts a node; a failed start removes everything it made. */
    static async create(options: RealNodeOptions = {}): Promise<RealNode> {
        const missing = missingNodePrerequisites();
        if (missing.length > 0)
            throw new Error(`a real node cannot start on this machine: ${describeMissing(missing)}`);
        const log = options.log ?? (() => undefined);
        const started = Date.now();
        const root = options.dir ?? fs.mkdtempSync(join(tmpdir(), "ccaas-node-"));
        fs.mkdirSync(root, { recursive: true });
        const layout = nodeLayout(root);
        const addresses = nodeAddresses(claimSlot());
        let node: RealNode | undefined;
        try {
            prepareFolders(layout, addresses);
            const sandbox = await NodeSandbox.create(addresses, `node${addresses.slot}`, layout.containersConfig);
            node = new RealNode({ slot: addresses.slot, root, sandbox: sandbox.record, processes: [] }, sandbox, log);
            node.saveRecord();
            await node.boot();
            log(
                `real node ${NODE_NAME} ready at ${addresses.apiServerUrl} in ${((Date.now() - started) / 1000).toFixed(1)} s (folder ${root})`,
            );
            return node;
        } catch (error) {
            if (node)
                await node
                    .delete()
                    .catch((cleanup: Error) => log(`while removing the failed node: ${cleanup.message}`));
            else {
                fs.rmSync(root, { recursive: true, force: true });
                releaseSlot(addresses.slot);
            }
            throw error;
        }
    }

    /** The node another process started in `root` (to use or delete it). */
    static attach(root: string, log: (line: string) => void = () => undefined): RealNode {
        const record = JSON.parse(fs.readFileSync(nodeLayout(root).stateFile, "utf8")) as NodeRecord;
        return new RealNode(record, NodeSandbox.attach(record.sandbox, nodeAddresses(record.slot)), log);
    }

    /** The images the node built: busybox and the Node base image, in its registry. */
    get images(): NodeImages {
        if (!this.imagesBuilt) throw new Error("the node's images are not built yet");
        return this.imagesBuilt;
    }

    /** The admin kubeconfig's contents, e.g. for `pulumi config set --secret kubeconfig`. */
    kubeconfig(): string {
        return fs.readFileSync(this.kubeconfigPath, "utf8");
    }

    /** Runs kubectl as the cluster admin from the host; rejects with its stderr. */
    async kubectl(args: readonly string[], options: { input?: string; timeoutMs?: number } = {}): Promise<string> {
        const child = run(join(toolchainBinDir(), "kubectl"), ["--kubeconfig", this.kubeconfigPath, ...args], {
            env: this.env,
            timeout: options.timeoutMs ?? 60_000,
            maxBuffer: 64 * 1024 * 1024,
        });
        child.child.stdin?.end(options.input ?? "");
        try {
            return (await child).stdout;
        } catch (error) {
            const failure = error as Error & { stderr?: string };
            throw new Error(`kubectl ${args.join(" ")} failed: ${failure.stderr?.trim() || failure.message}`);
        }
    }

    /** `kubectl get … -o json`, parsed. */
    async getJson<T = unknown>(args: readonly string[]): Promise<T> {
        return JSON.parse(await this.kubectl(["get", ...args, "-o", "json"])) as T;
    }

    /** Runs a command in the node's namespaces (its network, its mounts). */
    exec(args: readonly string[], options: { network?: boolean; timeoutMs?: number } = {}): Promise<string> {
        return this.sandbox.exec(args, options);
    }

    /** A process of the pod with this UID, whose network namespace is the pod's; undefined while the pod has none. */
    podProcess(podUid: string): number | undefined {
        return this.sandbox.podProcess(podUid);
    }

    /** The processes the node started, for a state file or an assertion. */
    pids(): ProcessRecord[] {
        return [...this.processes];
    }

    /** Every process inside the node now (its daemons, shims and containers); none once it is deleted. */
    processesInside(): number[] {
        return this.sandbox.processesInside();
    }

    /**
     * A folder holding `docker`: podman (Debian's, as podman-docker makes it
     * the docker command) run in the node's mount namespace, so its storage,
     * caches and registries config are the node's. Put it first on PATH for a
     * program whose imageBuildTool is docker.
     */
    dockerCommandDir(): string {
        const dir = join(this.layout.root, "bin");
        fs.mkdirSync(dir, { recursive: true });
        const enter = this.sandbox.enterArgs({ network: false }).slice(0, -1).join(" ");
        fs.writeFileSync(
            join(dir, "docker"),
            `#!/bin/sh\n# podman as docker, inside the real node's mount namespace (testenv/node).\nexec nsenter ${enter} --wd="$PWD" -- podman "$@"\n`,
            { mode: 0o755 },
        );
        return dir;
    }

    /**
     * Stops one daemon by its PID (SIGTERM, then SIGKILL) and waits until it
     * is gone: a fault for tests, e.g. the API server down.
     */
    async stopDaemon(name: string): Promise<void> {
        const daemon = this.daemon(name);
        await stopProcesses([daemon]);
        this.log(`${name} stopped`);
    }

    /** Starts a daemon stopped by stopDaemon again, as it was started; for the API server, waits until it serves. */
    async startDaemon(name: string): Promise<void> {
        const launch = this.launches.get(name);
        if (!launch) throw new Error(`${name} was not started by this process`);
        if (isRunning(this.daemon(name))) throw new Error(`${name} is running; stopDaemon it first`);
        this.start(name, launch.command, launch.args);
        if (name === "kube-apiserver") {
            await this.waitFor("the API server to serve again", [name], 90_000, async () => {
                await this.kubectl(["get", "--raw", "/readyz"], { timeoutMs: 5_000 });
                return true;
            });
        }
        this.log(`${name} started again`);
    }

    private daemon(name: string): ProcessRecord {
        const found = [...this.processes].reverse().find((record) => record.name === name);
        if (!found) throw new Error(`the node runs no daemon named ${name}`);
        return found;
    }

    /** Builds a Dockerfile with podman on this node and pushes it to the node's registry; returns the registry's digest. */
    buildImage(build: ImageBuild): Promise<string> {
        return buildAndPush(this.sandbox, build);
    }

    /**
     * Kills the daemons by PID (SIGKILL: the node's state is thrown away, so
     * a graceful stop buys nothing), then whatever is left inside (shims,
     * containers), removes the cgroups, the namespaces with their link, and
     * the folder. Idempotent.
     */
    async delete(): Promise<void> {
        if (this.deleted) return;
        this.deleted = true;
        try {
            killNow(this.processes);
        } finally {
            await this.sandbox.destroy();
            fs.rmSync(this.layout.root, { recursive: true, force: true });
            releaseSlot(this.addresses.slot);
            this.log(`real node in ${this.layout.root} deleted`);
        }
    }

    private async boot(): Promise<void> {
        const a = this.addresses;
        const l = this.layout;
        const pki = NodePki.create(l.pki);
        const sa = pki.serviceAccountKeys();
        const apiserver = pki.issue({
            file: "apiserver",
            commonName: "kube-apiserver",
            serverNames: [
                `IP:${a.nodeIp}`,
                `IP:${a.apiServiceIp}`,
                "DNS:kubernetes",
                "DNS:kubernetes.default",
                "DNS:kubernetes.default.svc",
                `DNS:kubernetes.default.svc.${CLUSTER_DOMAIN}`,
            ],
        });
        const apiserverToKubelet = pki.issue({
            file: "apiserver-kubelet-client",
            commonName: "kube-apiserver-kubelet-client",
            groups: ["system:masters"],
        });
        const kubeletServing = pki.issue({
            file: "kubelet-serving",
            commonName: NODE_NAME,
            serverNames: [`IP:${a.nodeIp}`, `DNS:${NODE_NAME}`],
        });
        const users = {
            admin: { commonName: "ccaas-node-admin", groups: ["system:masters"] },
            kubelet: { commonName: `system:node:${NODE_NAME}`, groups: ["system:nodes"] },
            "controller-manager": { commonName: "system:kube-controller-manager" },
            scheduler: { commonName: "system:kube-scheduler" },
            "kube-proxy": { commonName: "system:kube-proxy" },
            coredns: { commonName: "ccaas:coredns" },
            "kube-router": { commonName: "ccaas:kube-router" },
        } as const;
        const caPem = fs.readFileSync(pki.caCertFile, "utf8");
        const kubeconfigOf: Record<string, string> = {};
        for (const [user, subject] of Object.entries(users)) {
            const leaf = pki.issue({
                file: `user-${user}`,
                commonName: subject.commonName,
                groups: "groups" in subject ? subject.groups : [],
            });
            const path = join(l.kubeconfigs, `${user}.yaml`);
            const contents = kubeconfig(a.apiServerUrl, caPem, {
                name: user,
                certPem: fs.readFileSync(leaf.certFile, "utf8"),
                keyPem: fs.readFileSync(leaf.keyFile, "utf8"),
            });
            fs.writeFileSync(path, contents, { mode: 0o600 });
            kubeconfigOf[user] = path;
        }

        this.log("starting etcd and the API server");
        this.start("etcd", "etcd", [
            "--name",
            NODE_NAME,
            "--data-dir",
            l.etcdData,
            "--listen-client-urls",
            "http://127.0.0.1:2379",
            "--advertise-client-urls",
            "http://127.0.0.1:2379",
            "--listen-peer-urls",
            "http://127.0.0.1:2380",
            "--initial-advertise-peer-urls",
            "http://127.0.0.1:2380",
            "--initial-cluster",
            `${NODE_NAME}=http://127.0.0.1:2380`,
            "--listen-metrics-urls",
            "http://127.0.0.1:2381",
            // The node's data lives as long as one test: durability buys nothing and costs every write.
            "--unsafe-no-fsync",
        ]);
        this.start("kube-apiserver", "kube-apiserver", [
            "--etcd-servers",
            "http://127.0.0.1:2379",
            "--bind-address",
            a.nodeIp,
            "--secure-port",
            "6443",
            "--advertise-address",
            a.nodeIp,
            "--service-cluster-ip-range",
            a.serviceCidr,
            "--client-ca-file",
            pki.caCertFile,
            "--tls-cert-file",
            apiserver.certFile,
            "--tls-private-key-file",
            apiserver.keyFile,
            "--kubelet-client-certificate",
            apiserverToKubelet.certFile,
            "--kubelet-client-key",
            apiserverToKubelet.keyFile,
            "--kubelet-certificate-authority",
            pki.caCertFile,
            "--kubelet-preferred-address-types",
            "InternalIP",
            "--service-account-issuer",
            `https://kubernetes.default.svc.${CLUSTER_DOMAIN}`,
            "--service-account-key-file",
            sa.publicKeyFile,
            "--service-account-signing-key-file",
            sa.privateKeyFile,
            "--authorization-mode",
            "Node,RBAC",
            "--enable-admission-plugins",
            "NodeRestriction",
            "--cert-dir",
            join(l.root, "apiserver"),
            "--profiling=false",
        ]);
        await this.waitFor("the API server to serve", ["etcd", "kube-apiserver"], 90_000, async () => {
            await this.kubectl(["get", "--raw", "/readyz"], { timeoutMs: 5_000 });
            return true;
        });
        await this.kubectl(["apply", "--server-side", "-f", "-"], { input: systemManifests(a) });

        const controlPlaneAuth = (user: string) => [
            "--kubeconfig",
            kubeconfigOf[user],
            "--authentication-kubeconfig",
            kubeconfigOf[user],
            "--authorization-kubeconfig",
            kubeconfigOf[user],
        ];
        this.start("kube-controller-manager", "kube-controller-manager", [
            ...controlPlaneAuth("controller-manager"),
            "--bind-address",
            "127.0.0.1",
            "--leader-elect=false",
            "--service-account-private-key-file",
            sa.privateKeyFile,
            "--root-ca-file",
            pki.caCertFile,
            "--use-service-account-credentials",
            "--allocate-node-cidrs",
            "--cluster-cidr",
            a.podCidr,
            "--node-cidr-mask-size",
            "24",
            "--service-cluster-ip-range",
            a.serviceCidr,
        ]);
        this.start("kube-scheduler", "kube-scheduler", [
            ...controlPlaneAuth("scheduler"),
            "--bind-address",
            "127.0.0.1",
            "--leader-elect=false",
        ]);

        this.log("starting containerd and the image registry");
        this.start("containerd", "containerd", ["--config", l.containerdConfig]);
        this.start("registry", "docker-registry", ["serve", l.registryConfig]);
        await this.waitFor("containerd to serve", ["containerd"], 30_000, async () => {
            await this.sandbox.exec(["ctr", "--address", l.containerdSocket, "version"], { timeoutMs: 5_000 });
            return true;
        });
        await this.waitFor(
            "the registry to serve",
            ["registry"],
            30_000,
            async () => (await fetch(`http://${a.registryHost}/v2/`)).ok,
        );

        this.log("building the node's images (pause, busybox, node)");
        this.imagesBuilt = await buildNodeImages(this.sandbox, join(l.root, "images"), l.containerdSocket);
        this.saveRecord();

        this.log("starting the kubelet, kube-proxy, CoreDNS and kube-router");
        const kubeletFiles = {
            caFile: pki.caCertFile,
            servingCertFile: kubeletServing.certFile,
            servingKeyFile: kubeletServing.keyFile,
        };
        fs.writeFileSync(l.kubeletConfig, kubeletConfig(a, l, this.sandbox.record.cgroupRoot, kubeletFiles));
        this.start("kubelet", "kubelet", [
            "--config",
            l.kubeletConfig,
            "--kubeconfig",
            kubeconfigOf.kubelet,
            "--hostname-override",
            NODE_NAME,
            "--node-ip",
            a.nodeIp,
            "--root-dir",
            l.kubeletRoot,
            "--cert-dir",
            join(l.kubeletRoot, "pki"),
        ]);
        fs.writeFileSync(l.kubeProxyConfig, kubeProxyConfig(a, kubeconfigOf["kube-proxy"]));
        this.start("kube-proxy", "kube-proxy", ["--config", l.kubeProxyConfig]);
        fs.writeFileSync(l.corefile, corefile(a, kubeconfigOf.coredns));
        this.start("coredns", "coredns", ["-conf", l.corefile]);
        await this.waitFor("the node to be Ready", ["kubelet", "containerd"], 120_000, async () => {
            const node = await this.getJson<{ status?: { conditions?: { type: string; status: string }[] } }>([
                "node",
                NODE_NAME,
            ]);
            return (
                node.status?.conditions?.some(
                    (condition) => condition.type === "Ready" && condition.status === "True",
                ) ?? false
            );
        });
        // Through the cluster DNS Service: CoreDNS answers and kube-proxy routes the Service address to it.
        const resolver = new Resolver({ timeout: 1000, tries: 1 });
        resolver.setServers([a.dnsServiceIp]);
        await this.waitFor("cluster DNS through its Service address", ["coredns", "kube-proxy"], 60_000, async () =>
            (await resolver.resolve4(`kubernetes.default.svc.${CLUSTER_DOMAIN}`)).includes(a.apiServiceIp),
        );
        // After kube-proxy's first sync: both rewrite the filter table, and a sync that loses the race waits 30 s to retry.
        this.start("kube-router", "kube-router", [
            "--kubeconfig",
            kubeconfigOf["kube-router"],
            "--hostname-override",
            NODE_NAME,
            // Only the NetworkPolicy firewall: routes, Services and the CNI are the bridge's and kube-proxy's.
            "--run-firewall=true",
            "--run-router=false",
            "--run-service-proxy=false",
            "--enable-cni=false",
            "--service-cluster-ip-range",
            a.serviceCidr,
            "--health-port",
            "20244",
            "--metrics-port",
            "0",
        ]);
        await this.waitFor(
            "kube-router's firewall",
            ["kube-router"],
            60_000,
            async () => (await fetch(`http://${a.nodeIp}:20244/healthz`)).ok,
        );
        await this.waitFor("the default service account", ["kube-controller-manager"], 60_000, async () => {
            await this.kubectl(["get", "serviceaccount", "default", "--namespace", "default"], { timeoutMs: 5_000 });
            return true;
        });
    }

    /** Starts a daemon inside the node, its output in its own log file. */
    private start(name: string, command: string, args: readonly string[]): void {
        this.launches.set(name, { command, args });
        const binary = resolveBinary(command);
        const logFile = join(this.layout.logs, `${name}.log`);
        const logFd = fs.openSync(logFile, "a");
        try {
            const child = spawn(
                "nsenter",
                [...this.sandbox.enterArgs({ workdir: this.layout.root }), binary, ...args],
                {
                    cwd: this.layout.root,
                    env: this.env,
                    stdio: ["ignore", logFd, logFd],
                    detached: true,
                },
            );
            child.on("error", () => undefined);
            if (child.pid === undefined)
                throw new ComponentError(name, `could not start ${binary} inside the node`, logFile);
            child.unref();
            // nsenter execs the daemon: the PID is the daemon's.
            this.processes.push({ name, pid: child.pid, binary: fs.realpathSync(binary), logFile });
        } finally {
            fs.closeSync(logFd);
        }
        this.saveRecord();
    }

    /** Polls `ready` until it holds; fails naming what did not come up, with the log of any watched daemon that died. */
    private async waitFor(
        what: string,
        watched: readonly string[],
        timeoutMs: number,
        ready: () => Promise<boolean>,
    ): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        let lastError = "";
        for (;;) {
            try {
                if (await ready()) return;
                lastError = "not yet";
            } catch (error) {
                lastError = (error as Error).message;
            }
            for (const name of watched) {
                const daemon = [...this.processes].reverse().find((record) => record.name === name);
                // nsenter has exec'd once /proc/<pid>/exe is the daemon; before that it is nsenter itself.
                if (daemon && !isRunning(daemon) && !isStarting(daemon))
                    throw new ComponentError(name, `exited while waiting for ${what}`, daemon.logFile);
            }
            if (Date.now() > deadline) {
                const logs = watched
                    .map((name) => this.processes.find((record) => record.name === name)?.logFile)
                    .filter(Boolean);
                throw new Error(
                    `timed out after ${timeoutMs / 1000} s waiting for ${what}: ${lastError.slice(0, 500)} (logs: ${logs.join(", ")})`,
                );
            }
            await sleep(250);
        }
    }

    private saveRecord(): void {
        const record: NodeRecord = {
            slot: this.addresses.slot,
            root: this.layout.root,
            sandbox: this.sandbox.record,
            processes: this.processes,
            ...(this.imagesBuilt ? { images: this.imagesBuilt } : {}),
        };
        fs.writeFileSync(this.layout.stateFile, `${JSON.stringify(record, null, 2)}\n`);
    }
}

/** Writes the files every daemon reads before the first starts. */
function prepareFolders(l: NodeLayout, a: NodeAddresses): void {
    for (const dir of [
        l.logs,
        l.kubeconfigs,
        l.cniConfig,
        l.cniState,
        l.podLogs,
        l.containersConfig,
        l.registryData,
        l.etcdData,
        l.containerdRegistries,
    ]) {
        fs.mkdirSync(dir, { recursive: true });
    }
    fs.chmodSync(l.etcdData, 0o700);
    fs.writeFileSync(l.containerdConfig, containerdConfig(l));
    fs.mkdirSync(join(l.containerdRegistries, a.registryHost), { recursive: true });
    fs.writeFileSync(join(l.containerdRegistries, a.registryHost, "hosts.toml"), registryHostsToml(a));
    fs.writeFileSync(join(l.cniConfig, "10-ccaas-pods.conflist"), cniConfig(a, l));
    fs.writeFileSync(l.registryConfig, registryConfig(a, l));
    // No resolver for pods that ask for the node's: the node reaches nothing outside.
    fs.writeFileSync(l.resolvConf, "");
    fs.copyFileSync("/etc/containers/policy.json", join(l.containersConfig, "policy.json"));
    fs.writeFileSync(join(l.containersConfig, "registries.conf"), containersRegistries(a));
    fs.writeFileSync(join(l.containersConfig, "containers.conf"), containersConf(containerLimits()));
}

/**
 * The limits containers may have: this process's hard limits on open files
 * and processes (/proc/self/limits), processes at most 32768 (conmon, which
 * starts podman's containers, lowers its own to that).
 */
function containerLimits(): { nofile: number; nproc: number } {
    const limits = fs.readFileSync("/proc/self/limits", "utf8");
    const hard = (name: string, fallback: number) => {
        const value = new RegExp(`^${name}\\s+\\S+\\s+(\\S+)`, "m").exec(limits)?.[1];
        return value === undefined || value === "unlimited" ? fallback : Number(value);
    };
    return { nofile: hard("Max open files", 1_048_576), nproc: Math.min(hard("Max processes", 32_768), 32_768) };
}

/** A toolchain binary by name, or a command on PATH (Debian's), as an absolute path. */
function resolveBinary(command: string): string {
    const fromToolchain = join(toolchainBinDir(), command);
    if (fs.existsSync(fromToolchain)) return fs.realpathSync(fromToolchain);
    const onPath = findOnPath(command);
    if (onPath === undefined) throw new Error(`${command} is not on PATH nor in ${toolchainBinDir()}`);
    return onPath;
}

function isStarting(record: ProcessRecord): boolean {
    try {
        return fs.readlinkSync(`/proc/${record.pid}/exe`).endsWith("/nsenter");
    } catch {
        return false;
    }
}
