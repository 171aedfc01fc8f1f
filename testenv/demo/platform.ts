#!/usr/bin/env node
/**
 * The demo's platform, run in the background by `npm run demo`: a real node
 * (testenv/node: control plane, kubelet, containerd, CNI bridge, kube-proxy,
 * CoreDNS, kube-router, registry) in the demo's folder, the Fabric network
 * (two orgs, mutual TLS) with its orderer and peers in pods there, and the
 * sample chaincode's image built from its Dockerfile and pushed to the
 * node's registry. It prints progress to its log, records what it runs in
 * the demo's state file once all of it serves, and stops everything it
 * started on SIGTERM (`npm run demo -- down`).
 */
import * as fs from "node:fs";
import { writeState as writeNetworkState } from "../network/state";
import { type NodePlatform, startNodePlatform } from "../node/fabric-platform";
import { type DemoPaths, demoPaths, writeDemoState } from "./state";

function log(line: string): void {
    process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

async function main(paths: DemoPaths): Promise<void> {
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    let platform: NodePlatform | undefined;
    let stopping: Promise<void> | undefined;
    const stopAll = () => {
        stopping ??= (async () => {
            await platform?.stop().catch((error: Error) => log(`while stopping: ${error.message}`));
            fs.rmSync(paths.stateFile, { force: true });
            log("everything stopped");
        })();
        return stopping;
    };
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.on(signal, () => void stopAll().then(() => process.exit(0)));
    }

    try {
        log(
            "starting a real Kubernetes node, then the Fabric network (two orgs, three peers, a Raft orderer, mutual TLS) in its pods, and building the chaincode image ...",
        );
        platform = await startNodePlatform({
            nodeDir: paths.nodeDir,
            networkDir: paths.networkDir,
            log: (line) => log(`  ${line}`),
        });
        const { node, launched, chaincodeImage } = platform;
        writeNetworkState(paths.networkStateFile, launched);
        log(
            `Fabric ${launched.network.version} network up in the node's pods; image ${chaincodeImage.reference}@${chaincodeImage.digest} (${seconds()} s)`,
        );
        writeDemoState(paths, {
            platformPid: process.pid,
            startedAt: new Date(started).toISOString(),
            kubeconfigPath: node.kubeconfigPath,
            apiServerUrl: node.addresses.apiServerUrl,
            hostLink: node.addresses.hostLink,
            chaincodeImage,
            processes: [
                ...launched.processes.map(({ name, pid }) => ({ name, pid })),
                ...node.pids().map(({ name, pid }) => ({ name, pid })),
            ],
        });
        log(`ready (${seconds()} s)`);
        // Nothing else holds the event loop: this keeps the process alive until a signal stops it.
        setInterval(() => undefined, 1 << 30);
    } catch (error) {
        log(`failed: ${(error as Error).message}`);
        await stopAll();
        process.exit(1);
    }
}

void main(demoPaths());
