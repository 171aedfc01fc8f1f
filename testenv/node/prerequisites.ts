/**
 * What a real node needs of the machine, and for each missing part what
 * would bring it. The tests and .ci/run ask this before starting one, so a
 * machine that cannot run a node says exactly why.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { toolchainBinDir } from "../kube/toolchain";
import { CNI_PLUGINS_DIR } from "./config-files";
import { BUSYBOX_BINARY } from "./images";
import { cgroupHierarchies } from "./sandbox";

/** Debian packages a node runs on; .ci/run installs them (testenv/node/install-packages.sh). */
export const NODE_DEBIAN_PACKAGES: Readonly<Record<string, readonly string[]>> = {
    containerd: ["containerd", "containerd-shim-runc-v2", "ctr"],
    runc: ["runc"],
    iptables: ["iptables", "iptables-save"],
    ipset: ["ipset"],
    conntrack: ["conntrack"],
    buildah: ["buildah"],
    podman: ["podman"],
    skopeo: ["skopeo"],
    "docker-registry": ["docker-registry"],
    openssl: ["openssl"],
    iproute2: ["ip"],
    "util-linux": ["unshare", "nsenter"],
};

/** Toolchain binaries (npm run toolchain) the node starts. */
export const NODE_TOOLCHAIN_BINARIES = [
    "etcd",
    "kube-apiserver",
    "kube-controller-manager",
    "kube-scheduler",
    "kubelet",
    "kube-proxy",
    "kubectl",
    "coredns",
    "kube-router",
] as const;

const CNI_PLUGINS = ["bridge", "host-local", "loopback"];

export interface MissingPart {
    readonly what: string;
    readonly unblock: string;
}

/** Everything missing for a real node on this machine; empty when one can start. */
export function missingNodePrerequisites(env: NodeJS.ProcessEnv = process.env): MissingPart[] {
    const missing: MissingPart[] = [];
    if (process.getuid?.() !== 0) {
        missing.push({ what: "root", unblock: "run as root: a node creates namespaces, a veth link and cgroups" });
    }
    if (!fs.existsSync("/sys/fs/cgroup") || cgroupHierarchies().length === 0) {
        missing.push({
            what: "cgroups",
            unblock: "mount the cgroup hierarchies under /sys/fs/cgroup (v1 controllers or v2)",
        });
    }
    if (!fs.existsSync("/proc/sys/net/bridge/bridge-nf-call-iptables")) {
        missing.push({
            what: "br_netfilter",
            unblock:
                "load the kernel's br_netfilter module (modprobe br_netfilter): NetworkPolicy and Services need bridged traffic in iptables",
        });
    }
    for (const [pkg, commands] of Object.entries(NODE_DEBIAN_PACKAGES)) {
        const absent = commands.filter((command) => !onPath(command, env));
        if (absent.length > 0)
            missing.push({ what: `${absent.join(", ")} (Debian's ${pkg})`, unblock: `apt-get install ${pkg}` });
    }
    const absentPlugins = CNI_PLUGINS.filter((plugin) => !fs.existsSync(join(CNI_PLUGINS_DIR, plugin)));
    if (absentPlugins.length > 0) {
        missing.push({
            what: `CNI plugins ${absentPlugins.join(", ")} in ${CNI_PLUGINS_DIR}`,
            unblock: "apt-get install containernetworking-plugins",
        });
    }
    if (!fs.existsSync(BUSYBOX_BINARY))
        missing.push({
            what: `${BUSYBOX_BINARY} (Debian's busybox-static)`,
            unblock: "apt-get install busybox-static",
        });
    if (!fs.existsSync("/etc/containers/policy.json")) {
        missing.push({
            what: "/etc/containers/policy.json",
            unblock: "apt-get install golang-github-containers-common (comes with buildah)",
        });
    }
    const bin = toolchainBinDir(env);
    const absentTools = NODE_TOOLCHAIN_BINARIES.filter((name) => !fs.existsSync(join(bin, name)));
    if (absentTools.length > 0) {
        missing.push({
            what: `${absentTools.join(", ")} in ${bin}`,
            unblock: "npm run toolchain (builds them from the Go module proxy)",
        });
    }
    return missing;
}

/** One line per missing part, for a skip reason or an error. */
export function describeMissing(missing: readonly MissingPart[]): string {
    return missing.map((part) => `${part.what}: ${part.unblock}`).join("; ");
}

function onPath(command: string, env: NodeJS.ProcessEnv): boolean {
    return findOnPath(command, env) !== undefined;
}

/** A command's absolute path on PATH, or in /usr/sbin and /sbin (root's tools, which a user's PATH may lack). */
export function findOnPath(command: string, env: NodeJS.ProcessEnv = process.env): string | undefined {
    for (const dir of [...(env.PATH ?? "").split(":"), "/usr/sbin", "/sbin"]) {
        const candidate = join(dir, command);
        if (dir && isExecutableFile(candidate)) return candidate;
    }
    return undefined;
}

function isExecutableFile(path: string): boolean {
    try {
        fs.accessSync(path, fs.constants.X_OK);
        return fs.statSync(path).isFile();
    } catch {
        return false;
    }
}
