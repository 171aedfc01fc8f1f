/*
 * AKS as the stack's target (mocks): Entra ID sign-in without local
 * accounts, the API server's exposure, a network policy engine, the registry
 * the nodes pull from (AcrPull for the kubelet identity, scoped to the
 * registry), the built image's digest in the Deployment, and what a new
 * user's first `up` of Pulumi.dev.yaml creates.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import {
    dependsOn,
    MOCK_KUBELET_OBJECT_ID,
    MOCK_SUBSCRIPTION,
    promiseOf,
    registrationsSettled,
} from "./support/pulumiMocks";
import { loadProgram } from "./support/program";
import { ACR_PULL_ROLE_ID } from "../../components/azure/aks-cluster";
import { AKS_SERVER_APP_ID } from "../../components/azure/aks-kubeconfig";

const ROOT = join(__dirname, "..", "..", "..");
const ADMIN_GROUP = "0b8d9c52-1f3e-4a6b-9d2c-7e5f4a3b2c1d";
const aks = {
    image: "registry.example.com/basic:1.0",
    aksCreate: "true",
    aksLocation: "westeurope",
    aksAdminGroupObjectIds: JSON.stringify([ADMIN_GROUP]),
};
const CLUSTER = "azure-native:containerservice:ManagedCluster";
const REGISTRY = "azure-native:containerregistry:Registry";
const ROLE = "azure-native:authorization:RoleAssignment";
const EXISTING_REGISTRY = `/subscriptions/${"9".repeat(8)}-9999-4999-8999-${"9".repeat(12)}/resourceGroups/shared-rg/providers/Microsoft.ContainerRegistry/registries/SharedAcr`;

async function deploy(config: Record<string, string>) {
    const { mocks, run } = loadProgram({ config, secretKeys: ["kubeconfig"] });
    const program = await run();
    await promiseOf(program.serviceName);
    await registrationsSettled();
    return { mocks, program };
}

/** Pulumi.dev.yaml's keys of this project, as config strings. */
function devStack(): Record<string, string> {
    const stack = yaml.load(readFileSync(join(ROOT, "Pulumi.dev.yaml"), "utf8")) as { config: Record<string, unknown> };
    return Object.fromEntries(
        Object.entries(stack.config)
            .filter(([key]) => key.startsWith("fabric-ccaas:"))
            .map(([key, value]) => [
                key.slice("fabric-ccaas:".length),
                typeof value === "string" ? value : JSON.stringify(value),
            ]),
    );
}

