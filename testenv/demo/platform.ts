#!/usr/bin/env node
/**
 * The demo's local platform, run in the background by `npm run demo`: the
 * Service proxy, the Fabric network (two orgs, mutual TLS, peers dialing
 * chaincode through the proxy), a kwok cluster and the local kubelet that
 * runs chaincode Deployments as local processes. It prints progress to its
 * log, records what it runs in the demo's state file once all of it serves,
 * and stops everything it started on SIGTERM (`npm run demo -- down`).
 */
import * as fs from "node:fs";
import { KwokCluster, LocalKubelet, ServiceProxy } from "../kube";
import { launchNetwork } from "../network/network";
import { writeState as writeNetworkState } from "../network/state";
import type { NetworkPlan } from "../network/topology";
import { type DemoPaths, demoPaths, writeDemoState } from "./state";

const CLUSTER_NAME = "ccaas-demo";
/** How often the state file's list of chaincode servers is refreshed. */
const REFRESH_MS = 1000;

function log(line: string): void {
    process.stdout.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);
}

function networkPorts(plan: NetworkPlan): number[] {
    return [...plan.orderers.map((node) => node.ports), ...plan.peers.map((peer) => peer.ports)].flatMap((ports) =>
        Object.values(ports).filter((port): port is number => typeof port === "number"),
    );
}

function apiServerPort(kubeconfigPath: string): number[] {
    const match = /server:\s*https?:\/\/[^:\s]+:(\d+)/.exec(fs.readFileSync(kubeconfigPath, "utf8"));
    return match ? [Number(match[1])] : [];
}

async function main(paths: DemoPaths): Promise<void> {
    const started = Date.now();
    const seconds = () => ((Date.now() - started) / 1000).toFixed(1);
    const stops: Array<() => Promise<void>> = [];
    let stopping: Promise<void> | undefined;
    const stopAll = () => {
        stopping ??= (async () => {
            for (const stop of stops.reverse()) await stop().catch((error: Error) => log(`while stopping: ${error.message}`));
            fs.rmSync(paths.stateFile, { force: true });
            log("everything stopped");
        })();
        return stopping;
    };
    for (const signal of ["SIGTERM", "SIGINT"] as const) {
        process.on(signal, () => void stopAll().then(() => process.exit(0)));
    }

    try {
        const proxy = await ServiceProxy.start();
        stops.push(() => proxy.stop());
        log("starting the Fabric network: two orgs, three peers, a Raft orderer, mutual TLS ...");
        const launched = await launchNetwork({ clientAuthRequired: true, peerProxyUrl: proxy.url, dataDir: paths.networkDir, log: (line) => log(`  ${line}`) });
        stops.push(() => launched.network.stop());
        writeNetworkState(paths.networkStateFile, launched);
        log(`Fabric ${launched.network.version} network up (${seconds()} s)`);

        log("starting the local Kubernetes cluster (kwok, with a local kubelet for chaincode pods) ...");
        const cluster = await KwokCluster.create({ name: CLUSTER_NAME, workdir: paths.clusterDir, log: (line) => log(`  ${line}`) });
        stops.push(() => cluster.delete());
        const kubelet = new LocalKubelet(cluster, (line) => log(`  kubelet: ${line}`));
        kubelet.start();
        stops.push(() => kubelet.stop());
        proxy.attach(kubelet.route);
        log(`Kubernetes cluster ${CLUSTER_NAME} up (${seconds()} s)`);

        const fixedPorts = [Number(new URL(proxy.url).port), ...networkPorts(launched.plan), ...apiServerPort(cluster.kubeconfigPath)];
        const record = () => {
            if (stopping !== undefined) return;
            const servers = kubelet.servers();
            writeDemoState(paths, {
                platformPid: process.pid,
                startedAt: new Date(started).toISOString(),
                proxyUrl: proxy.url,
                clusterName: CLUSTER_NAME,
                kubeconfigPath: cluster.kubeconfigPath,
                processes: [
                    ...launched.processes.map(({ name, pid }) => ({ name, pid })),
                    ...cluster.pids().map((pid) => ({ name: `kwok ${CLUSTER_NAME}`, pid })),
                    ...servers.flatMap(({ deployment, pid }) => (pid === undefined ? [] : [{ name: `chaincode server ${deployment}`, pid }])),
                ],
                ports: [...fixedPorts, ...servers.flatMap((server) => server.ports)],
            });
        };
        record();
        setInterval(record, REFRESH_MS).unref();
        log(`ready (${seconds()} s)`);
        // The refresh timer is unref'd: this keeps the process alive until a signal stops it.
        setInterval(() => undefined, 1 << 30);
    } catch (error) {
        log(`failed: ${(error as Error).message}`);
        await stopAll();
        process.exit(1);
    }
}

void main(demoPaths());
