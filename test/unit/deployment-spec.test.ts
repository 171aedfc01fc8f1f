/*
 * The chaincode server's Deployment as a pure function (no Pulumi mocks):
 * what the restricted Pod Security profile and a rolling update under load
 * need, for each TLS mode.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    deploymentSpec,
    type DeploymentSpecInputs,
    ENDPOINT_SETTLE_SECONDS,
} from "../../components/kubernetes/deployment-spec";
import { TLS_MOUNT_PATH } from "../../components/kubernetes/environment";

const inputs: DeploymentSpecInputs = {
    name: "basic-0a1b2c3d",
    namespace: "hlf1",
    labels: {
        "app.kubernetes.io/name": "basic",
        "app.kubernetes.io/instance": "basic-0a1b2c3d",
        "app.kubernetes.io/component": "chaincode",
    },
    selector: { "app.kubernetes.io/name": "basic", "app.kubernetes.io/instance": "basic-0a1b2c3d" },
    replicas: 2,
    port: 9999,
    runAsUser: 10001,
    resources: { cpuRequest: "100m", memoryRequest: "128Mi", cpuLimit: "500m", memoryLimit: "512Mi" },
    serviceAccountName: "basic-0a1b2c3d",
    image: `registry.example.com/basic@sha256:${"ab".repeat(32)}`,
    imagePullPolicy: "IfNotPresent",
    env: [{ name: "CHAINCODE_ID", value: "basic_1.0:abc" }],
    podAnnotations: {},
    tls: { secretName: "basic-0a1b2c3d-tls-0123456789", withClientCa: true },
};

// The spec's Inputs are plain values here.
const specOf = (overrides: Partial<DeploymentSpecInputs> = {}): any => deploymentSpec({ ...inputs, ...overrides }).spec;

describe("deploymentSpec (no mocks)", () => {
    it("runs as the given non-root user with a read-only root, no capabilities, no privilege escalation and no API token", () => {
        const pod = specOf().template.spec;
        assert.deepEqual(pod.securityContext, {
            runAsNonRoot: true,
            runAsUser: 10001,
            runAsGroup: 10001,
            fsGroup: 10001,
            seccompProfile: { type: "RuntimeDefault" },
        });
        assert.equal(pod.automountServiceAccountToken, false);
        assert.equal(pod.enableServiceLinks, false);
        const [container] = pod.containers;
        assert.deepEqual(container.securityContext, {
            runAsNonRoot: true,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
        });
        assert.deepEqual(
            pod.volumes[0],
            { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
            "the one writable place is a memory /tmp",
        );
    });

    it("rolls without an empty Service: a new pod counts only after the endpoints settle, an old one drains as long before SIGTERM", () => {
        const spec = specOf();
        assert.equal(spec.minReadySeconds, ENDPOINT_SETTLE_SECONDS);
        const [container] = spec.template.spec.containers;
        assert.deepEqual(container.lifecycle, { preStop: { sleep: { seconds: ENDPOINT_SETTLE_SECONDS } } });
        assert.deepEqual(container.readinessProbe.tcpSocket, { port: 9999 });
        assert.equal(container.readinessProbe.periodSeconds, 1);
        assert.deepEqual(spec.selector.matchLabels, inputs.selector);
    });

    it("mounts the TLS Secret read-only, group-readable for fsGroup, with the client CA only for mutual TLS, and no TLS volume without TLS", () => {
        const mutual = specOf().template.spec;
        const tlsVolume = mutual.volumes.find((volume: { name: string }) => volume.name === "tls");
        assert.equal(tlsVolume.secret.defaultMode, 0o440);
        assert.deepEqual(
            tlsVolume.secret.items.map((item: { key: string }) => item.key),
            ["tls.crt", "tls.key", "client-ca.crt"],
        );
        assert.deepEqual(mutual.containers[0].volumeMounts[1], {
            name: "tls",
            mountPath: TLS_MOUNT_PATH,
            readOnly: true,
        });

        const server = specOf({ tls: { secretName: "s", withClientCa: false } }).template.spec;
        assert.deepEqual(
            server.volumes[1].secret.items.map((item: { key: string }) => item.key),
            ["tls.crt", "tls.key"],
        );

        const plain = specOf({ tls: undefined }).template.spec;
        assert.deepEqual(
            plain.volumes.map((volume: { name: string }) => volume.name),
            ["tmp"],
        );
        assert.deepEqual(
            plain.containers[0].volumeMounts.map((mount: { name: string }) => mount.name),
            ["tmp"],
        );
    });
});
