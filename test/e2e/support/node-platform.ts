/**
 * Whether a suite can run on the real node platform (testenv/node/fabric-platform):
 * on a machine that cannot run a node it is skipped, naming what is
 * missing, unless CCAAS_REQUIRE_NODE=1 (CI), where it fails instead.
 */
import { missingToolchainBinaries } from "../../../testenv/kube";
import { describeMissing, missingNodePrerequisites } from "../../../testenv/node";
import { PLATFORM_ENGINE_BINARIES } from "../../../testenv/node/fabric-platform";

export { CHAINCODE_CONTEXT, type NodePlatform, type PushedImage } from "../../../testenv/node/fabric-platform";
import { type NodePlatform, startNodePlatform as startPlatform } from "../../../testenv/node/fabric-platform";
import { holdHost } from "../../../testenv/node/host-lock";

/** The `skip` of a suite that needs a real node and these toolchain binaries: false, or why not. */
export function nodeSuiteSkip(binaries: readonly string[] = PLATFORM_ENGINE_BINARIES): string | false {
    const missing = missingNodePrerequisites();
    if (missing.length > 0 && process.env.CCAAS_REQUIRE_NODE === "1") {
        throw new Error(`real node required (CCAAS_REQUIRE_NODE=1), but: ${describeMissing(missing)}`);
    }
    if (missing.length > 0) return `no real node on this machine: ${describeMissing(missing)}`;
    const missingBinaries = missingToolchainBinaries(binaries);
    return missingBinaries.length > 0 ? `the toolchain lacks ${missingBinaries.join(", ")}: npm run toolchain` : false;
}

/** The platform in temp folders, its progress through `log`; the host shared with the node suites that run beside it. */
export async function startNodePlatform(log: (line: string) => void): Promise<NodePlatform> {
    const release = await holdHost("shared", log);
    try {
        const platform = await startPlatform({ log });
        return {
            ...platform,
            async stop() {
                try {
                    await platform.stop();
                } finally {
                    release();
                }
            },
        };
    } catch (error) {
        release();
        throw error;
    }
}
