/**
 * Client pods on a real node and what they can reach: a TCP connection
 * from inside a pod's container (Node's net: busybox's nc cannot tell a
 * refused or dropped connection from a closed one), and a poll that waits
 * for a policy to take effect.
 */
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import type { RealNode } from "../../../testenv/node";

/** exit 0 when a TCP connection to host:port is made within 2 s, 1 when refused, 2 when unanswered. */
const TCP_PROBE = [
    "const [host, port] = process.argv.slice(1);",
    "const socket = require('net').connect(Number(port), host);",
    "socket.on('connect', () => process.exit(0));",
    "socket.on('error', (error) => { console.error(error.code); process.exit(1); });",
    "setTimeout(() => { console.error('no answer in 2 s'); process.exit(2); }, 2000);",
].join(" ");

/** A namespace and a pod in it that sleeps, from an image with Node (the node's base image). */
export function clientPod(namespace: string, name: string, labels: Record<string, string>, image: string): string {
    return `apiVersion: v1
kind: Namespace
metadata: { name: ${namespace} }
---
apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: ${namespace}
  labels: ${JSON.stringify(labels)}
spec:
  terminationGracePeriodSeconds: 0
  automountServiceAccountToken: false
  containers:
    - name: client
      image: ${image}
      command: ["sleep", "3600"]
`;
}

/** A TCP connection from a pod's container: true when made, false when refused, unreachable or unanswered. */
export async function connectsFrom(
    node: RealNode,
    pod: { namespace: string; name: string; container: string },
    host: string,
    port: number,
): Promise<boolean> {
    try {
        await node.kubectl(
            [
                "exec",
                "-n",
                pod.namespace,
                pod.name,
                "-c",
                pod.container,
                "--",
                "node",
                "-e",
                TCP_PROBE,
                host,
                String(port),
            ],
            { timeoutMs: 20_000 },
        );
        return true;
    } catch (error) {
        if (/command terminated with exit code [12]/.test((error as Error).message)) return false;
        throw error;
    }
}

/** Polls until `probe` gives `want` (a policy applies within seconds), then checks once more that it holds. */
export async function eventually(
    what: string,
    want: boolean,
    probe: () => Promise<boolean>,
    timeoutMs = 60_000,
): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last: boolean | undefined;
    while (Date.now() < deadline) {
        last = await probe();
        if (last === want && (await probe()) === want) return;
        await sleep(500);
    }
    assert.fail(`${what}: still ${last} after ${timeoutMs / 1000} s, expected ${want}`);
}
