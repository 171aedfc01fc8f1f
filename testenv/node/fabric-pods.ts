/**
 * Fabric's nodes placed as on AKS: each orderer and peer gets a pod of its
 * own on the real node (the orderers in fabric-orderer, each org's peers in
 * fabric-<org>, labelled app.kubernetes.io/component=orderer|peer), and its
 * process runs in that pod's network namespace with that pod's resolv.conf.
 * So a peer dials a chaincode by its Service name through cluster DNS and
 * kube-proxy, from the pod's address, and a NetworkPolicy sees the peer
 * pod's labels and namespace, as it would for a peer image in the cluster.
 * The processes themselves are the Fabric release's binaries started from
 * this machine, so a test stops, restarts and reads them as before.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import type { NodeHost, NodePlacer, NodeToPlace } from "../network/types";
import type { RealNode } from "./node";

export const COMPONENT_LABEL = "app.kubernetes.io/component";
export const ORDERER_NAMESPACE = "fabric-orderer";
/** On every namespace of the network's pods: a selector for the peers of all orgs at once. */
export const NETWORK_NAMESPACE_LABEL = "app.kubernetes.io/part-of=fabric-network";

/** The namespace of an org's peers: "Org1MSP" → "fabric-org1". */
export function peerNamespace(mspId: string): string {
    return `fabric-${mspId.replace(/MSP$/, "").toLowerCase()}`;
}

function namespaceOf(node: NodeToPlace): string {
    return node.role === "orderer" ? ORDERER_NAMESPACE : peerNamespace(node.mspId);
}

/** "peer0.org1.example.com" → "peer0-org1-example-com". */
function podName(node: NodeToPlace): string {
    return node.name.replace(/\./g, "-");
}

function manifest(nodes: readonly NodeToPlace[], image: string): string {
    const [partOfKey, partOfValue] = NETWORK_NAMESPACE_LABEL.split("=");
    const namespaces = [...new Set(nodes.map(namespaceOf))].map((name) => ({
        apiVersion: "v1",
        kind: "Namespace",
        metadata: { name, labels: { [partOfKey]: partOfValue } },
    }));
    const pods = nodes.map((node) => ({
        apiVersion: "v1",
        kind: "Pod",
        metadata: {
            name: podName(node),
            namespace: namespaceOf(node),
            labels: {
                [COMPONENT_LABEL]: node.role,
                "app.kubernetes.io/name": `fabric-${node.role}`,
                "app.kubernetes.io/instance": podName(node),
            },
        },
        spec: {
            terminationGracePeriodSeconds: 0,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            // The pod only holds the network namespace; the Fabric process joins it from the host.
            containers: [{ name: "netns", image, command: ["sleep", "2147483647"] }],
        },
    }));
    return [...namespaces, ...pods].map((object) => JSON.stringify(object)).join("\n---\n");
}

/** A placer for startNetwork's placeNodes: one pod per node on this real node. */
export function fabricPodPlacer(node: RealNode): NodePlacer {
    return (nodes) => placeInPods(node, nodes);
}

async function placeInPods(node: RealNode, nodes: readonly NodeToPlace[]): Promise<Record<string, NodeHost>> {
    await node.kubectl(["apply", "-f", "-"], { input: manifest(nodes, node.images.busybox) });
    for (const namespace of new Set(nodes.map(namespaceOf))) {
        await node.kubectl(["wait", "-n", namespace, "pod", "--all", "--for=condition=Ready", "--timeout=120s"], {
            timeoutMs: 130_000,
        });
    }
    const dir = join(node.layout.root, "fabric-pods");
    fs.mkdirSync(dir, { recursive: true });
    const hosts: Record<string, NodeHost> = {};
    for (const fabricNode of nodes) {
        const namespace = namespaceOf(fabricNode);
        const name = podName(fabricNode);
        const pod = await node.getJson<{ metadata: { uid: string }; status: { podIP?: string } }>([
            "pod",
            "-n",
            namespace,
            name,
        ]);
        const pid = node.podProcess(pod.metadata.uid);
        if (!pod.status.podIP || pid === undefined)
            throw new Error(
                `pod ${namespace}/${name} is Ready but has ${pod.status.podIP ? "no process" : "no address"}`,
            );
        // The kubelet's resolv.conf for this pod: cluster DNS, the pod's search domains.
        const resolvConf = join(dir, `${name}.resolv.conf`);
        fs.writeFileSync(
            resolvConf,
            await node.kubectl(["exec", "-n", namespace, name, "--", "cat", "/etc/resolv.conf"]),
        );
        hosts[fabricNode.name] = {
            ip: pod.status.podIP,
            enter: [
                "nsenter",
                `--net=/proc/${pid}/ns/net`,
                "--",
                // A private mount namespace (gone with the process) where /etc/resolv.conf is the pod's.
                "unshare",
                "--mount",
                "--propagation",
                "private",
                "--",
                "sh",
                "-c",
                'mount --bind "$0" /etc/resolv.conf && exec "$@"',
                resolvConf,
            ],
        };
    }
    return hosts;
}
