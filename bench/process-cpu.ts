/**
 * CPU seconds per kind of process while a command runs, read from /proc
 * (Linux): where an `up` spends the machine, next to its wall time. On a
 * small machine the engine, the program, Fabric and the test platform share
 * the cores, so this says whose work the wall time waits for.
 */
import { readdirSync, readFileSync } from "node:fs";

const CLOCK_TICKS_PER_SECOND = 100;
const SAMPLE_MS = 200;

/** Kinds by command line, first match wins. */
const KINDS: ReadonlyArray<readonly [string, RegExp]> = [
    ["kubernetesProvider", /pulumi-resource-kubernetes/],
    ["tlsProvider", /pulumi-resource-tls/],
    ["dynamicProviders", /pulumi-resource-pulumi-nodejs|dynamic-provider/],
    ["program", /@pulumi\/pulumi\/cmd\/run\b/],
    ["languageHost", /pulumi-language-nodejs/],
    ["engine", /(^|\/)pulumi( |$)/],
    ["fabricPeers", /(^|\/)peer node start/],
    ["fabricOrderer", /(^|\/)orderer( |$)/],
    [
        "kubernetesPlatform",
        /kube-apiserver|kube-controller-manager|kube-scheduler|(^|\/)etcd |kubelet|kube-proxy|containerd|coredns|kube-router/,
    ],
    ["chaincodeServers", /asset-transfer|chaincode/],
];

interface Seen {
    readonly kind: string;
    readonly first: number;
    last: number;
}

function cpuSecondsOf(pid: string): number | undefined {
    try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // Fields after the command name, which may hold spaces: utime and stime are the 12th and 13th.
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
    } catch {
        return undefined;
    }
}

function kindOf(pid: string): string | undefined {
    try {
        const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ");
        return KINDS.find(([, pattern]) => pattern.test(command))?.[0] ?? "other";
    } catch {
        return undefined;
    }
}

export class ProcessCpuSampler {
    private readonly seen = new Map<string, Seen>();
    private timer: NodeJS.Timeout | undefined;
    private readonly startedAt = Date.now();
    private readonly busyAtStart = machineBusySeconds();

    /** Starts sampling; processes running now count from now, later ones from their start. */
    static start(): ProcessCpuSampler {
        const sampler = new ProcessCpuSampler();
        sampler.sample(true);
        sampler.timer = setInterval(() => sampler.sample(false), SAMPLE_MS);
        return sampler;
    }

    /** CPU seconds per kind (rounded to 0.1), the machine's busy CPU seconds and the wall seconds since start. */
    stop(): { byKind: Record<string, number>; busySeconds: number; wallSeconds: number } {
        clearInterval(this.timer);
        this.sample(false);
        const byKind: Record<string, number> = {};
        for (const { kind, first, last } of this.seen.values()) byKind[kind] = (byKind[kind] ?? 0) + last - first;
        const rounded = Object.fromEntries(
            Object.entries(byKind)
                .sort(([, a], [, b]) => b - a)
                .map(([kind, seconds]) => [kind, Number(seconds.toFixed(1))]),
        );
        return {
            byKind: rounded,
            busySeconds: Number((machineBusySeconds() - this.busyAtStart).toFixed(1)),
            wallSeconds: Number(((Date.now() - this.startedAt) / 1000).toFixed(1)),
        };
    }

    private sample(atStart: boolean): void {
        for (const pid of readdirSync("/proc")) {
            if (!/^\d+$/.test(pid) || pid === String(process.pid)) continue;
            const seconds = cpuSecondsOf(pid);
            if (seconds === undefined) continue;
            const known = this.seen.get(pid);
            if (known) {
                known.last = seconds;
                continue;
            }
            const kind = kindOf(pid);
            // A process that started after the sampler did counts all its CPU time (up to 0.2 s of a short one is missed).
            if (kind) this.seen.set(pid, { kind, first: atStart ? seconds : 0, last: seconds });
        }
    }
}

/** CPU seconds all cores spent not idle since boot. */
function machineBusySeconds(): number {
    const [, ...ticks] = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/);
    const values = ticks.map(Number);
    const idle = values[3] + values[4];
    return (values.reduce((sum, value) => sum + value, 0) - idle) / CLOCK_TICKS_PER_SECOND;
}
