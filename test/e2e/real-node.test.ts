/*
 * The real node itself, before any stack runs on it: what the chaincode's
 * Deployment relies on, shown on a real kubelet, containerd and runc.
 *   - The sample chaincode's Dockerfile, built with podman on the Node base
 *     image the node makes, pushed to the node's registry and pulled by
 *     digest, runs under restricted Pod Security as uid 10001 on a read-only
 *     root, reads its TLS Secret through fsGroup, and is Ready by its probe.
 *   - A killed container is restarted by the kubelet.
 *   - A Service name resolves through cluster DNS and kube-proxy routes it.
 *   - kube-router enforces a NetworkPolicy: the peer's pods get in, a foreign
 *     pod does not, the chaincode cannot connect out; without the policy the
 *     foreign pod connects (so the test can fail).
 *   - `delete` leaves no process, mount, namespace, link, route, iptables
 *     rule or cgroup behind.
 * With CCAAS_REQUIRE_NODE=1 (CI, where the node's parts are installed) a
 * machine that cannot run a node fails the test instead of skipping it.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import {
    describeMissing,
    hostChanges,
    type HostSnapshot,
    hostSnapshot,
    missingNodePrerequisites,
    RealNode,
} from "../../testenv/node";
import { holdHost } from "../../testenv/node/host-lock";
import { REPO_ROOT } from "../../testenv/pulumi/workspace";
import { testPki } from "../support/pki";
import { clientPod, connectsFrom, eventually } from "./support/node-pods";

const missing = missingNodePrerequisites();
if (missing.length > 0 && process.env.CCAAS_REQUIRE_NODE === "1") {
    throw new Error(`real node required (CCAAS_REQUIRE_NODE=1), but: ${describeMissing(missing)}`);
}
const skip = missing.length > 0 ? `no real node on this machine: ${describeMissing(missing)}` : false;

const PACKAGE_ID = `basic_1.0:${"ab".repeat(32)}`;
const CHAINCODE_NS = "chaincode";
const PEERS_NS = "fabric-peers";
const OTHER_NS = "elsewhere";

function chaincodeManifests(image: string, tls: { cert: string; key: string }): string {
    const b64 = (text: string) => Buffer.from(text).toString("base64");
    return `apiVersion: v1
kind: Namespace
metadata:
  name: ${CHAINCODE_NS}
  labels:
    pod-security.kubernetes.io/enforce: restricted
---
apiVersion: v1
kind: Secret
metadata: { name: basic-tls, namespace: ${CHAINCODE_NS} }
data:
  tls.crt: ${b64(tls.cert)}
  tls.key: ${b64(tls.key)}
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: basic, namespace: ${CHAINCODE_NS} }
spec:
  replicas: 1
  selector: { matchLabels: { app: basic } }
  template:
    metadata: { labels: { app: basic } }
    spec:
      automountServiceAccountToken: false
      securityContext:
        runAsNonRoot: true
        runAsUser: 10001
        runAsGroup: 10001
        fsGroup: 10001
        seccompProfile: { type: RuntimeDefault }
      containers:
        - name: chaincode
          image: ${image}
          env:
            - { name: CHAINCODE_ID, value: "${PACKAGE_ID}" }
            - { name: CHAINCODE_SERVER_ADDRESS, value: "0.0.0.0:9999" }
            - { name: CHAINCODE_TLS_CERT_FILE, value: /tls/tls.crt }
            - { name: CHAINCODE_TLS_KEY_FILE, value: /tls/tls.key }
          ports: [{ containerPort: 9999, name: chaincode }]
          readinessProbe: { tcpSocket: { port: 9999 }, periodSeconds: 1 }
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
            capabilities: { drop: [ALL] }
          volumeMounts:
            - { name: tls, mountPath: /tls, readOnly: true }
            - { name: tmp, mountPath: /tmp }
      volumes:
        - name: tls
          secret: { secretName: basic-tls, defaultMode: 0440 }
        - name: tmp
          emptyDir: { medium: Memory }
---
apiVersion: v1
kind: Service
metadata: { name: basic, namespace: ${CHAINCODE_NS} }
spec:
  selector: { app: basic }
  ports: [{ port: 9999, targetPort: 9999, name: chaincode }]
`;
}

/** Admits the peers' pods on the chaincode port; no egress at all. */
const NETWORK_POLICY = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: { name: basic, namespace: ${CHAINCODE_NS} }
spec:
  podSelector: { matchLabels: { app: basic } }
  policyTypes: [Ingress, Egress]
  ingress:
    - from:
        - namespaceSelector: { matchLabels: { kubernetes.io/metadata.name: ${PEERS_NS} } }
          podSelector: { matchLabels: { app.kubernetes.io/component: peer } }
      ports: [{ port: 9999, protocol: TCP }]
  egress: []
