/*
 * The dynamic resources as the Pulumi program declares them (engine
 * mocked): secrets stay secret in state, the serialised provider carries no
 * secret and works when loaded out of process, defaults are filled in.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, realpathSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { buildChaincodePackage } from "../../components/packaging";
import { inflatedPackage } from "../../components/lifecycle/providers/package-in-state";
import {
    ChaincodeApproval,
    chaincodeApprovalProvider,
    ChaincodeDefinition,
    chaincodeDefinitionProvider,
    ChaincodeInstall,
    chaincodeInstallProvider,
    ChaincodeSmokeCheck,
    chaincodeSmokeCheckProvider,
} from "../../components/lifecycle/providers";
import { testPki } from "../support/pki";
import { installMocks, promiseOf, registrationsSettled } from "./support/pulumiMocks";

const recorder = installMocks();
/** additionalSecretOutputs per resource name, as registered with the engine (which applies them to the state). */
const secretOutputsByName = new Map<string, string[]>();
{
    const monitor = (
        pulumi.runtime as unknown as { getMonitor(): { registerResource: (req: any, callback: any) => unknown } }
    ).getMonitor();
    const register = monitor.registerResource.bind(monitor);
    monitor.registerResource = (req: any, callback: any) => {
        secretOutputsByName.set(req.getName(), req.getAdditionalsecretoutputsList());
        return register(req, callback);
    };
}
const pki = testPki();
const pkg = buildChaincodePackage({ label: "basic_1.0", address: "basic.chaincode:9999" });
const connection = { peer: { endpoint: "peer0.org1.example.com:7051", tlsCaPem: pki.caCertPem } };
const admin = { mspId: "Org1MSP", adminCertPem: pki.clientCertPem, adminKeyPem: pulumi.secret(pki.clientKeyPem) };

