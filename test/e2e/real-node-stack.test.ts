/*
 * The program under the real Pulumi engine on a real node, with imageBuild
 * as a user sets it (imageBuildTool: docker, here podman as docker; the
 * Dockerfile's NODE_IMAGE through imageBuildArgs). No channel: the package
 * only, so no Fabric network is needed (the peers' side comes with them).
 *   - ChaincodeImage builds the sample chaincode, pushes it to the node's
 *     registry and reads its digest; the kubelet runs exactly those bytes.
 *   - The product's pod spec holds on a real container: uid 10001, a
 *     read-only root with /tmp writable, the TLS files readable, no service
 *     account token, restricted Pod Security, Ready through its probes.
 *   - The product's NetworkPolicy: a pod labelled as a peer, in the namespace
 *     the policy names, connects to the address in the package; a foreign pod
 *     does not; with networkPolicy: false it does (so the test can fail).
 *   - A second `up` changes nothing; `destroy` removes the namespace.
 */
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { TLS_KEY_FILE } from "../../components/kubernetes/environment";
import { toolchainEnv } from "../../testenv/kube";
import { RealNode } from "../../testenv/node";
import { holdHost } from "../../testenv/node/host-lock";
import { registryDigest } from "../../testenv/node/images";
import { type PulumiStack, PulumiWorkspace, requireSuccess } from "../../testenv/pulumi/workspace";
import { clientPod, connectsFrom, eventually } from "./support/node-pods";
import { CHAINCODE_CONTEXT, nodeSuiteSkip } from "./support/node-platform";

const skip = nodeSuiteSkip();

/** A value set with --secret: the test looks for it where it must not be. */
const SECRET_ENV_VALUE = "tok-3c1e9a7f5b2d";
const NAMESPACE = "cc-realnode";
const PEERS_NS = "fabric-peers";
const OTHER_NS = "elsewhere";

