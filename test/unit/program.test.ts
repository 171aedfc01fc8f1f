import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import { promiseOf, registrationsSettled } from "./support/pulumiMocks";
import { loadProgram } from "./support/program";
import { testPki } from "../support/pki";
import { readSettings } from "../../components/settings";

/** A stack of one org with a channel: the lifecycle on, its admin key a secret. */
function lifecycleStack(): Record<string, string> {
    const pki = testPki();
    return {
        image: "registry.example.com/basic:1.0",
        channel: "mychannel",
        mspId: "Org1MSP",
        peers: JSON.stringify([{ endpoint: "127.0.0.1:7051" }]),
        peerTlsCaPem: pki.caCertPem,
        adminCertPem: pki.clientCertPem,
        adminKeyPem: pki.clientKeyPem,
    };
}

function runProgram(config: Record<string, string>, secretKeys: string[] = []) {
    return loadProgram({ config, secretKeys });
}

describe("the program (index.ts) under mocks", () => {
    it("stops on a bad setting before declaring any resource", async () => {
        const { mocks, load } = runProgram({ image: "registry.example.com/basic:1.0", port: "eighty" });
        assert.throws(load, (err: Error) => err.constructor.name === "RunError" && /invalid port: "eighty"/.test(err.message));
        await registrationsSettled();
        assert.equal(mocks.resources.length, 0);
    });

    it("deploys into AKS and exports what the user needs next", async () => {
        const { mocks, run } = runProgram({
            image: "registry.example.com/basic:1.0", aksCreate: "true", aksLocation: "westeurope", namespace: "hlf1",
        });
        const program = await run();
        const packageId: string = await promiseOf(program.packageId);
        assert.match(packageId, /^basic_1\.0:[0-9a-f]{64}$/);
        assert.equal(program.connectionAddress, `basic-${program.releaseKey}.hlf1:9999`);
        assert.equal(await promiseOf(program.namespace), "hlf1");
        assert.match(await promiseOf(program.caCertPem), /BEGIN CERTIFICATE/);
        assert.ok(mocks.byType("azure-native:containerservice:ManagedCluster").length === 1);
        const provider = mocks.one("pulumi:providers:kubernetes");
        assert.ok(provider.secretPaths.includes("kubeconfig"), "kubeconfig reaches the engine as a secret");
        assert.match(provider.inputs.clusterIdentifier, /aks/);
        assert.equal(await pulumiIsSecret(program.kubeconfig), true);
        assert.match(await promiseOf(program.nextSteps), new RegExp(packageId.replace(/[.]/g, "\\.")));
    });
});

/** Literal defaults in Pulumi.yaml's comment ("Defaults to 9999.", "Defaults to \"ccaas\"."); prose defaults are the program's to compute. */
function documentedDefaults(): Record<string, string> {
    const text = readFileSync(join(__dirname, "..", "..", "..", "Pulumi.yaml"), "utf8");
    const literal = /^#   ([A-Za-z]+) \([a-z<>]+\): .*Defaults to ("[^"<]*"|-?[0-9]+|true|false)[. (]/gm;
    return Object.fromEntries([...text.matchAll(literal)].map((m) => [m[1], String(yaml.load(m[2]))]));
}

describe("the defaults Pulumi.yaml documents", () => {
    // The AKS and image-build keys apply only with aksCreate / imageBuild true; the lifecycle keys only with a channel.
    const onlyWithAnother = /^(aks[A-Z]|imageBuild[A-Z]|sequence$|initRequired$|commit$|fabricTimeoutSeconds$|smoke)/;

    it("deploy exactly what the program deploys when the keys are unset", async () => {
        const defaults = Object.fromEntries(Object.entries(documentedDefaults()).filter(([key]) => !onlyWithAnother.test(key)));
        assert.ok(Object.keys(defaults).length >= 20, `found ${Object.keys(defaults).length} literal defaults`);
        const image = { image: "registry.example.com/basic:1.0" };
        const deployed = async (config: Record<string, string>) => {
            const { mocks, run } = runProgram(config);
            await promiseOf((await run()).serviceName);
            await registrationsSettled();
            return mocks.resources.map((r) => ({ type: r.type, name: r.name, inputs: r.inputs }));
        };
        const withoutDefaults = await deployed(image);
        assert.ok(withoutDefaults.length > 10);
        assert.deepEqual(await deployed({ ...defaults, ...image }), withoutDefaults);
    });

    it("are what the settings hold for the lifecycle keys when they are unset (so stacks from before keep their inputs)", () => {
        const lifecycleDefaults = Object.fromEntries(Object.entries(documentedDefaults()).filter(([key]) => onlyWithAnother.test(key) && !/^(aks|imageBuild)/.test(key)));
        assert.deepEqual(Object.keys(lifecycleDefaults).sort(), ["commit", "fabricTimeoutSeconds", "initRequired", "sequence", "smokeCheck", "smokeFunction", "smokeWaitSeconds"]);
        const pki = testPki();
        const stack = lifecycleStack();
        const read = (config: Record<string, string>) => {
            const { lifecycle, smokeCheck } = readSettings({ get: (key) => config[key] }, { adminKeyPem: pki.clientKeyPem }).chaincode;
            // "auto" and true are the components' own defaults: set, they read as given.
            return { lifecycle: { ...lifecycle, sequence: lifecycle?.sequence ?? "auto", commit: lifecycle?.commit ?? true }, smokeCheck: { ...smokeCheck, enabled: smokeCheck?.enabled ?? true } };
        };
        assert.deepEqual(read({ ...stack, ...lifecycleDefaults }), read(stack));
    });
});

