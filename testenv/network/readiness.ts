import { setTimeout as sleep } from "node:timers/promises";
import * as tls from "node:tls";
import { ComponentError } from "./logs";
import { describeExit, type LaunchedProcess } from "./processes";

/**
 * Waiting for a node to be ready: /healthz answers, its gRPC port accepts
 * connections, and facts read from its Prometheus metrics (a Raft leader,
 * gossip membership). Every wait fails naming the component and its log if
 * the process exits or the deadline passes.
 */

/** A probe answers true when satisfied, else a short note on what it saw. */
type Probe = () => Promise<true | string>;

async function pollUntil(proc: LaunchedProcess, what: string, deadlineMs: number, probe: Probe): Promise<void> {
    const end = Date.now() + deadlineMs;
    for (;;) {
        if (proc.exit) {
            throw new ComponentError(proc.name, `${describeExit(proc.exit)} while waiting for ${what}`, proc.logFile);
        }
        let seen: true | string;
        try {
            seen = await probe();
        } catch (error) {
            const cause = (error as Error).cause;
            seen = cause instanceof Error ? cause.message : (error as Error).message;
        }
        if (seen === true) return;
        if (Date.now() >= end) {
            throw new ComponentError(
                proc.name,
                `no ${what} within ${deadlineMs} ms (last seen: ${seen})`,
                proc.logFile,
            );
        }
        await sleep(100);
    }
}

/** Waits until the operations endpoint's /healthz answers 200 OK. */
export function waitHealthy(proc: LaunchedProcess, operationsUrl: string, deadlineMs: number): Promise<void> {
    const url = `${operationsUrl}/healthz`;
    return pollUntil(proc, `healthy answer from ${url}`, deadlineMs, async () => {
        const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
        const body = await response.text();
        return response.status === 200 ? true : `HTTP ${response.status} ${body.trim()}`;
    });
}

/** Trust and client certificate for a TLS handshake with a node. */
export interface TlsProbeCredentials {
    caPem: string;
    certPem: string;
    keyPem: string;
    servername: string;
}

/** A full TLS handshake (a bare TCP connect would make the node log a failed handshake). */
function completesTlsHandshake(endpoint: string, credentials: TlsProbeCredentials): Promise<true | string> {
    const [host, port] = endpoint.split(":");
    return new Promise((resolve) => {
        const socket = tls.connect({
            host,
            port: Number(port),
            ca: credentials.caPem,
            cert: credentials.certPem,
            key: credentials.keyPem,
            servername: credentials.servername,
            ALPNProtocols: ["h2"],
            timeout: 1000,
        });
        const done = (result: true | string) => {
            socket.destroy();
            resolve(result);
        };
        // end(), not destroy(): our last handshake message must reach the node, or it logs a failed handshake.
        socket.once("secureConnect", () => {
            socket.end();
            resolve(true);
        });
        socket.once("timeout", () => done("TLS handshake timed out"));
        socket.once("error", (error) => done(error.message));
    });
}

/** Waits until the endpoint completes a TLS handshake (a peer's /healthz answers before its gRPC server listens). */
export function waitListening(
    proc: LaunchedProcess,
    endpoint: string,
    credentials: TlsProbeCredentials,
    deadlineMs: number,
): Promise<void> {
    return pollUntil(proc, `TLS listener on ${endpoint}`, deadlineMs, () =>
        completesTlsHandshake(endpoint, credentials),
    );
}

/** The value of one sample in Prometheus text format, or undefined when absent. */
export function metricSample(text: string, name: string, labels: Readonly<Record<string, string>>): number | undefined {
    for (const line of text.split("\n")) {
        if (!line.startsWith(`${name}{`) && !line.startsWith(`${name} `)) continue;
        const match = /^[^{\s]+(?:\{([^}]*)\})?\s+(\S+)/.exec(line);
        if (!match) continue;
        const found = new Map([...(match[1] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
        if (Object.entries(labels).every(([key, value]) => found.get(key) === value)) return Number(match[2]);
    }
    return undefined;
}

export interface MetricWait {
    metric: string;
    labels: Readonly<Record<string, string>>;
    accept: (value: number) => boolean;
    /** What is awaited, for the error: "Raft leader on channel mychannel". */
    what: string;
}

/** Polls the operations endpoint's /metrics until the sample is accepted. */
export function waitForMetric(
    proc: LaunchedProcess,
    operationsUrl: string,
    wait: MetricWait,
    deadlineMs: number,
): Promise<void> {
    const url = `${operationsUrl}/metrics`;
    return pollUntil(proc, wait.what, deadlineMs, async () => {
        const response = await fetch(url, { signal: AbortSignal.timeout(2000) });
        const value = metricSample(await response.text(), wait.metric, wait.labels);
        if (value !== undefined && wait.accept(value)) return true;
        return value === undefined ? `${url} reports no ${wait.metric}` : `${wait.metric} = ${value}`;
    });
}