describe("the program on a real node: imageBuild with docker, the chaincode server on a real kubelet", { skip }, () => {
    let node: RealNode;
    let workspace: PulumiWorkspace;
    let stack: PulumiStack;
    let outputs: Record<string, any>;
    let dockerPath: Record<string, string>;

    const up = async () =>
        requireSuccess(await stack.run(["up", "--yes", "--skip-preview"], { env: dockerPath, timeoutMs: 15 * 60_000 }));

    /** From a client pod to the address in the package (what the peers dial). */
    const connects = (namespace: string, pod: string) => {
        const [host, port] = String(outputs.connectionAddress).split(":");
        return connectsFrom(node, { namespace, name: pod, container: "client" }, host, Number(port));
    };

    const serverPod = async (): Promise<any> => {
        const pods = await node.getJson<{ items: any[] }>([
            "pods",
            "-n",
            NAMESPACE,
            "-l",
            "app.kubernetes.io/component=chaincode",
        ]);
        const live = pods.items.filter((pod) => !pod.metadata.deletionTimestamp);
        assert.equal(
            live.length,
            1,
            `one chaincode server pod, found ${live.map((pod) => pod.metadata.name).join(", ")}`,
        );
        return live[0];
    };

    const inServer = async (...command: string[]) =>
        node.kubectl(["exec", "-n", NAMESPACE, (await serverPod()).metadata.name, "--", ...command]);

    let releaseHost: (() => void) | undefined;

    before(async () => {
        releaseHost = await holdHost("shared", (line) => console.log(`# ${line}`));
        node = await RealNode.create({ log: (line) => console.log(`# node: ${line}`) });
        workspace = PulumiWorkspace.create((line) => console.log(`# ${line}`));
        // podman as docker first, before the toolchain's PATH (the engine and its plugins).
        dockerPath = { PATH: `${node.dockerCommandDir()}:${toolchainEnv().PATH ?? ""}` };
        stack = await workspace.initStack("realnode");
        const set = (key: string, value: string, flags?: { secret?: boolean; path?: boolean }) =>
            stack.setConfig(key, value, flags);
        await set("chaincodeName", "basic");
        await set("namespace", NAMESPACE);
        await set("kubeconfig", node.kubeconfig(), { secret: true });
        await set("imageBuild", "true");
        await set("imageBuildTool", "docker");
        await set("imageRegistry", node.addresses.registryHost);
        await set("imageBuildContext", CHAINCODE_CONTEXT);
        await set("imageBuildArgs[0]", `NODE_IMAGE=${node.images.node}`, { path: true });
        await set("peerNamespaceSelector[0]", `kubernetes.io/metadata.name=${PEERS_NS}`, { path: true });
        await set("env[0]", `API_TOKEN=${SECRET_ENV_VALUE}`, { path: true, secret: true });
        await node.kubectl(["apply", "-f", "-"], {
            input: clientPod(PEERS_NS, "peer0", { "app.kubernetes.io/component": "peer" }, node.images.node),
        });
        await node.kubectl(["apply", "-f", "-"], { input: clientPod(OTHER_NS, "stranger", {}, node.images.node) });
        await up();
        outputs = await stack.outputs();
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
            if (stack) await stack.run(["destroy", "--yes"], { env: dockerPath, timeoutMs: 10 * 60_000 });
        } finally {
            // Whatever the destroy did, the node and the workspace go.
            await node?.delete();
            workspace?.remove();
            releaseHost?.();
        }
    });

    it("runs the image the program built with docker and pushed, pinned by the registry's digest", async () => {
        const image = String(outputs.chaincodeImage);
        const match = /^(.+:src-[0-9a-f]{16})@(sha256:[0-9a-f]{64})$/.exec(image);
        assert.ok(match, `chaincodeImage ${image} is <registry>/<repository>:src-<digest>@sha256:<digest>`);
        assert.ok(match[1].startsWith(`${node.addresses.registryHost}/asset-transfer-basic:`));
        assert.equal(match[2], await registryDigest(match[1]), "the digest is the registry's");
        const pod = await serverPod();
        assert.equal(pod.spec.containers[0].image, image);
        const status = pod.status.containerStatuses[0];
        assert.equal(status.ready, true, "Ready through its probes");
        assert.ok(String(status.imageID).endsWith(match[2]), `the kubelet ran ${status.imageID}`);
    });

    it("holds the product's pod spec on a real container: uid 10001, read-only root, /tmp writable, TLS key readable, no token, restricted Pod Security", async () => {
        assert.equal((await inServer("id", "-u")).trim(), "10001");
        await assert.rejects(inServer("touch", "/probe"), /Read-only file system/);
        await inServer("touch", "/tmp/probe");
        assert.match(await inServer("cat", TLS_KEY_FILE), /-----BEGIN (EC )?PRIVATE KEY-----/);
        await assert.rejects(
            inServer("ls", "/var/run/secrets/kubernetes.io/serviceaccount"),
            /No such file or directory/,
        );
        const namespace = await node.getJson<any>(["namespace", NAMESPACE]);
        assert.equal(namespace.metadata.labels["pod-security.kubernetes.io/enforce"], "restricted");
    });

    it("hands env set with --secret to the container from a Kubernetes Secret: not in the Deployment, nor in the state", async () => {
        // The server's own environment (PID 1), NUL-separated.
        const environment = (await inServer("cat", "/proc/1/environ")).split("\0");
        assert.ok(environment.includes(`API_TOKEN=${SECRET_ENV_VALUE}`), "the chaincode server's process has it");
        const deployments = await node.getJson<any>(["deployments", "-n", NAMESPACE]);
        const container = deployments.items[0].spec.template.spec.containers[0];
        const variable = container.env.find((e: any) => e.name === "API_TOKEN");
        assert.ok(variable?.valueFrom?.secretKeyRef, `API_TOKEN comes from a Secret: ${JSON.stringify(variable)}`);
        assert.ok(!JSON.stringify(deployments).includes(SECRET_ENV_VALUE), "the Deployment holds no value");
        assert.ok(!(await stack.exportState()).includes(SECRET_ENV_VALUE), "the state holds it only encrypted");
    });

    it("the product's NetworkPolicy admits the peer's pod at the package's address and keeps a foreign pod out", async () => {
        assert.match(
            String(outputs.connectionAddress),
            new RegExp(`\\.${NAMESPACE}(\\.svc(\\.cluster\\.local)?)?:9999$`),
            "the address peers dial: a Service name",
        );
        await eventually("the peer's pod", true, () => connects(PEERS_NS, "peer0"));
        await eventually("the foreign pod", false, () => connects(OTHER_NS, "stranger"));
    });

    it("a second up changes nothing", async () => {
        const preview = await stack.run(["preview", "--expect-no-changes", "--diff"], { env: dockerPath });
        assert.equal(preview.code, 0, `${preview.stdout}\n${preview.stderr}`);
    });

    it("with networkPolicy: false the foreign pod connects (what the policy kept out)", async () => {
        await stack.removeConfig("peerNamespaceSelector");
        await stack.setConfig("networkPolicy", "false");
        await up();
        await eventually("the foreign pod, no policy", true, () => connects(OTHER_NS, "stranger"));
    });

    it("destroy removes what the program made", async () => {
        requireSuccess(await stack.run(["destroy", "--yes"], { env: dockerPath, timeoutMs: 10 * 60_000 }));
        await assert.rejects(node.kubectl(["get", "namespace", NAMESPACE]), /NotFound/);
    });
});
