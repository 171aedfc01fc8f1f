/** Shared by the real-network tests that start asset-transfer-basic as a local chaincode server. */
import { existsSync } from "node:fs";
import { join } from "node:path";

export { freePort } from "../../chaincode/asset-transfer-basic/test/server-process";

export const CHAINCODE_SERVER = join(
    __dirname,
    "..",
    "..",
    "..",
    "chaincode",
    "asset-transfer-basic",
    "dist",
    "server.js",
);

/** `npm run test:fabric` builds the server first; run by hand, say how. */
export function assertChaincodeServerBuilt(): void {
    if (!existsSync(CHAINCODE_SERVER)) {
        throw new Error(
            `the chaincode server is not built (${CHAINCODE_SERVER} missing): run "npm run build" (or "npm --prefix chaincode/asset-transfer-basic run build")`,
        );
    }
}

export async function waitFor(
    condition: () => boolean,
    timeoutMs: number,
    describeFailure: () => string,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) throw new Error(describeFailure());
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
}
