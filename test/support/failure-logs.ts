/**
 * When a real-network test fails, its report carries what the peers said
 * about chaincode (launch, builder, connection lines) and what each chaincode
 * server printed, so a red CI run explains itself.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { afterEach } from "node:test";
import { logTail } from "../../testenv/network/logs";
import type { FabricNetwork } from "../../testenv/network/types";

/** What a failed test's report shows: the network's peers and, in the e2e tier, the local kubelet's servers. */
export interface FailureLogSources {
    readonly network?: FabricNetwork;
    readonly kubelet?: { running(): string[]; output(deployment: string): string };
    /** A real node's pod log folder (<namespace>_<pod>_<uid>/<container>/<restart>.log): the chaincode containers' output. */
    readonly podLogDir?: string;
}

const CHAINCODE_LINE = /chaincode|ccaas|builder|launch|externalbuilder|connection/i;
const LINES = 15;
/** Fabric's log levels as the test network writes them (four letters). */
const ORDERER_PROBLEM = / (WARN|ERRO|PANI|FATA) /;

/** Registers, in the current suite, a report of the logs after each failed test; `sources` is read then. */
export function printLogsOnFailure(sources: () => FailureLogSources | undefined): void {
    afterEach((t) => {
        // The context says whether the test passed (Node 22); the typings do not have it yet.
        if ((t as { passed?: boolean }).passed !== false) return;
        const found = sources();
        if (found) process.stderr.write(`${failureLogs(found, t.name)}\n`);
    });
}

/** The report: per peer its last chaincode lines, per running chaincode server its output's tail. */
export function failureLogs({ network, kubelet, podLogDir }: FailureLogSources, testName: string): string {
    const parts = [`--- logs after the failed test "${testName}" ---`];
    for (const peer of network?.peers ?? []) {
        const lines = logTail(peer.logFile, 2000).split("\n");
        const chaincode = lines.filter((line) => CHAINCODE_LINE.test(line)).slice(-LINES);
        const shown = chaincode.length > 0 ? chaincode : lines.slice(-LINES);
        parts.push(
            `${peer.name} (${peer.logFile}), ${chaincode.length > 0 ? "its last chaincode lines" : "its last lines"}:`,
            ...shown.map((line) => `  ${line}`),
        );
    }
    // An orderer's warnings and errors say why a transaction was not ordered (a BFT consenter down, no quorum).
    for (const orderer of network?.orderers ?? []) {
        const warnings = logTail(orderer.logFile, 2000)
            .split("\n")
            .filter((line) => ORDERER_PROBLEM.test(line))
            .slice(-LINES);
        if (warnings.length > 0)
            parts.push(
                `${orderer.name} (${orderer.logFile}), its last warnings and errors:`,
                ...warnings.map((line) => `  ${line}`),
            );
    }
    for (const deployment of kubelet?.running() ?? []) {
        const output = kubelet!.output(deployment).trimEnd().split("\n").slice(-LINES);
        parts.push(`chaincode server ${deployment}:`, ...output.map((line) => `  ${line}`));
    }
    for (const [pod, file] of chaincodeContainerLogs(podLogDir)) {
        const output = logTail(file, 2000).trimEnd().split("\n").slice(-LINES);
        parts.push(`chaincode container ${pod} (${file}):`, ...output.map((line) => `  ${line}`));
    }
    return parts.join("\n");
}

/** Each chaincode container's latest log file, by "<namespace>/<pod>". */
function chaincodeContainerLogs(podLogDir: string | undefined): [string, string][] {
    if (podLogDir === undefined || !fs.existsSync(podLogDir)) return [];
    const found: [string, string][] = [];
    for (const podDir of fs.readdirSync(podLogDir)) {
        const containerDir = join(podLogDir, podDir, "chaincode");
        if (!fs.existsSync(containerDir)) continue;
        const latest = fs
            .readdirSync(containerDir)
            .sort((a, b) => Number.parseInt(a, 10) - Number.parseInt(b, 10))
            .at(-1);
        const [namespace, pod] = podDir.split("_");
        if (latest) found.push([`${namespace}/${pod}`, join(containerDir, latest)]);
    }
    return found;
}