describe("dynamic resources in a program", () => {
    it("asks the engine to keep admin keys, client keys and package bytes secret in state, even when passed in plain", async () => {
        const install = new ChaincodeInstall("peer0", {
            ...connection,
            ...admin,
            adminKeyPem: pki.clientKeyPem,
            clientTlsCertPem: pki.clientCertPem,
            clientTlsKeyPem: pki.clientKeyPem,
            packageBase64: pkg.bytes.toString("base64"),
            packageId: pkg.packageId,
        });
        assert.equal(await promiseOf(install.packageId), pkg.packageId);
        assert.deepEqual([...(secretOutputsByName.get("peer0") ?? [])].sort(), [
            "adminHsmPin",
            "adminKeyPem",
            "clientTlsKeyPem",
            "packageBase64",
            "packageDeflated",
        ]);
        assert.equal("packageBase64" in recorder.one("pulumi-nodejs:dynamic/fabric:ChaincodeInstall").inputs, false);
        const recorded = recorder.one("pulumi-nodejs:dynamic/fabric:ChaincodeInstall");
        assert.equal(recorded.inputs.packageId, pkg.packageId);
        // The inputs themselves reach the engine as secrets, so the state's inputs are ciphertext too.
        assert.deepEqual([...recorded.secretPaths].sort(), ["adminKeyPem", "clientTlsKeyPem", "packageDeflated"]);
        assert.deepEqual(inflatedPackage(recorded.inputs.packageDeflated), pkg.bytes);
    });

    it("holds the nested peer, orderer and HSM arguments as the flat inputs the state has always had, the PIN secret", async () => {
        const hsm = { library: "/usr/lib/softhsm/libsofthsm2.so", tokenLabel: "org1", keyId: "admin", pin: "1234" };
        const approval = new ChaincodeApproval("flat-approval", {
            peer: { endpoint: "peer0.org1.example.com:7051", tlsCaPem: pki.caCertPem, hostOverride: "peer0" },
            orderer: { endpoint: "orderer.example.com:7050", tlsCaPem: pki.caCertPem },
            mspId: "Org1MSP",
            adminCertPem: pki.clientCertPem,
            adminHsm: hsm,
            channel: "mychannel",
            name: "basic",
            version: "1.0",
        });
        await promiseOf(approval.urn);
        await registrationsSettled();
        const recorded = recorder.named("flat-approval");
        const { inputs } = recorded;
        assert.deepEqual(
            [
                inputs.peerEndpoint,
                inputs.peerTlsCaPem,
                inputs.peerHostOverride,
                inputs.ordererEndpoint,
                inputs.ordererTlsCaPem,
            ],
            ["peer0.org1.example.com:7051", pki.caCertPem, "peer0", "orderer.example.com:7050", pki.caCertPem],
        );
        assert.deepEqual(
            [inputs.adminHsmLibrary, inputs.adminHsmTokenLabel, inputs.adminHsmKeyId, inputs.adminHsmPin],
            [hsm.library, hsm.tokenLabel, hsm.keyId, hsm.pin],
        );
        assert.equal(
            ["peer", "orderer", "adminHsm"].some((key) => key in inputs),
            false,
            "no nested argument reaches the state",
        );
        assert.ok(
            recorded.secretPaths.includes("adminHsmPin"),
            "the PIN, given in plain inside adminHsm, reaches the engine as a secret",
        );
    });

    it("serialises providers that capture no secret and no Pulumi runtime", async () => {
        const approval = new ChaincodeApproval("org1", {
            ...connection,
            ...admin,
            channel: "mychannel",
            name: "basic",
            version: "1.0",
        });
        await promiseOf(approval.urn);
        await registrationsSettled();
        const recorded = recorder.named("org1");
        assert.equal(recorded.inputs.sequence, "auto", "sequence defaults to auto");
        assert.deepEqual(
            recorded.secretPaths.includes("adminKeyPem"),
            true,
            "a secret input reaches the engine marked secret",
        );
        const provider = recorded.inputs.__provider as string;
        assert.ok(
            provider.includes('"approval"') && provider.includes('"fabric-ccaas"'),
            "the provider loads its implementation through the package by name",
        );
        assert.ok(
            !provider.includes(REPO_ROOT) && !provider.includes("/components/lifecycle/providers/"),
            "the serialised provider holds no path of this checkout",
        );
        assert.ok(
            !provider.includes("PRIVATE KEY") && !provider.includes(pki.clientKeyPem.split("\n")[1]),
            "no key material in the serialised provider",
        );
        assert.ok(!/require\("@pulumi\/pulumi/.test(provider), "the Pulumi runtime is not captured");
        assert.ok(provider.length < 10_000, `the serialised provider is small (${provider.length} bytes)`);
    });

    for (const [name, provider] of [
        ["install", chaincodeInstallProvider],
        ["approval", chaincodeApprovalProvider],
        ["definition", chaincodeDefinitionProvider],
        ["smoke check", chaincodeSmokeCheckProvider],
    ] as const) {
        it(`the serialised ${name} provider loads its code from the project it runs in (a moved copy), not from where it was written`, async () => {
            const serialized = await pulumi.runtime.serializeFunction(() => provider, { allowSecrets: false });
            const copy = movedProjectCopy();
            try {
                const result = await inDirectory(copy, () =>
                    loadSerialized(serialized.text).check({}, { peerEndpoint: "no port" }),
                );
                assert.ok(
                    result.failures.some((failure) => failure.property === "mspId"),
                    JSON.stringify(result.failures),
                );
                const loadedFromCopy = Object.keys(require.cache).filter((file) => file.startsWith(join(copy, "dist")));
                assert.ok(
                    loadedFromCopy.some((file) => file.includes("/components/lifecycle/providers/")),
                    `no provider module was loaded from the copy: ${loadedFromCopy.join(", ")}`,
                );
            } finally {
                rmSync(copy, { recursive: true, force: true });
            }
        });
    }

    it("names the package and the project directory when the provider's code is not installed there", async () => {
        const serialized = await pulumi.runtime.serializeFunction(() => chaincodeInstallProvider, {
            allowSecrets: false,
        });
        const empty = realpathSync(mkdtempSync(join(tmpdir(), "no-package-")));
        try {
            await assert.rejects(
                inDirectory(empty, () => loadSerialized(serialized.text).check({}, {})),
                (error: Error) =>
                    error.message.includes("fabric-ccaas/providers/install") &&
                    error.message.includes(empty) &&
                    error.message.includes("npm install fabric-ccaas"),
            );
        } finally {
            rmSync(empty, { recursive: true, force: true });
        }
    });

    it("declares the definition and smoke check with their defaults and secret keys", async () => {
        const definition = new ChaincodeDefinition("commit", {
            ...admin,
            channel: "mychannel",
            name: "basic",
            version: "1.0",
            peers: [{ endpoint: "peer0:7051", tlsCaPem: pki.caCertPem }],
        });
        const smoke = new ChaincodeSmokeCheck("smoke", {
            ...connection,
            ...admin,
            channel: "mychannel",
            chaincodeName: "basic",
        });
        await promiseOf(pulumi.all([definition.urn, smoke.urn]));
        assert.deepEqual([...(secretOutputsByName.get("commit") ?? [])].sort(), [
            "adminHsmPin",
            "adminKeyPem",
            "clientTlsKeyPem",
        ]);
        assert.deepEqual([...(secretOutputsByName.get("smoke") ?? [])].sort(), [
            "adminHsmPin",
            "adminKeyPem",
            "clientTlsKeyPem",
        ]);
        assert.ok(recorder.one("pulumi-nodejs:dynamic/fabric:ChaincodeSmokeCheck").secretPaths.includes("adminKeyPem"));
        assert.equal(recorder.one("pulumi-nodejs:dynamic/fabric:ChaincodeDefinition").inputs.sequence, "auto");
    });

    it("wraps the keys of approval, commit and smoke check as secrets when a library user passes plain strings", async () => {
        const plain = {
            ...connection,
            ...admin,
            adminKeyPem: pki.clientKeyPem,
            clientTlsCertPem: pki.clientCertPem,
            clientTlsKeyPem: pki.clientKeyPem,
        };
        const definitionFields = { channel: "mychannel", name: "plain", version: "1.0" };
        const resources = [
            new ChaincodeApproval("plain-approval", { ...plain, ...definitionFields, packageId: pkg.packageId }),
            new ChaincodeDefinition("plain-definition", { ...plain, ...definitionFields, peers: [connection.peer] }),
            new ChaincodeSmokeCheck("plain-smoke", { ...plain, channel: "mychannel", chaincodeName: "plain" }),
        ];
        await Promise.all(resources.map((resource) => promiseOf(resource.urn)));
        await registrationsSettled();
        for (const name of ["plain-approval", "plain-definition", "plain-smoke"]) {
            assert.deepEqual([...recorder.named(name).secretPaths].sort(), ["adminKeyPem", "clientTlsKeyPem"], name);
        }
    });
});

const REPO_ROOT = join(__dirname, "..", "..", "..");

/** The package's manifest and compiled library in a new directory, with the dependencies linked: what a moved checkout or an install looks like. */
function movedProjectCopy(): string {
    const copy = realpathSync(mkdtempSync(join(tmpdir(), "moved-project-")));
    cpSync(join(REPO_ROOT, "package.json"), join(copy, "package.json"));
    cpSync(join(REPO_ROOT, "dist", "components"), join(copy, "dist", "components"), { recursive: true });
    symlinkSync(join(REPO_ROOT, "node_modules"), join(copy, "node_modules"));
    return copy;
}

type CheckOnly = { check(olds: object, news: object): Promise<{ failures: Array<{ property: string }> }> };

/** Loads a serialised provider the way the dynamic provider host does. */
function loadSerialized(text: string): CheckOnly {
    const requireFromString = require("require-from-string") as (code: string) => { handler(): CheckOnly };
    return requireFromString(text).handler();
}

/** Runs `action` with `dir` as the working directory (the provider process runs in the project directory). */
async function inDirectory<T>(dir: string, action: () => Promise<T>): Promise<T> {
    const cwd = process.cwd();
    process.chdir(dir);
    try {
        return await action();
    } finally {
        process.chdir(cwd);
    }
}
