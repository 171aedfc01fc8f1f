import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { InvalidSettingError } from "../../components/validation/errors";

/** Where one Fabric release's binaries, ccaas builder and sample config live in the cache. */
export interface FabricInstall {
    version: string;
    binDir: string;
    /** The external builder folder (holds bin/detect, bin/build, bin/release). */
    ccaasDir: string;
    /** Fabric's sampleconfig (core.yaml, orderer.yaml). */
    sampleConfigDir: string;
}

export const defaultFabricVersion = "2.5.16";

/** The Fabric release the tests run: $FABRIC_VERSION, else the default. */
export function testedFabricVersion(): string {
    return process.env.FABRIC_VERSION ?? defaultFabricVersion;
}

/** The major release of a version such as "3.1.5" (3): what decides BFT, the V3_0 capability, Ed25519. */
export function fabricMajor(version: string = testedFabricVersion()): number {
    return Number(version.split(".")[0]);
}

const requiredFiles: readonly { dir: keyof Omit<FabricInstall, "version">; file: string; sub?: string }[] = [
    { dir: "binDir", file: "peer" },
    { dir: "binDir", file: "orderer" },
    { dir: "binDir", file: "configtxgen" },
    { dir: "binDir", file: "osnadmin" },
    { dir: "binDir", file: "cryptogen" },
    { dir: "ccaasDir", file: "detect", sub: "bin" },
    { dir: "ccaasDir", file: "build", sub: "bin" },
    { dir: "ccaasDir", file: "release", sub: "bin" },
    { dir: "sampleConfigDir", file: "core.yaml" },
    { dir: "sampleConfigDir", file: "orderer.yaml" },
];

/** The cache root: the option, else $CCAAS_CACHE, else ~/.cache/fabric-ccaas. */
export function cacheRoot(cacheDir?: string): string {
    return path.resolve(cacheDir ?? process.env.CCAAS_CACHE ?? path.join(os.homedir(), ".cache", "fabric-ccaas"));
}

/**
 * Finds the binaries of a Fabric release in the cache and checks that every one
 * the network needs is there, before anything is started.
 */
export function locateFabric(versionOption: string | undefined, cacheDir: string | undefined): FabricInstall {
    const version = versionOption ?? testedFabricVersion();
    if (!/^\d+\.\d+\.\d+$/.test(version)) {
        throw new InvalidSettingError(
            "Fabric version (opts.version or FABRIC_VERSION)",
            version,
            'a release such as "2.5.16" or "3.1.5"',
        );
    }
    const cache = cacheRoot(cacheDir);
    const root = path.join(cache, "fabric", version);
    const install: FabricInstall = {
        version,
        binDir: path.join(root, "bin"),
        ccaasDir: path.join(root, "ccaas"),
        sampleConfigDir: path.join(root, "config"),
    };
    const cacheSetting = cache === cacheRoot(undefined) ? "" : `CCAAS_CACHE=${cache} `;
    for (const { dir, file, sub } of requiredFiles) {
        const full = path.join(install[dir], sub ?? "", file);
        const executable = dir !== "sampleConfigDir";
        try {
            fs.accessSync(full, executable ? fs.constants.X_OK : fs.constants.R_OK);
        } catch {
            throw new Error(
                `Fabric ${version} ${executable ? "binary" : "config file"} "${file}" is missing: ${full} ` +
                    `is not ${executable ? "an executable" : "a readable file"}. ` +
                    `Build it with \`${cacheSetting}FABRIC_VERSION=${version} npm run fabric:build\`.`,
            );
        }
    }
    return install;
}
