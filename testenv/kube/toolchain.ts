/**
 * The environment `testenv/toolchain/env.sh` sets, for Node callers: the
 * toolchain's bin first on PATH, no Pulumi downloads or update checks, and
 * kwokctl's binary runtime pointed at the local binaries.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

const COMPONENTS_SH = join(__dirname, "..", "..", "..", "testenv", "toolchain", "components.sh");

/** ${CCAAS_CACHE:-~/.cache/fabric-ccaas}/toolchain/bin, where build.sh links every binary. */
export function toolchainBinDir(env: NodeJS.ProcessEnv = process.env): string {
    return join(env.CCAAS_CACHE || join(homedir(), ".cache", "fabric-ccaas"), "toolchain", "bin");
}

/** A copy of `base` with what env.sh exports. */
export function toolchainEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const bin = toolchainBinDir(base);
    const env: NodeJS.ProcessEnv = {
        ...base,
        PATH: `${bin}:${base.PATH ?? ""}`,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        KWOK_RUNTIME: "binary",
        KWOK_KUBE_VERSION: `v${kubernetesVersion()}`,
        KWOK_KUBE_BINARY_PREFIX: bin,
        KWOK_KUBECTL_BINARY: join(bin, "kubectl"),
        KWOK_CONTROLLER_BINARY: join(bin, "kwok"),
        KWOK_ETCD_BINARY: join(bin, "etcd"),
    };
    const etcd = join(bin, "etcd");
    if (existsSync(etcd)) {
        // kwokctl picks etcd flags by version: tell it the one built here.
        const version = /^etcd Version: (\S+)/m.exec(execFileSync(etcd, ["--version"], { encoding: "utf8" }))?.[1];
        if (version) env.KWOK_ETCD_VERSION = version;
    }
    return env;
}

/** What `pulumi up` of this program on the local platform needs from the toolchain: the CLI, the Node language host, every provider it registers, kwok's control plane. */
export const LOCAL_PLATFORM_BINARIES = [
    "pulumi", "pulumi-language-nodejs", "pulumi-resource-kubernetes", "pulumi-resource-tls",
    "kwokctl", "kwok", "kube-apiserver", "kube-controller-manager", "kube-scheduler", "kubectl", "etcd",
] as const;

/** The toolchain binaries among `names` that are not in the bin folder. */
export function missingToolchainBinaries(names: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
    const bin = toolchainBinDir(env);
    return names.filter((name) => !existsSync(join(bin, name)));
}

function kubernetesVersion(): string {
    const version = /^kubernetes_version=(\S+)$/m.exec(readFileSync(COMPONENTS_SH, "utf8"))?.[1];
    if (!version) throw new Error(`no kubernetes_version= line in ${COMPONENTS_SH}`);
    return version;
}