describe("the program with the Fabric lifecycle", () => {
    it("reads the org's secrets as secrets and exports the committed sequence", async () => {
        const pki = testPki();
        const cert = { certPem: pki.clientCertPem, keyPem: pki.clientKeyPem };
        const { mocks, run } = runProgram({
            image: "registry.example.com/basic:1.0",
            channel: "mychannel",
            mspId: "Org1MSP",
            peers: JSON.stringify([{ endpoint: "127.0.0.1:7051", hostOverride: "peer0.org1.example.com" }]),
            peerTlsCaPem: cert.certPem,
            adminCertPem: cert.certPem,
            adminKeyPem: cert.keyPem,
            endorsementPolicy: "OR('Org1MSP.member')",
        }, ["adminKeyPem"]);
        const program = await run();
        await promiseOf(program.committedSequence);
        await registrationsSettled();
        // The commit endorses through this org's first peer, named as the user wrote it when a check fails.
        const definition = mocks.named("basic-lifecycle-definition");
        assert.deepEqual(definition.inputs.peers, [{ endpoint: "127.0.0.1:7051", tlsCaPem: cert.certPem, hostOverride: "peer0.org1.example.com", mspId: "Org1MSP" }]);
        assert.equal(definition.inputs.settingNames["peers[0].tlsCaPem"], "peerTlsCaPem");
        assert.equal(definition.inputs.sequence, "auto");
        const install = mocks.named("basic-lifecycle-install-0");
        assert.equal(install.inputs.adminKeyPem, cert.keyPem);
        assert.ok(install.secretPaths.includes("adminKeyPem"));
        assert.equal(install.inputs.peerHostOverride, "peer0.org1.example.com");
        assert.ok(mocks.named("basic-smoke").secretPaths.includes("adminKeyPem"));
    });

    it("acts for the orgs of otherOrgs too, their keys passed on as secrets", async () => {
        const pki = testPki();
        const org2 = { mspId: "Org2MSP", peers: [{ endpoint: "127.0.0.1:9051" }], peerTlsCaPem: pki.caCertPem, adminCertPem: pki.clientCertPem, adminKeyPem: pki.clientKeyPem };
        const { mocks, run } = runProgram({ ...lifecycleStack(), otherOrgs: JSON.stringify([org2]) }, ["adminKeyPem", "otherOrgs"]);
        const program = await run();
        await promiseOf(program.committedSequence);
        await registrationsSettled();
        for (const name of ["basic-lifecycle-Org2MSP-install-0", "basic-lifecycle-Org2MSP-approval"]) {
            const resource = mocks.named(name);
            assert.equal(resource.inputs.mspId, "Org2MSP", name);
            assert.equal(resource.inputs.adminKeyPem, pki.clientKeyPem, name);
            assert.ok(resource.secretPaths.includes("adminKeyPem"), `${name}: the key reaches the engine as a secret`);
        }
        assert.deepEqual(mocks.named("basic-lifecycle-definition").inputs.peers.map((p: { mspId: string }) => p.mspId), ["Org1MSP", "Org2MSP"]);
    });

    it("commits only after the orgs of the referenced stacks approved (StackReference)", async () => {
        const { mocks, run } = runProgram({ ...lifecycleStack(), approvalStacks: JSON.stringify(["acme/fabric-ccaas/org2"]) }, ["adminKeyPem"]);
        const program = await run();
        await promiseOf(program.committedSequence);
        await registrationsSettled();
        assert.equal(mocks.one("pulumi:pulumi:StackReference").inputs.name, "acme/fabric-ccaas/org2");
        assert.deepEqual(mocks.named("basic-lifecycle-definition").inputs.requiredApprovals, ["Org1MSP", "Org2MSP"]);
    });
});

async function pulumiIsSecret(output: any): Promise<boolean> {
    const pulumi = await import("@pulumi/pulumi");
    return pulumi.isSecret(output);
}
