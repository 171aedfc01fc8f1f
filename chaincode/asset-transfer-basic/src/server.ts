import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startChaincodeServer } from "./chaincode-server";
import { readServerConfig, ServerConfigError } from "./server-config";

/** How long calls in flight may take to finish after SIGTERM/SIGINT before connections are cut. */
const SHUTDOWN_GRACE_MS = 2000;

/** Entry point of the image: `node dist/server.js`, configured only through the environment (see server-env.ts). */
async function main(): Promise<void> {
    const config = readServerConfig(process.env);
    // Loaded only once the settings are good: the contract library logs while decorating.
    const { createContractChaincode } = await import("./contract-chaincode");
    const { name, version } = JSON.parse(readFileSync(join(__dirname, "..", "package.json"), "utf8")) as { name: string; version: string };
    const server = await startChaincodeServer(config, createContractChaincode(name, version));

    const tls = config.tls === undefined ? "TLS off" : `TLS on, client auth ${config.tls.clientCaCerts === undefined ? "off" : "on"}`;
    console.log(`${name} chaincode server listening on ${config.address} (chaincode ID ${config.chaincodeId}; ${tls})`);

    let stopping = false;
    const stop = (signal: NodeJS.Signals): void => {
        if (stopping) return;
        stopping = true;
        console.log(`${signal} received: closing the chaincode server`);
        server.close(SHUTDOWN_GRACE_MS).then(
            () => process.exit(0),
            (error: unknown) => {
                console.error(`chaincode server did not close cleanly: ${(error as Error).message}`);
                process.exit(1);
            },
        );
    };
    process.on("SIGTERM", stop);
    process.on("SIGINT", stop);
}

main().catch((error: unknown) => {
    const message = error instanceof ServerConfigError ? `refusing to start: ${error.message}` : `failed to start: ${(error as Error).message}`;
    console.error(`asset-transfer-basic chaincode server ${message}`);
    process.exit(1);
});