describe("AKS in the program (mocks)", () => {
    it("signs in through Entra ID only: managed AAD with the admin groups, local accounts off, and kubelogin without a prompt", async () => {
        const { mocks, program } = await deploy(aks);
        const cluster = mocks.one(CLUSTER).inputs;
        assert.deepEqual(cluster.aadProfile, { managed: true, adminGroupObjectIDs: [ADMIN_GROUP] });
        assert.equal(cluster.disableLocalAccounts, true);
        const provider = mocks.one("pulumi:providers:kubernetes");
        assert.ok(provider.secretPaths.includes("kubeconfig"), "the kubeconfig reaches the engine as a secret");
        const kubeconfig = JSON.parse(provider.inputs.kubeconfig);
        assert.deepEqual(kubeconfig.users[0].user.exec.args, [
            "get-token",
            "--login",
            "azurecli",
            "--server-id",
            AKS_SERVER_APP_ID,
        ]);
        assert.equal(kubeconfig.users[0].user.exec.interactiveMode, "Never");
        assert.equal(
            kubeconfig.clusters[0].cluster.server,
            "https://aks.example:443",
            "the cluster entry is AKS's own",
        );
        assert.ok(!provider.inputs.kubeconfig.includes("devicecode"), "no device-code prompt is left for a CI runner");
        assert.equal(await promiseOf(program.kubeconfig), provider.inputs.kubeconfig);
    });

    it("signs in with the mode the stack names (workload identity)", async () => {
        const { mocks } = await deploy({ ...aks, aksLogin: "workloadidentity" });
        const kubeconfig = JSON.parse(mocks.one("pulumi:providers:kubernetes").inputs.kubeconfig);
        assert.deepEqual(kubeconfig.users[0].user.exec.args.slice(0, 3), ["get-token", "--login", "workloadidentity"]);
    });

    it("keeps local accounts and the cluster user's credentials when told to, with no Entra ID", async () => {
        const { mocks } = await deploy({ ...aks, aksAdminGroupObjectIds: "[]", aksDisableLocalAccounts: "false" });
        const cluster = mocks.one(CLUSTER).inputs;
        assert.equal(cluster.aadProfile, undefined);
        assert.equal(cluster.disableLocalAccounts, false);
        assert.match(mocks.one("pulumi:providers:kubernetes").inputs.kubeconfig, /token: secret-token/);
    });

    it("limits the API server to the authorized ranges, or makes it private", async () => {
        const ranges = ["203.0.113.0/24", "198.51.100.16/28"];
        const limited = (await deploy({ ...aks, aksAuthorizedIpRanges: JSON.stringify(ranges) })).mocks.one(
            CLUSTER,
        ).inputs;
        assert.deepEqual(limited.apiServerAccessProfile, { authorizedIPRanges: ranges });
        const closed = (await deploy({ ...aks, aksPrivateCluster: "true" })).mocks.one(CLUSTER).inputs;
        assert.deepEqual(closed.apiServerAccessProfile, { enablePrivateCluster: true });
        assert.equal((await deploy(aks)).mocks.one(CLUSTER).inputs.apiServerAccessProfile, undefined);
    });

    it("runs the policy engine on Azure CNI so the NetworkPolicy is enforced: calico by default, Cilium on its own dataplane, none only when asked", async () => {
        const engine = async (config: Record<string, string>) => {
            const { networkPlugin, networkPolicy, networkDataplane } = (await deploy(config)).mocks.one(CLUSTER).inputs
                .networkProfile;
            return { networkPlugin, networkPolicy, networkDataplane };
        };
        assert.deepEqual(await engine(aks), {
            networkPlugin: "azure",
            networkPolicy: "calico",
            networkDataplane: undefined,
        });
        assert.deepEqual(await engine({ ...aks, aksNetworkPolicy: "cilium" }), {
            networkPlugin: "azure",
            networkPolicy: "cilium",
            networkDataplane: "cilium",
        });
        assert.deepEqual(await engine({ ...aks, aksNetworkPolicy: "none" }), {
            networkPlugin: "azure",
            networkPolicy: undefined,
            networkDataplane: undefined,
        });
    });

    it("creates the registry and lets the nodes' kubelet identity pull from it (AcrPull, scoped to the registry) before any chaincode server starts", async () => {
        const { mocks, program } = await deploy({ ...aks, aksRegistryName: "fabricccaas" });
        const registry = mocks.one(REGISTRY);
        assert.equal(registry.inputs.registryName, "fabricccaas");
        assert.equal(registry.inputs.adminUserEnabled, false, "no shared admin password");
        const role = mocks.one(ROLE);
        const registryId = `/subscriptions/${MOCK_SUBSCRIPTION}/resourceGroups/rg/providers/Microsoft.ContainerRegistry/registries/fabricccaas`;
        assert.equal(role.inputs.scope, registryId, "scoped to the registry, not the subscription");
        assert.equal(
            role.inputs.principalId,
            MOCK_KUBELET_OBJECT_ID,
            "granted to the kubelet identity, not the cluster's control plane identity",
        );
        assert.equal(role.inputs.principalType, "ServicePrincipal");
        assert.equal(
            role.inputs.roleDefinitionId,
            `/subscriptions/${MOCK_SUBSCRIPTION}/providers/Microsoft.Authorization/roleDefinitions/${ACR_PULL_ROLE_ID}`,
        );
        assert.ok(dependsOn(role, "aks-aks") && dependsOn(role, "aks-acr"));
        const deployment = mocks.byType("kubernetes:apps/v1:Deployment")[0];
        assert.ok(dependsOn(deployment, "aks-acr-pull"), "the pods start once the nodes may pull");
        assert.equal(await promiseOf(program.registryLoginServer), "fabricccaas.azurecr.io");
    });

    it("grants an existing registry by its ID without creating one, and builds into it", async () => {
        const { image: _image, ...withoutImage } = aks;
        const { mocks } = await deploy({ ...withoutImage, aksRegistryId: EXISTING_REGISTRY, imageBuild: "true" });
        assert.equal(mocks.byType(REGISTRY).length, 0);
        const role = mocks.one(ROLE);
        assert.equal(role.inputs.scope, EXISTING_REGISTRY);
        assert.match(role.inputs.roleDefinitionId, /^\/subscriptions\/9{8}-9999-4999-8999-9{12}\/providers\//);
        assert.match(mocks.named("image-build").inputs.create, /^az acr build --registry 'sharedacr' /);
        assert.ok(dependsOn(mocks.named("image-build"), "aks-acr-pull"));
    });

    it("a new user's first up of Pulumi.dev.yaml creates the cluster, the registry and its pull grant, the image, and the hardened workload, pinned by digest", async () => {
        const { mocks, program } = await deploy(devStack());
        const created = mocks.resources.map((r) => `${r.type} ${r.name}`);
        const expected = [
            "azure-native:resources:ResourceGroup aks-rg",
            `${CLUSTER} aks-aks`,
            `${REGISTRY} aks-acr`,
            `${ROLE} aks-acr-pull`,
            "pulumi:providers:kubernetes aks-k8s",
            "command:local:Command image-build",
            "command:local:Command image-digest",
            "kubernetes:core/v1:Namespace basic-ns",
        ];
        for (const name of expected)
            assert.ok(created.includes(name), `${name} is not declared: ${created.join(", ")}`);
        const release = String(program.releaseKey);
        for (const suffix of [
            "server-account",
            "server-tls",
            "server-deployment",
            "server-service",
            "server-peers",
            "server-budget",
        ]) {
            assert.ok(
                mocks.resources.some((r) => r.name === `basic-${release}-${suffix}`),
                `basic-${release}-${suffix}`,
            );
        }
        assert.match(
            mocks.named(`basic-${release}-server-deployment`).inputs.spec.template.spec.containers[0].image,
            /^fabricccaas\.azurecr\.io\/asset-transfer-basic:src-[0-9a-f]{16}@sha256:[0-9a-f]{64}$/,
        );
        assert.equal(
            mocks.one("kubernetes:core/v1:Namespace").inputs.metadata.labels["pod-security.kubernetes.io/enforce"],
            "restricted",
        );
        assert.deepEqual(
            mocks.named(`basic-${release}-server-peers`).inputs.spec.ingress[0].from[0].namespaceSelector,
            { matchLabels: { "kubernetes.io/metadata.name": "hlf1" } },
        );
    });
});
