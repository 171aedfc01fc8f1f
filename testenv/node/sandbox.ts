/**
 * What confines a real node on the machine: a network namespace and a mount
 * namespace of its own, held open by one process, joined to the host by one
 * veth link; and a cgroup subtree of its own for its pods. Every iptables
 * rule, bridge, pod namespace and mount the node makes stays inside; killing
 * the holder (once nothing else is inside) removes the namespaces, and with
 * them the link and the host's routes over it. Nothing is registered under
 * /run/netns: no name outlives the holder.
 */
import { execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { allPids, pidAlive } from "../network/processes";
import type { NodeAddresses } from "./addresses";

const run = promisify(execFile);

/**
 * Folders the node's programs write by default (runc and pod namespaces in
 * /run, pod log links in /var/log, buildah's caches in /var/lib, containerd's
 * /opt, CNI locks in /etc/cni): inside its mount namespace each is a fresh,
 * empty tmpfs of its own, so the host's never change.
 */
const SHADOWED = ["/run", "/var/log", "/var/lib", "/opt", "/etc/cni"] as const;

export interface SandboxRecord {
    /** The process that holds the namespaces open (`unshare … sleep`). */
    readonly holderPid: number;
    /** The namespaces' identities, e.g. "net:[4026532174]": to tell our holder from a process that reused its PID. */
    readonly netNamespace: string;
    readonly mountNamespace: string;
    /** The cgroup subtree of the node's pods, relative to each hierarchy's root, e.g. "/ccaas-node0". */
    readonly cgroupRoot: string;
}

export class NodeSandbox {
    private constructor(
        readonly record: SandboxRecord,
        readonly addresses: NodeAddresses,
    ) {}

    /**
     * Creates the namespaces, the link and the cgroup subtree; a failure
     * removes what was made. `containersConfig` is mounted on /etc/containers
     * inside, so the image tools read the node's registries and policy.
     */
    static async create(addresses: NodeAddresses, name: string, containersConfig: string): Promise<NodeSandbox> {
        const holder = spawn("unshare", ["--net", "--mount", "--propagation", "private", "--", "sleep", "infinity"], {
            stdio: "ignore",
            detached: true,
        });
        holder.unref();
        const holderPid = holder.pid;
        if (holderPid === undefined)
            throw new Error("could not start unshare (util-linux) to hold the node's namespaces");
        let sandbox: NodeSandbox | undefined;
        try {
            const namespaces = await waitForOwnNamespaces(holderPid);
            sandbox = new NodeSandbox({ holderPid, ...namespaces, cgroupRoot: `/ccaas-${name}` }, addresses);
            await sandbox.setUp(containersConfig);
            return sandbox;
        } catch (error) {
            if (sandbox) await sandbox.destroy().catch(() => undefined);
            else killHolder(holderPid);
            throw error;
        }
    }

    /** The sandbox another process made (to run commands in it or destroy it). */
    static attach(record: SandboxRecord, addresses: NodeAddresses): NodeSandbox {
        return new NodeSandbox(record, addresses);
    }

    /** True while the holder runs and still holds the namespaces recorded. */
    alive(): boolean {
        return (
            pidAlive(this.record.holderPid) && namespaceOf(this.record.holderPid, "net") === this.record.netNamespace
        );
    }

    /** The nsenter arguments that run a command in the node's network and mount namespaces. */
    enterArgs(options: { network?: boolean; workdir?: string } = {}): string[] {
        return [
            "--target",
            String(this.record.holderPid),
            "--mount",
            ...(options.network === false ? [] : ["--net"]),
            ...(options.workdir ? [`--wd=${options.workdir}`] : []),
            "--",
        ];
    }

    /** Runs a command inside; rejects with its stderr. `network: false` keeps the host's network (a build that fetches packages). */
    async exec(
        args: readonly string[],
        options: { network?: boolean; env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string } = {},
    ): Promise<string> {
        const child = run("nsenter", [...this.enterArgs(options), ...args], {
            env: options.env ?? process.env,
            timeout: options.timeoutMs ?? 60_000,
            maxBuffer: 64 * 1024 * 1024,
        });
        if (options.input !== undefined) child.child.stdin?.end(options.input);
        try {
            return (await child).stdout;
        } catch (error) {
            const failure = error as Error & { stderr?: string };
            throw new Error(
                `${args.join(" ")} (in the node's namespaces) failed: ${failure.stderr?.trim() || failure.message}`,
            );
        }
    }

    /**
     * Every process inside: in the node's network or mount namespace (its
     * daemons, the shims), its cgroup subtree (the containers), or a pod's
     * network namespace (a process placed there from the host, such as a
     * Fabric peer).
     */
    processesInside(): number[] {
        const pids = allPids().filter((pid) => pid !== this.record.holderPid);
        const inCgroups = new Set(pids.filter((pid) => this.inCgroupSubtree(pid)));
        const podNetworks = new Set(
            [...inCgroups].map((pid) => namespaceOf(pid, "net")).filter((ns) => ns !== undefined),
        );
        return pids.filter((pid) => {
            if (inCgroups.has(pid) || namespaceOf(pid, "mnt") === this.record.mountNamespace) return true;
            const net = namespaceOf(pid, "net");
            return net === this.record.netNamespace || (net !== undefined && podNetworks.has(net));
        });
    }

    /** A process of the pod with this UID (any: they share its network namespace); undefined while it has none. */
    podProcess(podUid: string): number | undefined {
        const podCgroup = new RegExp(`^${this.record.cgroupRoot}/.*/pod${podUid}/`);
        return allPids().find((pid) => cgroupsOf(pid).some((path) => podCgroup.test(path)));
    }

    /**
     * Kills everything inside (SIGKILL: the daemons were asked to stop
     * before), removes the cgroup subtree, then the holder, which takes the
     * namespaces, the link and its routes with it. Idempotent.
     */
    async destroy(timeoutMs = 30_000): Promise<void> {
        const deadline = Date.now() + timeoutMs;
        let inside = this.processesInside();
        while (inside.length > 0) {
            for (const pid of inside) signal(pid, "SIGKILL");
            if (Date.now() > deadline)
                throw new Error(`processes ${inside.join(", ")} inside the node survive SIGKILL`);
            await sleep(50);
            inside = this.processesInside();
        }
        await removeCgroupSubtree(this.record.cgroupRoot, deadline);
        if (this.alive()) killHolder(this.record.holderPid);
        while (
            pidAlive(this.record.holderPid) &&
            namespaceOf(this.record.holderPid, "net") === this.record.netNamespace
        ) {
            if (Date.now() > deadline)
                throw new Error(`the node's namespace holder (pid ${this.record.holderPid}) survives SIGKILL`);
            await sleep(20);
        }
        // The link goes with the namespace; wait until the kernel has removed the host's end.
        while (fs.existsSync(`/sys/class/net/${this.addresses.hostLink}`)) {
            if (Date.now() > deadline)
                throw new Error(`the host link ${this.addresses.hostLink} outlives the node's namespace`);
            await sleep(20);
        }
    }

    private inCgroupSubtree(pid: number): boolean {
        return cgroupsOf(pid).some(
            (path) => path === this.record.cgroupRoot || path.startsWith(`${this.record.cgroupRoot}/`),
        );
    }

    private async setUp(containersConfig: string): Promise<void> {
        const a = this.addresses;
        // The mount namespace starts as a private copy of the host's: shadow what a node writes by default.
        for (const dir of SHADOWED) await this.exec(["mount", "-t", "tmpfs", "-o", "mode=0755", "tmpfs", dir]);
        await this.exec(["mount", "--bind", containersConfig, "/etc/containers"]);
        await run("ip", [
            "link",
            "add",
            a.hostLink,
            "type",
            "veth",
            "peer",
            "name",
            "eth0",
            "netns",
            String(this.record.holderPid),
        ]);
        await run("ip", ["address", "add", `${a.hostIp}/${a.linkPrefix}`, "dev", a.hostLink]);
        await run("ip", ["link", "set", a.hostLink, "up"]);
        for (const command of [
            ["ip", "link", "set", "lo", "up"],
            ["ip", "address", "add", `${a.nodeIp}/${a.linkPrefix}`, "dev", "eth0"],
            ["ip", "link", "set", "eth0", "up"],
            // A route back to the host only: the node has no way out of the machine.
            ["sysctl", "-q", "-w", "net.ipv4.ip_forward=1"],
            // Bridged pod-to-pod traffic through iptables, or NetworkPolicy and Service NAT miss it.
            ["sysctl", "-q", "-w", "net.bridge.bridge-nf-call-iptables=1"],
        ]) {
            await this.exec(command);
        }
        // The host reaches pods and Services through the node, as a client in the cluster's VNet would.
        await run("ip", ["route", "add", a.podCidr, "via", a.nodeIp, "dev", a.hostLink]);
        await run("ip", ["route", "add", a.serviceCidr, "via", a.nodeIp, "dev", a.hostLink]);
        createCgroupSubtree(this.record.cgroupRoot);
    }
}

/** Waits until the holder has left the host's namespaces, and returns the ones it made. */
async function waitForOwnNamespaces(pid: number): Promise<{ netNamespace: string; mountNamespace: string }> {
    const hostNet = namespaceOf(process.pid, "net");
    const hostMnt = namespaceOf(process.pid, "mnt");
    const deadline = Date.now() + 10_000;
    for (;;) {
        const net = namespaceOf(pid, "net");
        const mnt = namespaceOf(pid, "mnt");
        // unshare has execed sleep once both differ: from then on, the namespaces are the ones it made.
        if (net && mnt && net !== hostNet && mnt !== hostMnt && readComm(pid) === "sleep") {
            return { netNamespace: net, mountNamespace: mnt };
        }
        if (!pidAlive(pid))
            throw new Error("unshare --net --mount exited: creating namespaces needs root (CAP_SYS_ADMIN)");
        if (Date.now() > deadline) throw new Error(`unshare (pid ${pid}) did not enter new namespaces within 10 s`);
        await sleep(10);
    }
}

function namespaceOf(pid: number, kind: "net" | "mnt"): string | undefined {
    try {
        return fs.readlinkSync(`/proc/${pid}/ns/${kind}`);
    } catch {
        return undefined;
    }
}

function readComm(pid: number): string | undefined {
    try {
        return fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim();
    } catch {
        return undefined;
    }
}

/** The process's cgroup paths, one per hierarchy. */
function cgroupsOf(pid: number): string[] {
    try {
        return fs
            .readFileSync(`/proc/${pid}/cgroup`, "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => line.slice(line.indexOf(":", line.indexOf(":") + 1) + 1));
    } catch {
        return [];
    }
}

function signal(pid: number, name: NodeJS.Signals): void {
    try {
        process.kill(pid, name);
    } catch {
        // already gone
    }
}

function killHolder(pid: number): void {
    signal(pid, "SIGKILL");
}

const CGROUP_MOUNT = "/sys/fs/cgroup";

/** The mounted cgroup hierarchies: each v1 controller's folder, or the one v2 tree. */
export function cgroupHierarchies(): string[] {
    const mounts = fs.readFileSync("/proc/self/mountinfo", "utf8").split("\n");
    const hierarchies: string[] = [];
    for (const line of mounts) {
        const [before, after] = line.split(" - ");
        if (!after) continue;
        const type = after.split(" ")[0];
        const mountPoint = before.split(" ")[4];
        if (
            (type === "cgroup" || type === "cgroup2") &&
            (mountPoint === CGROUP_MOUNT || mountPoint.startsWith(`${CGROUP_MOUNT}/`))
        ) {
            hierarchies.push(mountPoint);
        }
    }
    return hierarchies;
}

function createCgroupSubtree(root: string): void {
    for (const hierarchy of cgroupHierarchies()) {
        const dir = join(hierarchy, root);
        fs.mkdirSync(dir, { recursive: true });
        // A v1 cpuset cgroup admits no task until it has CPUs and memory nodes: give it its parent's.
        for (const file of ["cpuset.cpus", "cpuset.mems"]) {
            const parent = join(hierarchy, file);
            if (fs.existsSync(parent) && fs.existsSync(join(dir, file)))
                fs.writeFileSync(join(dir, file), fs.readFileSync(parent));
        }
    }
}

/** Removes the subtree in every hierarchy, deepest first; a cgroup is removable once its last process is reaped. */
async function removeCgroupSubtree(root: string, deadline: number): Promise<void> {
    for (const hierarchy of cgroupHierarchies()) {
        const top = join(hierarchy, root);
        if (!fs.existsSync(top)) continue;
        const dirs: string[] = [];
        const walk = (dir: string) => {
            dirs.push(dir);
            for (const entry of fs.readdirSync(dir, { withFileTypes: true }))
                if (entry.isDirectory()) walk(join(dir, entry.name));
        };
        walk(top);
        for (const dir of dirs.reverse()) {
            for (;;) {
                try {
                    fs.rmdirSync(dir);
                    break;
                } catch (error) {
                    const code = (error as NodeJS.ErrnoException).code;
                    if (code === "ENOENT") break;
                    if (code !== "EBUSY" || Date.now() > deadline)
                        throw new Error(`cannot remove the node's cgroup ${dir}: ${(error as Error).message}`);
                    await sleep(50);
                }
            }
        }
    }
}
