/*
 * The performance floor (bench/pulumi-floor) replays a stack's state as a
 * graph of the same shape. These states have the shape `pulumi stack export
 * --show-secrets` prints.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
    type ExportedResource,
    floorPlan,
    PLAN_SECRET,
    planTypes,
    replayedTypes,
    resourceMix,
} from "../../bench/pulumi-floor/plan";

const PREFIX = "urn:pulumi:ten::fabric-ccaas::";
const STACK = `${PREFIX}pulumi:pulumi:Stack::fabric-ccaas-ten`;
const K8S_PROVIDER = `${PREFIX}pulumi:providers:kubernetes::cluster`;
const DEFAULT_TLS = `${PREFIX}pulumi:providers:tls::default_5_5_1`;
const COMPONENT = `${PREFIX}fabric-ccaas:index:ExternalChaincode::ten0`;
const NAMESPACE = `${PREFIX}fabric-ccaas:index:ExternalChaincode$kubernetes:core/v1:Namespace::ten0-namespace`;
const KEY = `${PREFIX}fabric-ccaas:index:ExternalChaincode$tls:index/privateKey:PrivateKey::ten0-key`;
const DEPLOYMENT = `${PREFIX}fabric-ccaas:index:ExternalChaincode$kubernetes:apps/v1:Deployment::ten0-server`;
const INSTALL = `${PREFIX}fabric-ccaas:index:ExternalChaincode$pulumi-nodejs:dynamic/fabric:ChaincodeInstall::ten0-peer0`;
const SMOKE = `${PREFIX}fabric-ccaas:index:ExternalChaincode$pulumi-nodejs:dynamic:Resource::ten0-smoke`;

const secret = (value: unknown) => ({
    "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
    plaintext: JSON.stringify(value),
});

function state(namespaceOfDeployment = "hlf-ten"): ExportedResource[] {
    return [
        { urn: STACK, type: "pulumi:pulumi:Stack", custom: false },
        { urn: DEFAULT_TLS, type: "pulumi:providers:tls", custom: true, parent: STACK },
        {
            urn: K8S_PROVIDER,
            type: "pulumi:providers:kubernetes",
            custom: true,
            parent: STACK,
            inputs: { kubeconfig: secret("apiVersion: v1") },
        },
        { urn: COMPONENT, type: "fabric-ccaas:index:ExternalChaincode", parent: STACK },
        {
            urn: NAMESPACE,
            type: "kubernetes:core/v1:Namespace",
            custom: true,
            parent: COMPONENT,
            provider: `${K8S_PROVIDER}::8e1c`,
            inputs: { apiVersion: "v1", kind: "Namespace", metadata: { name: "hlf-ten" } },
        },
        {
            urn: KEY,
            type: "tls:index/privateKey:PrivateKey",
            custom: true,
            parent: COMPONENT,
            provider: `${DEFAULT_TLS}::04da`,
            inputs: { algorithm: "ECDSA", ecdsaCurve: "P256" },
            additionalSecretOutputs: ["privateKeyPem"],
        },
        {
            urn: INSTALL,
            type: "pulumi-nodejs:dynamic/fabric:ChaincodeInstall",
            custom: true,
            parent: COMPONENT,
            dependencies: [KEY],
            inputs: { __provider: "exports.handler = …", adminKeyPem: secret("-----BEGIN PRIVATE KEY-----") },
        },
        {
            urn: DEPLOYMENT,
            type: "kubernetes:apps/v1:Deployment",
            custom: true,
            parent: COMPONENT,
            provider: `${K8S_PROVIDER}::8e1c`,
            dependencies: [NAMESPACE, INSTALL],
            inputs: {
                metadata: { name: "ten0-server", namespace: namespaceOfDeployment, labels: { team: "hlf-ten-ops" } },
                spec: { template: { spec: { containers: [{ env: [{ name: "NS", value: "hlf-ten" }] }] } } },
            },
        },
        {
            urn: SMOKE,
            type: "pulumi-nodejs:dynamic:Resource",
            custom: true,
            parent: COMPONENT,
            dependencies: [DEPLOYMENT, STACK],
            inputs: { __provider: "exports.handler = …" },
        },
        {
            urn: `${PREFIX}tls:index/privateKey:PrivateKey::gone`,
            type: "tls:index/privateKey:PrivateKey",
            delete: true,
        },
    ];
}

describe("the performance floor's plan, read from a stack's state", () => {
    it("registers the same mix of resource types the stack holds, so the two cannot drift apart", () => {
        const exported = state();
        const plan = floorPlan(exported);
        assert.deepEqual(resourceMix(planTypes(plan)), resourceMix(replayedTypes(exported)));
        assert.deepEqual(resourceMix(planTypes(plan)), {
            "fabric-ccaas:index:ExternalChaincode": 1,
            "kubernetes:apps/v1:Deployment": 1,
            "kubernetes:core/v1:Namespace": 1,
            "pulumi-nodejs:dynamic/fabric:ChaincodeInstall": 1,
            "pulumi-nodejs:dynamic:Resource": 1,
            "pulumi:providers:kubernetes": 1,
            "tls:index/privateKey:PrivateKey": 1,
        });
    });

    it("keeps each resource's parent, explicit provider and dependencies, as indexes of earlier resources", () => {
        const plan = floorPlan(state()).resources;
        const at = (name: string) => plan.findIndex((resource) => resource.name === name);
        const deployment = plan[at("ten0-server")];
        assert.equal(deployment.parent, at("ten0"));
        assert.equal(deployment.provider, at("cluster"));
        assert.deepEqual(deployment.dependsOn, [at("ten0-namespace"), at("ten0-peer0")].sort());
        assert.ok(deployment.dependsOn.every((index) => index < at("ten0-server")));
        assert.equal(plan[at("ten0-key")].provider, undefined, "the default TLS provider is the floor's default too");
        assert.deepEqual(plan[at("ten0-smoke")].dependsOn, [at("ten0-server")]);
        assert.equal(plan[at("ten0")].parent, undefined, "a child of the stack is a child of the floor's stack");
        assert.deepEqual(plan[at("ten0-key")].additionalSecretOutputs, ["privateKeyPem"]);
    });

    it("moves the stack's Kubernetes objects into namespaces of their own, leaving other text alone", () => {
        const plan = floorPlan(state()).resources;
        const inputsOf = (name: string) => plan.find((resource) => resource.name === name)?.inputs;
        assert.deepEqual(inputsOf("ten0-namespace"), {
            apiVersion: "v1",
            kind: "Namespace",
            metadata: { name: "floor-hlf-ten" },
        });
        assert.deepEqual(inputsOf("ten0-server"), {
            metadata: { name: "ten0-server", namespace: "floor-hlf-ten", labels: { team: "hlf-ten-ops" } },
            spec: { template: { spec: { containers: [{ env: [{ name: "NS", value: "floor-hlf-ten" }] }] } } },
        });
    });

    it("keeps the real providers' inputs, secrets marked, and gives the dynamic resources none", () => {
        const plan = floorPlan(state()).resources;
        const byName = (name: string) => plan.find((resource) => resource.name === name);
        assert.deepEqual(byName("cluster"), {
            kind: "provider",
            type: "kubernetes",
            name: "cluster",
            parent: undefined,
            provider: undefined,
            dependsOn: [],
            inputs: { kubeconfig: { [PLAN_SECRET]: "apiVersion: v1" } },
        });
        assert.deepEqual(byName("ten0-key")?.inputs, { algorithm: "ECDSA", ecdsaCurve: "P256" });
        const install = byName("ten0-peer0");
        assert.deepEqual(
            [install?.kind, install?.inputs, install?.dynamicModule, install?.dynamicType],
            ["dynamic", {}, "fabric", "ChaincodeInstall"],
        );
        const smoke = byName("ten0-smoke");
        assert.deepEqual([smoke?.dynamicModule, smoke?.dynamicType], [undefined, undefined]);
    });

    it("refuses an object in a namespace the stack does not create, which the floor would overwrite", () => {
        assert.throws(
            () => floorPlan(state("shared")),
            /ten0-server is in the namespace shared, which the stack does not create/,
        );
    });

    it("refuses a state that lists a resource before one it depends on", () => {
        const exported = state();
        const install = exported.findIndex((resource) => resource.urn === INSTALL);
        const [moved] = exported.splice(install, 1);
        exported.push(moved);
        assert.throws(() => floorPlan(exported), /ten0-server refers to .*ten0-peer0, which the state lists after it/);
    });

    it("refuses a state whose secrets are encrypted", () => {
        const encrypted = state().map((resource) =>
            resource.urn === K8S_PROVIDER
                ? {
                      ...resource,
                      inputs: {
                          kubeconfig: {
                              "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
                              ciphertext: "v1:abc",
                          },
                      },
                  }
                : resource,
        );
        assert.throws(() => floorPlan(encrypted), /export it with --show-secrets/);
    });
});
