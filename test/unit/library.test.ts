/*
 * The library as another stack installs it: importing it declares nothing,
 * the package npm packs holds the compiled library and its declarations and
 * nothing of the program or tests, and it runs nothing at install time.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { requireOptionalPeer } from "../../components/optional-peer";
import { LIBRARY_PACKAGE } from "../../components/lifecycle/providers/shared";
import { dependsOn, installMocks, registrationsSettled } from "./support/pulumiMocks";

const REPO_ROOT = join(__dirname, "..", "..", "..");
const manifest = JSON.parse(readFileSync(join(REPO_ROOT, "package.json"), "utf8")) as {
    name: string;
    main: string;
    types: string;
    exports: Record<string, unknown>;
    scripts: Record<string, string>;
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional?: boolean }>;
    devDependencies: Record<string, string>;
};

describe("the library entry point (components/index.ts)", () => {
    it("declares nothing when imported, loads no optional peer, and exports the components, the resources and the lookups: no more", async () => {
        const mocks = installMocks();
        const library = await import("../../components");
        await registrationsSettled();
        assert.deepEqual(
            mocks.resources.map((r) => `${r.type} ${r.name}`),
            [],
            "importing the library registered resources",
        );
        // The values of the public face, pinned: a new export is a decision, not an accident. (Types are erased.)
        assert.deepEqual(Object.keys(library).sort(), [
            "AksCluster",
            "ChaincodeApproval",
            "ChaincodeDefinition",
            "ChaincodeImage",
            "ChaincodeInstall",
            "ChaincodeLifecycle",
            "ChaincodeService",
            "ChaincodeSmokeCheck",
            "ChaincodeTls",
            "ExternalChaincode",
            "InvalidSettingError",
            "ReleaseCertificates",
            "declareChaincodes",
            "existingClusterProvider",
            "lookupChannelPlan",
            "lookupLiveRelease",
            "skipSourceMapsForSdkBookkeeping",
        ]);
        const optional = Object.keys(require.cache).filter((file) =>
            /node_modules\/@pulumi\/(azure-native|command)\//.test(file),
        );
        assert.deepEqual(optional, [], "importing the library loaded an optional peer");
    });

    it("gives the Fabric client and the packager subpaths of their own, which import no Pulumi", () => {
        const fabric = require(`${manifest.name}/fabric`) as Record<string, unknown>;
        const packaging = require(`${manifest.name}/packaging`) as Record<string, unknown>;
        assert.equal(typeof fabric.withGateway, "function");
        assert.equal(typeof fabric.FabricError, "function");
        assert.equal(typeof packaging.buildChaincodePackage, "function");
        for (const subpath of ["fabric", "packaging"]) {
            const dir = join(REPO_ROOT, "components", subpath);
            const sources = readdirSync(dir)
                .filter((file) => file.endsWith(".ts"))
                .map((file) => readFileSync(join(dir, file), "utf8"));
            assert.ok(!sources.some((text) => /from "@pulumi\//.test(text)), `${subpath} imports Pulumi`);
        }
    });

    it("shows each public component in use: an @example in its TSDoc", () => {
        const sources = [
            ["chaincode/external-chaincode.ts", "class ExternalChaincode"],
            ["chaincode/chaincode-set.ts", "function declareChaincodes"],
            ["chaincode/chaincode-image.ts", "class ChaincodeImage"],
            ["tls/chaincode-tls.ts", "class ChaincodeTls "],
            ["kubernetes/chaincode-service.ts", "class ChaincodeService"],
            ["lifecycle/chaincode-lifecycle.ts", "class ChaincodeLifecycle"],
            ["azure/aks-cluster.ts", "class AksCluster"],
            ["lifecycle/providers/install.ts", "class ChaincodeInstall"],
            ["lifecycle/providers/approval.ts", "class ChaincodeApproval"],
            ["lifecycle/providers/definition.ts", "class ChaincodeDefinition"],
            ["lifecycle/providers/smoke-check.ts", "class ChaincodeSmokeCheck"],
        ];
        for (const [file, declaration] of sources) {
            const text = readFileSync(join(REPO_ROOT, "components", file), "utf8");
            const at = text.indexOf(`export ${declaration}`);
            assert.ok(at > 0, `${file} declares ${declaration}`);
            const doc = text.slice(text.lastIndexOf("/**", at), at);
            assert.match(doc, /@example\n \* ```ts\n[\s\S]+```\n \*\/\n$/, `${declaration} has no @example`);
        }
    });

    it("resolves by its package name to the compiled entry point and its declarations", () => {
        assert.equal(LIBRARY_PACKAGE, manifest.name, "the provider shell loads its code under the package's name");
        assert.equal(require.resolve(manifest.name), join(REPO_ROOT, manifest.main));
        assert.equal(
            require.resolve(`${manifest.name}/providers/install`),
            join(REPO_ROOT, "dist", "components", "lifecycle", "providers", "install.js"),
        );
        assert.match(readFileSync(join(REPO_ROOT, manifest.types), "utf8"), /export \* from "\.\/chaincode"/);
        assert.match(
            readFileSync(join(REPO_ROOT, "dist", "components", "chaincode", "index.d.ts"), "utf8"),
            /ExternalChaincode/,
        );
    });
});

describe("the npm package", () => {
    const packed = JSON.parse(
        execFileSync("npm", ["pack", "--dry-run", "--json", "--ignore-scripts"], { cwd: REPO_ROOT, encoding: "utf8" }),
    ) as Array<{ files: Array<{ path: string }> }>;
    const files = packed[0].files.map((file) => file.path);

    it("holds the compiled library with its declarations, and none of the program, tests, test environment or sample chaincode", () => {
        for (const required of [
            "package.json",
            "README.md",
            "dist/components/index.js",
            "dist/components/index.d.ts",
            "dist/components/lifecycle/providers/install.js",
            "dist/components/packaging/cli.js",
        ]) {
            assert.ok(files.includes(required), `the package lacks ${required}`);
        }
        const outside = files.filter(
            (file) => !file.startsWith("dist/components/") && !["package.json", "README.md"].includes(file),
        );
        assert.deepEqual(outside, [], "files outside the library");
        assert.deepEqual(
            files.filter((file) => file.endsWith(".map") || (file.endsWith(".ts") && !file.endsWith(".d.ts"))),
            [],
            "sources or source maps",
        );
        const compiled = files.filter((file) => file.endsWith(".js")).map((file) => file.replace(/\.js$/, ""));
        assert.deepEqual(
            compiled.filter((file) => !files.includes(`${file}.d.ts`)),
            [],
            "modules without declarations",
        );
    });

    it("runs nothing when a consumer installs it", () => {
        for (const hook of ["preinstall", "install", "postinstall"])
            assert.equal(manifest.scripts[hook], undefined, `a ${hook} script`);
    });

    it("declares every @pulumi package the library imports as a peer, tested at the range's floor, and only the AKS and image-build ones optional", () => {
        const imported = new Set<string>();
        const walk = (dir: string) => {
            for (const entry of readdirSync(dir, { withFileTypes: true })) {
                const path = join(dir, entry.name);
                if (entry.isDirectory()) walk(path);
                else if (entry.name.endsWith(".ts"))
                    for (const match of readFileSync(path, "utf8").matchAll(/from "(@pulumi\/[a-z-]+)/g))
                        imported.add(match[1]);
            }
        };
        walk(join(REPO_ROOT, "components"));
        assert.deepEqual([...imported].sort(), Object.keys(manifest.peerDependencies).sort());
        for (const [name, range] of Object.entries(manifest.peerDependencies)) {
            assert.equal(
                range,
                `^${manifest.devDependencies[name]}`,
                `${name}: the range starts at the version the tests run`,
            );
        }
        const optional = Object.entries(manifest.peerDependenciesMeta)
            .filter(([, meta]) => meta.optional)
            .map(([name]) => name);
        assert.deepEqual(optional.sort(), ["@pulumi/azure-native", "@pulumi/command"]);
    });

    it("names the missing optional peer, the component that needs it and the install command", () => {
        assert.throws(
            () => requireOptionalPeer("@pulumi/not-installed-here", "", "AksCluster"),
            (error: Error) =>
                error.message ===
                'AksCluster needs the optional peer dependency @pulumi/not-installed-here, which is not installed: npm install @pulumi/not-installed-here@"*"',
        );
    });
});

describe("declareChaincodes: several chaincodes in one stack (mocks)", () => {
    it("lets the first chaincode of a namespace create it, the others wait for it, and gives the shared-CA members one CA", async () => {
        const mocks = installMocks();
        const { declareChaincodes } = await import("../../components");
        const image = "registry.example.com/basic:1.0";
        const chaincodes = declareChaincodes([
            { chaincodeName: "basic", namespace: "team", image, useSharedCa: true },
            { chaincodeName: "tokens", namespace: "team", image, useSharedCa: true },
            { chaincodeName: "audit", namespace: "audit", image },
        ]);
        await Promise.all(chaincodes.map((chaincode) => chaincode.service));
        await registrationsSettled();
        assert.deepEqual(
            mocks
                .byType("kubernetes:core/v1:Namespace")
                .map((r) => r.name)
                .sort(),
            ["audit-ns", "basic-ns"],
        );
        const tokensServer = mocks.resources.find(
            (r) => r.type === "kubernetes:apps/v1:Deployment" && r.name.startsWith("tokens-"),
        )!;
        assert.ok(
            dependsOn(tokensServer, "basic-ns"),
            `the second chaincode's server waits for the namespace: ${tokensServer.dependencies}`,
        );
        assert.deepEqual(
            mocks
                .byType("tls:index/selfSignedCert:SelfSignedCert")
                .map((r) => r.name)
                .sort(),
            ["audit-tls-ca", "shared-tls-ca"],
        );
    });
});
