import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { createHash } from "node:crypto";
import {
    type MockRecorder,
    installMocks,
    isSecretOutput,
    promiseOf,
    registrationsSettled,
} from "./support/pulumiMocks";

// Mocks must be in place before any component module registers resources.
const mocks: MockRecorder = installMocks();
import { ExternalChaincode } from "../../components/chaincode/external-chaincode";
import { ChaincodeTls } from "../../components/tls/chaincode-tls";
import { readChaincodePackage } from "../../components/packaging";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const SECRET = "kubernetes:core/v1:Secret";

function envOf(deploymentInputs: any): Record<string, string> {
    const env = deploymentInputs.spec.template.spec.containers[0].env as Array<{ name: string; value: string }>;
    return Object.fromEntries(env.map((e) => [e.name, e.value]));
}

function created(name: string) {
    return mocks.resources.filter((r) => r.name.startsWith(`${name}-`) || r.name === name);
}

describe("ExternalChaincode graph (mocks)", () => {
    let cc: ExternalChaincode;
    let packageId: string;
    /** A resource of the declared release, by the part of its name after the release prefix. */
    const release = (suffix: string) => `basic-${cc.releaseKey}-${suffix}`;
    before(async () => {
        cc = new ExternalChaincode("basic", {
            chaincodeName: "basic",
            namespace: "hlf1",
            image: "registry.example.com/basic:1.0",
        });
        packageId = await promiseOf(cc.packageId);
        await promiseOf((await cc.service).deploymentName);
    });

    it("computes the package ID from the package bytes and passes it as CHAINCODE_ID", async () => {
        const bytes = Buffer.from(await promiseOf(cc.packageBase64), "base64");
        assert.equal(packageId, `basic_1.0:${createHash("sha256").update(bytes).digest("hex")}`);
        const env = envOf(
            mocks.resources.find((r) => r.type === DEPLOYMENT && r.name === release("server-deployment"))!.inputs,
        );
        for (const name of ["CHAINCODE_ID", "CORE_CHAINCODE_ID", "CORE_CHAINCODE_ID_NAME"])
            assert.equal(env[name], packageId);
        assert.equal(env.CHAINCODE_SERVER_ADDRESS, "0.0.0.0:9999");
        assert.equal(env.CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE, "/etc/hyperledger/chaincode/tls/client-ca.crt");
    });

    it("packages the CA and the peer's client credentials, with the Service address", async () => {
        const pkg = readChaincodePackage(Buffer.from(await promiseOf(cc.packageBase64), "base64"));
        const connection = JSON.parse(pkg.connectionJson ?? "{}");
        assert.equal(connection.address, `basic-${cc.releaseKey}.hlf1:9999`);
        assert.equal(connection.tls_required, true);
        assert.equal(connection.client_auth_required, true);
        assert.equal(connection.root_cert, await promiseOf(cc.caCertPem!));
        assert.match(connection.client_key, /PRIVATE KEY/);
        assert.equal(connection.dial_timeout, "10s");
    });

    it("keeps private keys secret and the package ID public", async () => {
        assert.equal(await isSecretOutput((await cc.certificates)!.serverKeyPem), true);
        assert.equal(await isSecretOutput((await cc.certificates)!.clientKeyPem!), true);
        assert.equal(await isSecretOutput(cc.packageBase64), true, "the package carries the client key");
        assert.equal(await isSecretOutput(cc.packageId), false);
        const secret = mocks.resources.find((r) => r.type === SECRET && r.name === release("server-tls"))!;
        assert.ok(
            secret.secretPaths.some((path) => "stringData.tls.key".startsWith(path)),
            `the key reached the engine in plain text; secret paths: ${secret.secretPaths}`,
        );
        assert.equal(secret.inputs.type, "kubernetes.io/tls");
        assert.deepEqual(Object.keys(secret.inputs.stringData).sort(), ["client-ca.crt", "tls.crt", "tls.key"]);
    });

    it("issues the server certificate for every name the peer may dial", () => {
        const csr = mocks.resources.find((r) => r.name === release("tls-server-csr"))!;
        const server = `basic-${cc.releaseKey}`;
        assert.deepEqual(csr.inputs.dnsNames, [
            server,
            `${server}.hlf1`,
            `${server}.hlf1.svc`,
            `${server}.hlf1.svc.cluster.local`,
        ]);
        const key = mocks.resources.find((r) => r.name === release("tls-server-key"))!;
        assert.equal(key.inputs.algorithm, "ECDSA");
        assert.equal(key.inputs.ecdsaCurve, "P256");
        const leaf = mocks.resources.find((r) => r.name === release("tls-server"))!;
        assert.ok(leaf.inputs.allowedUses.includes("server_auth"));
        assert.equal(leaf.inputs.earlyRenewalHours, 720);
    });

    it("hardens the Deployment: probes, a drain before stop, limits, non-root, read-only root filesystem, labels", () => {
        const deployment = mocks.resources.find(
            (r) => r.type === DEPLOYMENT && r.name === release("server-deployment"),
        )!.inputs;
        const pod = deployment.spec.template.spec;
        const container = pod.containers[0];
        assert.deepEqual(container.readinessProbe.tcpSocket, { port: 9999 });
        assert.equal(container.readinessProbe.periodSeconds, 1, "a rollout waits for Ready: probed every second");
        assert.deepEqual(container.livenessProbe.tcpSocket, { port: 9999 });
        // A roll never leaves the Service without a routed, serving pod (see the e2e tier's rolls under load).
        assert.equal(deployment.spec.minReadySeconds, 5);
        assert.deepEqual(container.lifecycle.preStop, { sleep: { seconds: 5 } });
        assert.ok(container.resources.requests.cpu && container.resources.limits.memory);
        assert.equal(pod.securityContext.runAsNonRoot, true);
        assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault");
        assert.equal(container.securityContext.readOnlyRootFilesystem, true);
        assert.equal(container.securityContext.allowPrivilegeEscalation, false);
        assert.deepEqual(container.securityContext.capabilities.drop, ["ALL"]);
        assert.equal(pod.automountServiceAccountToken, false);
        assert.ok(
            container.volumeMounts.some((m: any) => m.mountPath === "/etc/hyperledger/chaincode/tls" && m.readOnly),
        );
        assert.equal(deployment.metadata.labels["app.kubernetes.io/name"], "basic");
        assert.equal(deployment.metadata.labels["app.kubernetes.io/component"], "chaincode");
        assert.match(
            deployment.spec.template.metadata.annotations["fabric-ccaas.io/tls-cert-sha256"],
            /^[0-9a-f]{64}$/,
        );
    });

    it("names the TLS Secret by its contents, so a renewed certificate is a new Secret the pods roll onto (never one replaced under the same name)", () => {
        const deployment = mocks.resources.find(
            (r) => r.type === DEPLOYMENT && r.name === release("server-deployment"),
        )!.inputs;
        const secret = mocks.resources.find(
            (r) => r.type === "kubernetes:core/v1:Secret" && r.name === release("server-tls"),
        )!.inputs;
        const expected = createHash("sha256")
            .update(`${secret.stringData["tls.crt"]}\n${secret.stringData["client-ca.crt"] ?? ""}`)
            .digest("hex")
            .slice(0, 10);
        assert.equal(secret.metadata.name, `${deployment.metadata.name}-tls-${expected}`);
        const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === "tls");
        assert.equal(volume.secret.secretName, secret.metadata.name);
    });

    it("exposes a ClusterIP Service and admits only peers through a NetworkPolicy", () => {
        const service = mocks.resources.find((r) => r.name === release("server-service"))!.inputs;
        assert.equal(service.spec.type, "ClusterIP");
        assert.equal(service.metadata.name, `basic-${cc.releaseKey}`, "each release has its own Service");
        assert.equal(service.spec.ports[0].port, 9999);
        // The rollout is awaited on the Deployment; the Service skips the provider's fixed 10 s endpoint settle.
        assert.equal(service.metadata.annotations["pulumi.com/skipAwait"], "true");
        const deployment = mocks.resources.find((r) => r.name === release("server-deployment"))!.inputs;
        assert.equal(
            deployment.metadata.annotations?.["pulumi.com/skipAwait"],
            undefined,
            "the Deployment's rollout is still awaited",
        );
        const policy = mocks.resources.find((r) => r.name === release("server-peers"))!.inputs;
        assert.deepEqual(policy.spec.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(policy.spec.ingress[0].from[0].podSelector.matchLabels, {
            "app.kubernetes.io/component": "peer",
        });
        assert.deepEqual(policy.spec.podSelector.matchLabels, service.spec.selector);
    });

    it("lets two instances live in one stack without colliding", async () => {
        const second = new ExternalChaincode("other", {
            chaincodeName: "other",
            namespace: "hlf1",
            createNamespace: false,
            image: "registry.example.com/other:2.0",
            tls: { clientAuth: false },
        });
        await promiseOf((await second.service).deploymentName);
        const urns = mocks.resources.map((r) => `${r.type}::${r.name}`);
        assert.equal(new Set(urns).size, urns.length, "every resource name is unique");
        const k8sNames = mocks.resources
            .filter((r) => r.type.startsWith("kubernetes:") && r.inputs.metadata?.namespace)
            .map((r) => `${r.type}/${r.inputs.metadata.namespace}/${r.inputs.metadata.name}`);
        assert.equal(new Set(k8sNames).size, k8sNames.length, "no two Kubernetes objects share a name");
        assert.equal(created("other").filter((r) => r.type === "kubernetes:core/v1:Namespace").length, 0);
        assert.equal(
            created("other").filter((r) => r.name.includes("client")).length,
            0,
            "no client leaf without mutual TLS",
        );
        assert.notEqual(await promiseOf(second.packageId), packageId);
    });

    it("rejects bad settings before creating any child resource", async () => {
        const sharedCa = new ChaincodeTls("shared-ca", { serviceName: "shared" });
        const cases: Array<[string, Record<string, unknown>, RegExp]> = [
            ["bad-label", { label: "-bad" }, /invalid label: "-bad"; expected a package label/],
            ["bad-address", { address: "no-port" }, /invalid address: "no-port"/],
            ["bad-port", { port: 70000 }, /invalid port: 70000; expected a whole number from 1 to 65535/],
            ["bad-ns", { namespace: "Bad_NS" }, /invalid namespace: "Bad_NS"; expected a DNS label/],
            ["bad-image", { image: "UPPER/Case::x" }, /invalid image: "UPPER\/Case::x"/],
            ["bad-replicas", { replicas: -1 }, /invalid replicas: -1/],
            ["bad-timeout", { dialTimeout: "10 seconds" }, /invalid dialTimeout: "10 seconds"/],
            ["bad-digest", { imageDigest: "sha256:xyz" }, /invalid imageDigest: "sha256:xyz"/],
            ["bad-validity", { tls: { validityHours: 0 } }, /invalid tls\.validityHours: 0/],
            [
                "bad-shared-algorithm",
                { tls: { ca: sharedCa, algorithm: "RSA" } },
                /invalid tls\.algorithm: "RSA"; expected ECDSA, the algorithm of the shared CA shared-ca/,
            ],
            [
                "bad-shared-lifetime",
                { tls: { ca: sharedCa, caValidityHours: 24 } },
                /invalid tls\.caValidityHours: 24; expected 87600, the lifetime of the shared CA shared-ca/,
            ],
            [
                "bad-shared-leaf",
                { tls: { ca: sharedCa, validityHours: 90000 } },
                /invalid tls\.validityHours: 90000; expected at most tls\.caValidityHours \(87600\)/,
            ],
            ["bad-cpu", { resources: { cpuRequest: "lots" } }, /invalid resources\.cpuRequest: "lots"/],
            [
                "request-over-limit",
                { resources: { cpuRequest: "2", cpuLimit: "1" } },
                /invalid resources\.cpuRequest: "2"; expected at most resources\.cpuLimit \(1\): Kubernetes refuses a request above its limit/,
            ],
            [
                "kube-namespace",
                { namespace: "kube-system" },
                /invalid namespace: "kube-system"; expected a namespace of the chaincode's own/,
            ],
            ["digit-service", { serviceName: "9basic" }, /invalid serviceName: "9basic"; expected a Service name/],
            [
                "limit-below-default-request",
                { resources: { memoryLimit: "64Mi" } },
                /invalid resources\.memoryLimit: "64Mi"; expected at least resources\.memoryRequest \(128Mi, its default/,
            ],
            [
                "env-twice",
                { env: { LOG: "debug" }, secretEnv: { LOG: "s3cr3t" } },
                /invalid secretEnv: "LOG"; expected a variable not also in env/,
            ],
            [
                "secret-env-managed",
                { secretEnv: { CHAINCODE_ID: "s3cr3t" } },
                /invalid secretEnv: "CHAINCODE_ID"; expected a variable the Deployment does not set itself/,
            ],
            // A caller's own names for the arguments, in the setting and in the rule that refers to another.
            [
                "mapped-names",
                {
                    tls: { validityHours: 90000 },
                    settingNames: { tls: "certificates", "tls.caValidityHours": "caHours" },
                },
                /invalid certificates\.validityHours: 90000; expected at most caHours \(87600\)/,
            ],
        ];
        for (const [name, override, message] of cases) {
            assert.throws(
                () =>
                    new ExternalChaincode(name, {
                        chaincodeName: "basic",
                        image: "registry.example.com/basic:1.0",
                        ...override,
                    } as any),
                (err: Error) => message.test(err.message),
                name,
            );
        }
        // Registrations are asynchronous: let any that were started arrive before counting.
        await registrationsSettled();
        for (const [name] of cases) {
            const children = created(name).filter((r) => r.name !== name);
            assert.equal(children.length, 0, `${name} created ${children.map((c) => c.name)}`);
        }
    });
});
