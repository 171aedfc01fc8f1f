#!/usr/bin/env node
/**
 * The test network for people: `node dist/testenv/network/cli.js up|down|status`
 * (or `npm run fabric -- up|down|status`). `up` leaves the network running
 * after it exits and records it in state.json under $FABRIC_NETWORK_HOME
 * (default $CCAAS_CACHE/network, i.e. ~/.cache/fabric-ccaas/network).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { ordererChannelInfo } from "./channel";
import { describeNetwork, wholeNetworkOnly } from "./describe";
import { launchNetwork } from "./network";
import { channelHeight } from "./peer-cli";
import { isRunning } from "./processes";
import { networkHome, type NetworkState, readState, stateFilePath, teardown, writeState } from "./state";
import type { FabricNetwork } from "./types";

const usage = `usage: cli.js up [--client-auth] [--channel <name>] [--base-port <port>] [--version <fabric version>] [--consensus etcdraft|BFT]
       cli.js down
       cli.js status`;

function print(line = ""): void {
    process.stdout.write(`${line}\n`);
}

function describeRecorded(state: NetworkState): FabricNetwork {
    return describeNetwork(
        state.plan,
        state.install,
        state.processes,
        wholeNetworkOnly(async () => undefined),
    );
}

function printSummary(network: FabricNetwork, stateFile: string): void {
    const { orderer } = network;
    print(
        `channel ${network.channel}, ${network.consensus} ordering, client auth ${network.clientAuthRequired ? "required" : "off"}; TLS on every endpoint`,
    );
    print();
    print(`${orderer.mspId}: TLS CA ${orderer.tlsCaFile}`);
    print(`  admin TLS client cert ${orderer.adminClientTls.certFile}  key ${orderer.adminClientTls.keyFile}`);
    for (const node of network.orderers) {
        print(`  ${node.name}  grpc ${node.endpoint}  admin https://${node.adminEndpoint}  ops ${node.operationsUrl}`);
        print(`    log ${node.logFile}`);
    }
    for (const org of network.orgs) {
        print();
        print(`${org.mspId} (${org.domain})`);
        print(`  admin MSP ${org.admin.mspDir}`);
        print(`  user MSP  ${org.user.mspDir}`);
        print(`  TLS CA ${org.tlsCaFile}`);
        print(`  client TLS cert ${org.clientTls.certFile}  key ${org.clientTls.keyFile}`);
        for (const peer of org.peers) {
            print(
                `  ${peer.name}  grpc ${peer.endpoint}  chaincode ${peer.chaincodeEndpoint}  ops ${peer.operationsUrl}`,
            );
            print(`    log ${peer.logFile}`);
        }
    }
    print();
    print(`peer CLI: ${path.join(network.binDir, "peer")} with FABRIC_CFG_PATH=${network.configDir}`);
    print(`state ${stateFile}; stop with \`npm run fabric -- down\``);
}

/** Data dirs of earlier failed `up`s (kept for their logs, which the error named). */
function removeFailedStarts(): void {
    fs.mkdirSync(networkHome(), { recursive: true });
    for (const entry of fs.readdirSync(networkHome())) {
        if (entry.startsWith("data-")) fs.rmSync(path.join(networkHome(), entry), { recursive: true, force: true });
    }
}

async function up(args: string[]): Promise<void> {
    const { values } = parseArgs({
        args,
        options: {
            "client-auth": { type: "boolean", default: false },
            channel: { type: "string" },
            "base-port": { type: "string" },
            version: { type: "string" },
            consensus: { type: "string" },
        },
    });
    const stateFile = stateFilePath();
    const previous = readState(stateFile);
    if (previous) {
        const running = previous.processes.filter(isRunning);
        if (running.length > 0) {
            throw new Error(
                `a network is already up (${running.map((record) => `${record.name} pid ${record.pid}`).join(", ")}); run \`npm run fabric -- down\` first`,
            );
        }
        await teardown(previous, stateFile); // left over from a reboot or a kill: only its data remains
    }
    removeFailedStarts();
    const dataDir = fs.mkdtempSync(path.join(networkHome(), "data-"));
    const started = Date.now();
    const launched = await launchNetwork({
        detached: true,
        dataDir,
        clientAuthRequired: values["client-auth"],
        channel: values.channel,
        basePort: values["base-port"] === undefined ? undefined : Number(values["base-port"]),
        version: values.version,
        consensus: values.consensus as FabricNetwork["consensus"] | undefined,
        log: (line) => process.stderr.write(`${line}\n`),
    });
    writeState(stateFile, launched);
    print(`Fabric ${launched.network.version} network up in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    printSummary(launched.network, stateFile);
}

async function down(): Promise<void> {
    const stateFile = stateFilePath();
    const state = readState(stateFile);
    if (!state) {
        print(`no network is up (no ${stateFile})`);
        return;
    }
    const running = state.processes.filter(isRunning);
    await teardown(state, stateFile);
    print(
        `stopped ${running.map((record) => `${record.name} (pid ${record.pid})`).join(", ") || "nothing (no recorded process was running)"}`,
    );
    print(`removed ${state.plan.dataDir}`);
}

async function health(operationsUrl: string): Promise<string> {
    try {
        const response = await fetch(`${operationsUrl}/healthz`, { signal: AbortSignal.timeout(2000) });
        return response.status === 200
            ? "healthy"
            : `unhealthy (HTTP ${response.status} ${(await response.text()).trim()})`;
    } catch (error) {
        return `unreachable (${(error as Error).message})`;
    }
}

async function status(): Promise<boolean> {
    const stateFile = stateFilePath();
    const state = readState(stateFile);
    if (!state) {
        print(`no network is up (no ${stateFile})`);
        return true;
    }
    const network = describeRecorded(state);
    print(
        `Fabric ${network.version} network started ${state.startedAt}, channel ${network.channel}, data ${network.dataDir}`,
    );
    let allWell = true;
    const report = async (name: string, operationsUrl: string, channelInfo: () => Promise<string>) => {
        const record = state.processes.find((candidate) => candidate.name === name);
        const running = record !== undefined && isRunning(record);
        const healthText = running ? await health(operationsUrl) : "not running";
        const channelText = running
            ? await channelInfo().catch((error: Error) => `channel unknown: ${error.message.split("\n")[0]}`)
            : "";
        allWell &&= healthText === "healthy" && !channelText.startsWith("channel unknown");
        return `${name}  pid ${record?.pid ?? "?"}  ${healthText}  ${channelText}`.trimEnd();
    };
    const lines = await Promise.all([
        ...network.orderers.map((orderer) =>
            report(orderer.name, orderer.operationsUrl, async () => {
                const info = await ordererChannelInfo(orderer, network.channel);
                return `channel ${info.name}: ${info.consensusRelation}, ${info.status}, height ${info.height}`;
            }),
        ),
        ...network.peers.map((peer) =>
            report(
                peer.name,
                peer.operationsUrl,
                async () => `channel ${network.channel}: height ${await channelHeight(network, peer, network.channel)}`,
            ),
        ),
    ]);
    for (const line of lines) print(line);
    return allWell;
}

async function main(argv: string[]): Promise<number> {
    const [command, ...rest] = argv;
    switch (command) {
        case "up":
            await up(rest);
            return 0;
        case "down":
            await down();
            return 0;
        case "status":
            return (await status()) ? 0 : 1;
        default:
            process.stderr.write(
                `${command === undefined ? "no command given" : `unknown command "${command}"`}\n${usage}\n`,
            );
            return 2;
    }
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
        process.stderr.write(`${error.message}\n`);
        process.exit(1);
    },
);
