/**
 * The environment `testenv/toolchain/env.sh` sets, for Node callers: the
 * toolchain's bin first on PATH, no Pulumi downloads or update checks.
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** ${CCAAS_CACHE:-~/.cache/fabric-ccaas}/toolchain/bin, where build.sh links every binary. */
export function toolchainBinDir(env: NodeJS.ProcessEnv = process.env): string {
    return join(env.CCAAS_CACHE || join(homedir(), ".cache", "fabric-ccaas"), "toolchain", "bin");
}

/** A copy of `base` with what env.sh exports. */
export function toolchainEnv(base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
    const bin = toolchainBinDir(base);
    return {
        ...base,
        PATH: `${bin}:${base.PATH ?? ""}`,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    };
}

/** The toolchain binaries among `names` that are not in the bin folder. */
export function missingToolchainBinaries(names: readonly string[], env: NodeJS.ProcessEnv = process.env): string[] {
    const bin = toolchainBinDir(env);
    return names.filter((name) => !existsSync(join(bin, name)));
}