`;

describe("a real node (kubelet, containerd, runc, CNI bridge, CoreDNS, kube-proxy, kube-router, registry)", {
    skip,
}, () => {
    let node: RealNode;
    let beforeNode: HostSnapshot;
    let digest: string;
    let image: string;
    const pki = testPki();

    /** From a client pod to the chaincode Service, by its name. */
    const connects = (namespace: string, pod: string) =>
        connectsFrom(
            node,
            { namespace, name: pod, container: "client" },
            `basic.${CHAINCODE_NS}.svc.cluster.local`,
            9999,
        );

    const chaincodePod = async (): Promise<string> => {
        const pods = await node.getJson<{ items: { metadata: { name: string; deletionTimestamp?: string } }[] }>([
            "pods",
            "-n",
            CHAINCODE_NS,
            "-l",
            "app=basic",
        ]);
        const live = pods.items.filter((pod) => !pod.metadata.deletionTimestamp);
        assert.equal(live.length, 1, `one chaincode pod, found ${live.map((pod) => pod.metadata.name).join(", ")}`);
        return live[0].metadata.name;
    };

    const inChaincode = async (...command: string[]) =>
        node.kubectl(["exec", "-n", CHAINCODE_NS, await chaincodePod(), "-c", "chaincode", "--", ...command]);

    let releaseHost: (() => void) | undefined;

    before(async () => {
        // The host is compared before and after: no other suite's node may come or go meanwhile.
        releaseHost = await holdHost("alone", (line) => console.log(`# ${line}`));
        beforeNode = hostSnapshot();
        node = await RealNode.create({ log: (line) => console.log(`# node: ${line}`) });
        const reference = `${node.addresses.registryHost}/asset-transfer-basic:node-test`;
        digest = await node.buildImage({
            context: join(REPO_ROOT, "chaincode", "asset-transfer-basic"),
            reference,
            buildArgs: { NODE_IMAGE: node.images.node },
        });
        image = `${reference}@${digest}`;
        await node.kubectl(["apply", "-f", "-"], {
            input: chaincodeManifests(image, { cert: pki.serverCertPem, key: pki.serverKeyPem }),
        });
        await node.kubectl(["apply", "-f", "-"], {
            input: clientPod(PEERS_NS, "peer0", { "app.kubernetes.io/component": "peer" }, node.images.node),
        });
        await node.kubectl(["apply", "-f", "-"], { input: clientPod(OTHER_NS, "stranger", {}, node.images.node) });
        await node.kubectl(["rollout", "status", "-n", CHAINCODE_NS, "deployment/basic", "--timeout=180s"], {
            timeoutMs: 200_000,
        });
        for (const [namespace, pod] of [
            [PEERS_NS, "peer0"],
            [OTHER_NS, "stranger"],
        ]) {
            await node.kubectl(["wait", "-n", namespace, `pod/${pod}`, "--for=condition=Ready", "--timeout=120s"], {
                timeoutMs: 130_000,
            });
        }
    });

    after(async () => {
        try {
            await node?.delete();
        } finally {
            releaseHost?.();
        }
    });

    it("runs the chaincode image pulled from the node's registry by digest, as uid 10001, on a read-only root, its TLS Secret readable", async () => {
        const pod = await node.getJson<any>(["pod", "-n", CHAINCODE_NS, await chaincodePod()]);
        const status = pod.status.containerStatuses[0];
        assert.equal(status.ready, true);
        assert.ok(String(status.imageID).endsWith(digest), `the kubelet ran ${status.imageID}, not ${digest}`);
        assert.equal((await inChaincode("id", "-u")).trim(), "10001");
        await assert.rejects(inChaincode("touch", "/probe"), /Read-only file system/);
        assert.equal(await inChaincode("cat", "/tls/tls.key"), pki.serverKeyPem);
        // The Secret's files are the group's (fsGroup), readable by it and nobody else.
        assert.match(await inChaincode("ls", "-lL", "/tls/tls.key"), /^-r--r-----\s+\d+\s+\S+\s+10001\s/);
        const labels = await node.getJson<any>(["namespace", CHAINCODE_NS]);
        assert.equal(labels.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("restricted Pod Security refuses a pod that would run as root", async () => {
        const rootPod = clientPod(CHAINCODE_NS, "as-root", {}, node.images.busybox).split("---\n")[1];
        await assert.rejects(
            node.kubectl(["apply", "-f", "-"], { input: rootPod }),
            /violates PodSecurity "restricted:latest"/,
        );
    });

    it("the kubelet restarts a killed container, and it is Ready again", async () => {
        const podName = await chaincodePod();
        const before = await node.getJson<any>(["pod", "-n", CHAINCODE_NS, podName]);
        const containerId = String(before.status.containerStatuses[0].containerID).replace(/^containerd:\/\//, "");
        await node.exec([
            "ctr",
            "--address",
            node.layout.containerdSocket,
            "--namespace",
            "k8s.io",
            "tasks",
            "kill",
            "--signal",
            "SIGKILL",
            containerId,
        ]);
        await node.kubectl(
            [
                "wait",
                "-n",
                CHAINCODE_NS,
                `pod/${podName}`,
                "--for=jsonpath={.status.containerStatuses[0].restartCount}=1",
                "--timeout=60s",
            ],
            { timeoutMs: 70_000 },
        );
        await node.kubectl(["wait", "-n", CHAINCODE_NS, `pod/${podName}`, "--for=condition=Ready", "--timeout=60s"], {
            timeoutMs: 70_000,
        });
        assert.ok(await connects(PEERS_NS, "peer0"), "the restarted server accepts connections through its Service");
    });

    it("a Service name resolves through cluster DNS and kube-proxy routes it to the pod", async () => {
        const lookup = await node.kubectl([
            "exec",
            "-n",
            PEERS_NS,
            "peer0",
            "--",
            "nslookup",
            `basic.${CHAINCODE_NS}.svc.cluster.local`,
        ]);
        const service = await node.getJson<any>(["service", "-n", CHAINCODE_NS, "basic"]);
        assert.match(lookup, new RegExp(`Address:\\s*${service.spec.clusterIP.replace(/\./g, "\\.")}`));
        assert.equal(await connects(PEERS_NS, "peer0"), true);
    });

    it("kube-router enforces the NetworkPolicy: the peers get in, a foreign pod does not, the chaincode cannot connect out", async () => {
        // Out of the chaincode to the API server's Service address (by address: a DNS lookup is egress too).
        const kubernetes = await node.getJson<any>(["service", "-n", "default", "kubernetes"]);
        const outbound = async () =>
            connectsFrom(
                node,
                { namespace: CHAINCODE_NS, name: await chaincodePod(), container: "chaincode" },
                kubernetes.spec.clusterIP,
                443,
            );
        // Without a policy everything connects: what the policy must change.
        await eventually("the foreign pod, no policy", true, () => connects(OTHER_NS, "stranger"));
        await eventually("the chaincode connecting out, no policy", true, outbound);

        await node.kubectl(["apply", "-f", "-"], { input: NETWORK_POLICY });
        await eventually("the foreign pod, under the policy", false, () => connects(OTHER_NS, "stranger"));
        assert.equal(await connects(PEERS_NS, "peer0"), true, "the peer's pod is admitted");
        await eventually("the chaincode connecting out, under the policy", false, outbound);

        await node.kubectl(["delete", "networkpolicy", "-n", CHAINCODE_NS, "basic"]);
        await eventually("the foreign pod, policy removed", true, () => connects(OTHER_NS, "stranger"));
    });

    it("delete leaves no process, mount, namespace, link, route, iptables rule or cgroup behind", async () => {
        const daemons = node.pids();
        assert.ok(
            node.processesInside().length >= daemons.length,
            "the node's daemons, shims and containers run inside it",
        );
        await node.delete();
        assert.deepEqual(node.processesInside(), []);
        for (const daemon of daemons)
            assert.throws(() => process.kill(daemon.pid, 0), `${daemon.name} (pid ${daemon.pid}) is gone`);
        assert.deepEqual(hostChanges(beforeNode, hostSnapshot()), []);
    });
});
