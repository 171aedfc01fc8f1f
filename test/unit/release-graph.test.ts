/*
 * The graph while a new release waits for its commit: two servers side by
 * side, the live one declared so that nothing of it changes; one server once
 * the channel runs the new package. Names never collide; the namespace and
 * the CA survive every release.
 */
import { before, describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { installMocks, promiseOf, registrationsSettled } from "./support/pulumiMocks";

const mocks = installMocks();
import { ExternalChaincode, type ExternalChaincodeArgs } from "../../components/chaincode/external-chaincode";
import { readChaincodePackage } from "../../components/packaging";

const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const LIVE_PACKAGE = `basic_1.0:${"ab".repeat(32)}`;

async function declare(name: string, args: Partial<ExternalChaincodeArgs>) {
    const cc = new ExternalChaincode(name, {
        chaincodeName: "basic",
        namespace: name,
        image: "registry.example.com/basic:1.1",
        ...args,
    });
    await promiseOf(cc.packageId);
    await registrationsSettled();
    return { cc, resources: mocks.resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`)) };
}

const envOf = (deployment: { inputs: any }) =>
    Object.fromEntries(deployment.inputs.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));

describe("releases side by side (mocks)", () => {
    let firstKey: string;
    before(async () => {
        firstKey = (await declare("probe", { chaincodeVersion: "1.0", namespace: "pending" })).cc.releaseKey;
    });

    it("keep the live release's server, unchanged, beside the new one until the commit", async () => {
        const { cc, resources } = await declare("pending", {
            chaincodeVersion: "1.1",
            channelPlan: {
                liveRelease: {
                    packageId: LIVE_PACKAGE,
                    address: `basic-${firstKey}.pending:9999`,
                    sequence: 1,
                    replacedInThisUpdate: false,
                },
            },
        });
        assert.notEqual(cc.releaseKey, firstKey, "a new version is a new release");
        assert.deepEqual(
            (await cc.releases).map((r) => r.role),
            ["declared", "live"],
        );
        const deployments = resources.filter((r) => r.type === DEPLOYMENT);
        assert.deepEqual(
            deployments.map((d) => d.inputs.metadata.name).sort(),
            [`basic-${cc.releaseKey}`, `basic-${firstKey}`].sort(),
        );
        const live = deployments.find((d) => d.inputs.metadata.name === `basic-${firstKey}`)!;
        assert.equal(
            envOf(live).CHAINCODE_ID,
            LIVE_PACKAGE,
            "the live server keeps registering as the package the peers run",
        );
        assert.equal(envOf(deployments.find((d) => d !== live)!).CHAINCODE_ID, await promiseOf(cc.packageId));

        // Every object of the live release ignores what the program gives now (a new image, say).
        const custom = resources.filter((r) => !r.type.startsWith("fabric-ccaas:index:"));
        for (const resource of custom.filter((r) => r.name.startsWith(`pending-${firstKey}-`))) {
            // apiVersion and kind are fixed by the Kubernetes SDK, never by us.
            const given = Object.keys(resource.inputs).filter((key) => key !== "apiVersion" && key !== "kind");
            assert.ok(
                given.length > 0 && given.every((key) => resource.ignoreChanges.includes(key)),
                `${resource.name} is not kept as it is: ignores ${resource.ignoreChanges}`,
            );
        }
        // The provider turns stringData into data; a changed data would replace the Secret, and the Deployment with it.
        const liveSecret = custom.find((r) => r.name === `pending-${firstKey}-server-tls`)!;
        assert.ok(liveSecret.ignoreChanges.includes("data"), `the live Secret ignores ${liveSecret.ignoreChanges}`);
        for (const resource of custom.filter((r) => r.name.startsWith(`pending-${cc.releaseKey}-`))) {
            assert.deepEqual(resource.ignoreChanges, [], `${resource.name} of the new release must follow the program`);
        }

        // No two objects share a Kubernetes name, and each release has its own address.
        const names = resources
            .filter((r) => r.type.startsWith("kubernetes:"))
            .map((r) => `${r.type} ${r.inputs.metadata.name}`);
        assert.equal(new Set(names).size, names.length, names.join(", "));
        const connection = readChaincodePackage(Buffer.from(await promiseOf(cc.packageBase64), "base64")).connection!;
        assert.equal(connection.address, `basic-${cc.releaseKey}.pending:9999`);
        assert.equal(
            resources.filter((r) => r.type === "kubernetes:core/v1:Namespace").length,
            1,
            "one namespace for every release",
        );
        assert.equal(
            resources.filter((r) => r.type === "tls:index/selfSignedCert:SelfSignedCert").length,
            1,
            "one CA for every release",
        );
    });

    it("declare only the new server when this update moves the peers to it (the old one is deleted at its end)", async () => {
        const { cc, resources } = await declare("switching", {
            chaincodeVersion: "1.1",
            channelPlan: {
                liveRelease: {
                    packageId: LIVE_PACKAGE,
                    address: `basic-${firstKey}.switching:9999`,
                    sequence: 1,
                    replacedInThisUpdate: true,
                },
            },
        });
        assert.deepEqual(
            (await cc.releases).map((r) => r.role),
            ["declared"],
        );
        assert.deepEqual(
            resources.filter((r) => r.type === DEPLOYMENT).map((d) => d.inputs.metadata.name),
            [`basic-${cc.releaseKey}`],
        );
    });

    it("keep the server from before releases under its old resource names, and the namespace under an alias", async () => {
        const { cc, resources } = await declare("legacy", {
            channelPlan: {
                liveRelease: {
                    packageId: LIVE_PACKAGE,
                    address: "basic.legacy:9999",
                    sequence: 1,
                    replacedInThisUpdate: false,
                },
            },
        });
        const legacyServer = resources.find((r) => r.name === "legacy-server-deployment");
        assert.ok(legacyServer, `no legacy-server-deployment among ${resources.map((r) => r.name).join(", ")}`);
        assert.equal(legacyServer.inputs.metadata.name, "basic");
        assert.ok(
            resources.some((r) => r.name === "legacy-tls-server"),
            "the old server certificate keeps its name",
        );
        assert.ok(resources.some((r) => r.name === `legacy-${cc.releaseKey}-server-deployment`));
        const namespace = resources.find((r) => r.type === "kubernetes:core/v1:Namespace")!;
        assert.equal(namespace.name, "legacy-ns");
        assert.ok(
            namespace.aliases.some((alias) =>
                alias.endsWith(
                    "ExternalChaincode$fabric-ccaas:index:ChaincodeService::legacy-server::legacy-server-ns",
                ),
            ),
            `the namespace would be replaced: aliases ${namespace.aliases}`,
        );
    });

    it("renew the client certificate through a new release (generation), never in place", async () => {
        const { cc: first } = await declare("gen1", {});
        const { cc: second, resources } = await declare("gen2", { namespace: "gen1", tls: { clientGeneration: 2 } });
        assert.notEqual(second.releaseKey, first.releaseKey);
        const client = resources.find((r) => r.name === `gen2-${second.releaseKey}-tls-client`)!;
        assert.equal(
            client.inputs.earlyRenewalHours,
            0,
            "the provider must never renew the packaged certificate in place",
        );
        assert.equal(
            client.inputs.validityPeriodHours,
            87600,
            "the client certificate lives as long as the CA by default",
        );
        const server = resources.find((r) => r.name === `gen2-${second.releaseKey}-tls-server`)!;
        assert.equal(server.inputs.earlyRenewalHours, 720, "the server leaf is outside the package: renewed in place");
    });

    it("a new image alone is no new release", async () => {
        const { cc: a } = await declare("image-a", { namespace: "img", createNamespace: false });
        const { cc: b } = await declare("image-b", {
            namespace: "img",
            createNamespace: false,
            image: "registry.example.com/basic:9",
        });
        assert.equal(a.releaseKey, b.releaseKey);
    });
});
