import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { dependsOn, promiseOf, registrationsSettled } from "./support/pulumiMocks";
import { lifecycleStack, loadProgram } from "./support/program";
import { testPki } from "../support/pki";
import { readSettings } from "../../config/settings";
import { CONDITIONS, CONFIG_KEYS, type ConfigKey, KEYS, type KeyDeclaration } from "../../config/schema";

function runProgram(config: Record<string, string>, secretKeys: string[] = []) {
    return loadProgram({ config, secretKeys });
}

describe("the program (index.ts) under mocks", () => {
    it("puts env set with --secret in a Kubernetes Secret the pods read, never in the Deployment", async () => {
        const token = "tok-9f8e7d6c5b4a";
        const { mocks, run } = runProgram(
            { image: "registry.example.com/basic:1.0", env: JSON.stringify([`API_TOKEN=${token}`, "LOG=debug"]) },
            ["env"],
        );
        await promiseOf((await run()).serviceName);
        await registrationsSettled();
        const deployment = mocks.one("kubernetes:apps/v1:Deployment");
        assert.ok(!JSON.stringify(deployment.inputs).includes(token), "no value in the Deployment");
        const container = deployment.inputs.spec.template.spec.containers[0];
        const secrets = mocks.byType("kubernetes:core/v1:Secret").filter((r) => r.name.endsWith("-env"));
        assert.equal(secrets.length, 1);
        const [secret] = secrets;
        assert.deepEqual(secret.inputs.stringData, { API_TOKEN: token, LOG: "debug" });
        assert.ok(secret.secretPaths.includes("stringData"), "the values reach the engine as a secret");
        const fromSecret = container.env.filter((e: any) => e.valueFrom);
        assert.deepEqual(
            fromSecret.map((e: any) => [e.name, e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key]),
            [
                ["API_TOKEN", secret.inputs.metadata.name, "API_TOKEN"],
                ["LOG", secret.inputs.metadata.name, "LOG"],
            ],
        );
        assert.ok(
            "fabric-ccaas.io/secret-env-revision" in deployment.inputs.spec.template.metadata.annotations,
            "a changed Secret rolls the pods",
        );

        // Set without --secret, the same variables stay plain, and no Secret is made for them.
        const plain = runProgram({ image: "registry.example.com/basic:1.0", env: JSON.stringify(["LOG=debug"]) });
        await promiseOf((await plain.run()).serviceName);
        await registrationsSettled();
        const plainEnv = plain.mocks.one("kubernetes:apps/v1:Deployment").inputs.spec.template.spec.containers[0].env;
        assert.ok(plainEnv.some((e: any) => e.name === "LOG" && e.value === "debug"));
        assert.equal(plain.mocks.byType("kubernetes:core/v1:Secret").filter((r) => r.name.endsWith("-env")).length, 0);
    });

    it("stops on a bad setting before declaring any resource", async () => {
        const { mocks, load } = runProgram({ image: "registry.example.com/basic:1.0", port: "eighty" });
        assert.throws(
            load,
            (err: Error) => err.constructor.name === "RunError" && /invalid port: "eighty"/.test(err.message),
        );
        await registrationsSettled();
        assert.equal(mocks.resources.length, 0);
    });

    it("refuses a key stored as plain text in the stack's file (set without --secret), before declaring any resource, without showing it", async () => {
        const pki = testPki();
        for (const [config, secretKeys, key] of [
            [lifecycleStack(), [], "adminKeyPem"],
            [
                {
                    ...lifecycleStack(),
                    otherOrgs: JSON.stringify([
                        {
                            mspId: "Org2MSP",
                            peers: [{ endpoint: "127.0.0.1:9051" }],
                            adminCertPem: pki.clientCertPem,
                            adminKeyPem: pki.clientKeyPem,
                        },
                    ]),
                },
                ["adminKeyPem"],
                "otherOrgs",
            ],
        ] as const) {
            const { mocks, load } = runProgram(config, [...secretKeys]);
            assert.throws(load, (err: Error) => {
                assert.equal(err.constructor.name, "RunError");
                assert.match(
                    err.message,
                    new RegExp(
                        `invalid ${key}: \\(stored as plain text in the stack's file, not shown\\); expected .*pulumi config set (--path )?--secret`,
                    ),
                );
                assert.ok(!err.message.includes("PRIVATE KEY"), err.message);
                return true;
            });
            await registrationsSettled();
            assert.equal(mocks.resources.length, 0, key);
        }
    });

    it("deploys into AKS and exports what the user needs next", async () => {
        const { mocks, run } = runProgram({
            image: "registry.example.com/basic:1.0",
            aksCreate: "true",
            aksLocation: "westeurope",
            namespace: "hlf1",
            aksAdminGroupObjectIds: JSON.stringify(["0b8d9c52-1f3e-4a6b-9d2c-7e5f4a3b2c1d"]),
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
        // The program's last registrations must reach these mocks, not the next test's.
        await registrationsSettled();
    });

    it("exports no absent value (no AKS, no load balancer), so no preview warns about an undefined output", async () => {
        const program = await runProgram({ image: "registry.example.com/basic:1.0" }).run();
        const undefinedKeys = Object.entries(program)
            .filter(([, value]) => value === undefined)
            .map(([key]) => key);
        assert.deepEqual(undefinedKeys, []);
        assert.ok(
            !("kubeconfig" in program) && !("registryLoginServer" in program) && !("loadBalancerAddress" in program),
        );
        assert.ok("packageId" in program);
        await registrationsSettled();
    });
});

describe("the program's plan of the definition (read from the channel before declaring)", () => {
    it("gives every approval and the commit the planned sequence and its reason, which the preview shows", async () => {
        const plan = { sequence: 2, change: 'sequence 1 → 2: version ("1.0" vs "1.1") (committed vs declared)' };
        const { mocks, run } = loadProgram({
            config: { ...lifecycleStack(), chaincodeVersion: "1.1" },
            secretKeys: ["adminKeyPem"],
            plan,
        });
        await promiseOf((await run()).committedSequence);
        await registrationsSettled();
        const planned = [
            ...mocks.byType("pulumi-nodejs:dynamic/fabric:ChaincodeApproval"),
            ...mocks.byType("pulumi-nodejs:dynamic/fabric:ChaincodeDefinition"),
        ];
        assert.equal(planned.length, 2);
        for (const resource of planned) {
            assert.equal(resource.inputs.plannedSequence, 2, resource.name);
            assert.equal(resource.inputs.plannedChange, plan.change, resource.name);
            assert.equal(resource.inputs.sequence, "auto", "the providers still decide, and stop if the channel moved");
        }
    });
});

/** The defaults the schema states as one literal (`9999`, `ccaas`, `["…"]`); prose defaults are the program's to compute. */
function documentedDefaults(): Record<string, string> {
    const literal = /^`([^`<]+)`$/;
    return Object.fromEntries(
        CONFIG_KEYS.flatMap((key) => {
            const match = literal.exec((KEYS[key] as KeyDeclaration).default);
            return match ? [[key, match[1]]] : [];
        }),
    );
}

/** A key that means something only when another is set or changed from its default (aksCreate, imageBuild, channel). */
function appliesOnlyWithAnother(key: ConfigKey): boolean {
    return ((KEYS[key] as KeyDeclaration).onlyWith ?? []).some((name) => {
        const { holds } = CONDITIONS[name];
        return holds === "set" || holds.whenUnset !== holds.equals;
    });
}

describe("the program with several chaincodes (chaincodes)", () => {
    const chaincodes = [
        { chaincodeName: "assets" },
        { chaincodeName: "ledger", chaincodeVersion: "2.1", replicas: 2 },
        { chaincodeName: "tokens", namespace: "hlf-tokens", image: "registry.example.com/tokens:3" },
    ];

    it("declares one chaincode per item, the stack's keys their defaults, a shared namespace created once, and exports each by name", async () => {
        const { mocks, run } = runProgram(
            { ...lifecycleStack(), namespace: "hlf-shared", replicas: "1", chaincodes: JSON.stringify(chaincodes) },
            ["adminKeyPem"],
        );
        const program = await run();
        const outputs = program.chaincodes as Record<string, Record<string, any>>;
        assert.deepEqual(Object.keys(outputs), ["assets", "ledger", "tokens"]);
        const packageIds = (await Promise.all(
            Object.values(outputs).map((one) => promiseOf(one.packageId)),
        )) as string[];
        assert.deepEqual(
            packageIds.map((id) => id.slice(0, id.indexOf(":"))),
            ["assets_1.0", "ledger_2.1", "tokens_1.0"],
        );
        await Promise.all(Object.values(outputs).map((one) => promiseOf(one.committedSequence)));
        await registrationsSettled();

        assert.deepEqual(
            mocks
                .byType("fabric-ccaas:index:ExternalChaincode")
                .map((r) => r.name)
                .sort(),
            ["assets", "ledger", "tokens"],
        );
        assert.deepEqual(
            mocks
                .byType("kubernetes:core/v1:Namespace")
                .map((r) => `${r.name} ${r.inputs.metadata.name}`)
                .sort(),
            ["assets-ns hlf-shared", "tokens-ns hlf-tokens"],
        );
        const deployments = Object.fromEntries(
            mocks
                .byType("kubernetes:apps/v1:Deployment")
                .map((r) => [r.name.replace(/-[0-9a-f]{8}-server-deployment$/, ""), r]),
        );
        assert.deepEqual(Object.keys(deployments).sort(), ["assets", "ledger", "tokens"]);
        assert.ok(dependsOn(deployments.ledger, "assets-ns"), "ledger's server waits for the namespace assets creates");
        assert.equal(deployments.ledger.inputs.metadata.namespace, "hlf-shared");
        assert.equal(deployments.ledger.inputs.spec.replicas, 2);
        assert.equal(deployments.assets.inputs.spec.replicas, 1);
        assert.equal(deployments.tokens.inputs.spec.template.spec.containers[0].image, "registry.example.com/tokens:3");
        assert.equal(
            deployments.assets.inputs.spec.template.spec.containers[0].image,
            "registry.example.com/basic:1.0",
        );
        // Each chaincode's lifecycle is its own: nothing of one waits for another's.
        assert.ok(!dependsOn(mocks.named("ledger-lifecycle-approval"), "assets-lifecycle-approval"));
        assert.deepEqual(
            mocks
                .byType("pulumi-nodejs:dynamic/fabric:ChaincodeDefinition")
                .map((r) => r.inputs.name)
                .sort(),
            ["assets", "ledger", "tokens"],
        );
        assert.equal(mocks.byType("kubernetes:core/v1:Service").length, 3);
    });

    it("issues the certificates of the chaincodes with tlsSharedCa from one CA, and the others from their own", async () => {
        const items = [
            { chaincodeName: "assets", tlsSharedCa: true },
            { chaincodeName: "ledger", tlsSharedCa: true },
            { chaincodeName: "tokens" },
        ];
        const { mocks, run } = runProgram({ ...lifecycleStack(), chaincodes: JSON.stringify(items) }, ["adminKeyPem"]);
        const outputs = (await run()).chaincodes as Record<string, Record<string, any>>;
        await Promise.all(Object.values(outputs).map((one) => promiseOf(one.committedSequence)));
        await registrationsSettled();

        assert.deepEqual(
            mocks
                .byType("tls:index/selfSignedCert:SelfSignedCert")
                .map((r) => r.name)
                .sort(),
            ["shared-tls-ca", "tokens-tls-ca"],
        );
        // Every leaf is signed with the key of its chaincode's CA: the shared one for assets and ledger.
        const leaves = mocks.byType("tls:index/locallySignedCert:LocallySignedCert");
        assert.equal(leaves.length, 6, "a server and a client leaf per chaincode");
        for (const leaf of leaves) {
            const signer = leaf.name.startsWith("tokens-") ? "tokens-tls-ca-key" : "shared-tls-ca-key";
            assert.ok(
                dependsOn(leaf, signer) &&
                    !dependsOn(leaf, signer === "shared-tls-ca-key" ? "tokens-tls-ca-key" : "shared-tls-ca-key"),
                `${leaf.name} is signed by ${signer}`,
            );
        }
        // The packages carry the CA that signed: their bytes depend on the shared CA's certificate.
        const installs = mocks.byType("pulumi-nodejs:dynamic/fabric:ChaincodeInstall");
        assert.ok(installs.filter((r) => /^(assets|ledger)-/.test(r.name)).every((r) => dependsOn(r, "shared-tls-ca")));
        assert.ok(
            installs
                .filter((r) => r.name.startsWith("tokens-"))
                .every((r) => dependsOn(r, "tokens-tls-ca") && !dependsOn(r, "shared-tls-ca")),
        );
        // On the shared CA, the release is another one than on an own CA: switching never replaces a live server in place.
        const ownCa = await runProgram({ ...lifecycleStack(), chaincodeName: "assets" }, ["adminKeyPem"]).run();
        await registrationsSettled();
        assert.match(ownCa.releaseKey, /^[0-9a-f]{8}$/);
        assert.notEqual(outputs.assets.releaseKey, ownCa.releaseKey);
    });

    it("reads today's one-chaincode stack and that chaincode as the one item of chaincodes alike (same settings, so the same resources)", () => {
        const pki = testPki();
        const stack = { ...lifecycleStack(), chaincodeVersion: "1.2", replicas: "2", tls: "true" };
        const { chaincodeVersion: _version, replicas: _replicas, ...stackLevel } = stack;
        const read = (config: Record<string, string>) =>
            readSettings({ get: (key) => config[key] }, { adminKeyPem: pki.clientKeyPem });
        const asList = read({
            ...stackLevel,
            chaincodes: JSON.stringify([{ chaincodeName: "basic", chaincodeVersion: "1.2", replicas: 2 }]),
        });
        assert.equal(asList.chaincodes.length, 1);
        assert.deepEqual(asList, read(stack));
    });
});

describe("the defaults the schema documents", () => {
    it("deploy exactly what the program deploys when the keys are unset", async () => {
        const defaults = Object.fromEntries(
            Object.entries(documentedDefaults()).filter(([key]) => !appliesOnlyWithAnother(key as ConfigKey)),
        );
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
        const lifecycleDefaults = Object.fromEntries(
            Object.entries(documentedDefaults()).filter(
                ([key]) =>
                    appliesOnlyWithAnother(key as ConfigKey) &&
                    ["fabric", "smoke"].includes((KEYS[key as ConfigKey] as KeyDeclaration).section),
            ),
        );
        assert.deepEqual(Object.keys(lifecycleDefaults).sort(), [
            "commit",
            "fabricTimeoutSeconds",
            "initRequired",
            "sequence",
            "signer",
            "smokeCheck",
            "smokeFunction",
            "smokeWaitSeconds",
        ]);
        const pki = testPki();
        const stack = lifecycleStack();
        const read = (config: Record<string, string>) => {
            const { lifecycle, smokeCheck } = readSettings(
                { get: (key) => config[key] },
                { adminKeyPem: pki.clientKeyPem },
            ).chaincodes[0];
            // "auto" and true are the components' own defaults: set, they read as given.
            return {
                lifecycle: { ...lifecycle, sequence: lifecycle?.sequence ?? "auto", commit: lifecycle?.commit ?? true },
                smokeCheck: { ...smokeCheck, enabled: smokeCheck?.enabled ?? true },
            };
        };
        assert.deepEqual(read({ ...stack, ...lifecycleDefaults }), read(stack));
    });
});

describe("the program with the Fabric lifecycle", () => {
    it("reads the org's secrets as secrets and exports the committed sequence", async () => {
        const pki = testPki();
        const cert = { certPem: pki.clientCertPem, keyPem: pki.clientKeyPem };
        const { mocks, run } = runProgram(
            {
                image: "registry.example.com/basic:1.0",
                channel: "mychannel",
                mspId: "Org1MSP",
                peers: JSON.stringify([{ endpoint: "127.0.0.1:7051", hostOverride: "peer0.org1.example.com" }]),
                peerTlsCaPem: cert.certPem,
                adminCertPem: cert.certPem,
                adminKeyPem: cert.keyPem,
                endorsementPolicy: "OR('Org1MSP.member')",
            },
            ["adminKeyPem"],
        );
        const program = await run();
        await promiseOf(program.committedSequence);
        await registrationsSettled();
        // The commit endorses through this org's first peer, named as the user wrote it when a check fails.
        const definition = mocks.named("basic-lifecycle-definition");
        assert.deepEqual(definition.inputs.peers, [
            {
                endpoint: "127.0.0.1:7051",
                tlsCaPem: cert.certPem,
                hostOverride: "peer0.org1.example.com",
                mspId: "Org1MSP",
            },
        ]);
        assert.equal(definition.inputs.settingNames["peers[0].tlsCaPem"], "peerTlsCaPem");
        assert.equal(definition.inputs.sequence, "auto");
        const install = mocks.named("basic-lifecycle-install-0");
        assert.equal(install.inputs.adminKeyPem, cert.keyPem);
        assert.ok(install.secretPaths.includes("adminKeyPem"));
        assert.equal(install.inputs.peerHostOverride, "peer0.org1.example.com");
        assert.ok(mocks.named("basic-smoke").secretPaths.includes("adminKeyPem"));
    });

    it("signer: hsm gives every Fabric resource where the HSM holds the key, the PIN as a secret, and no PEM key; a plain-text PIN is refused", async () => {
        const { adminKeyPem: _pem, ...stack } = lifecycleStack();
        const hsm = {
            signer: "hsm",
            adminHsmLibrary: "/usr/lib/softhsm/libsofthsm2.so",
            adminHsmTokenLabel: "fabric",
            adminHsmKeyId: "org1-admin",
            adminHsmPin: "1234",
        };
        const { mocks, run } = runProgram({ ...stack, ...hsm }, ["adminHsmPin"]);
        await run();
        await registrationsSettled();
        for (const name of [
            "basic-lifecycle-install-0",
            "basic-lifecycle-approval",
            "basic-lifecycle-definition",
            "basic-smoke",
        ]) {
            const resource = mocks.named(name);
            assert.equal(resource.inputs.adminHsmLibrary, "/usr/lib/softhsm/libsofthsm2.so", name);
            assert.equal(resource.inputs.adminHsmTokenLabel, "fabric", name);
            assert.equal(resource.inputs.adminHsmKeyId, "org1-admin", name);
            assert.equal(resource.inputs.adminHsmPin, "1234", name);
            assert.ok(resource.secretPaths.includes("adminHsmPin"), `${name}: the PIN reaches the engine as a secret`);
            assert.equal(resource.inputs.adminKeyPem, undefined, name);
        }
        const plain = runProgram({ ...stack, ...hsm }, []);
        assert.throws(
            plain.load,
            /invalid adminHsmPin: \(stored as plain text in the stack's file, not shown\); expected a secret: pulumi config set --secret adminHsmPin/,
        );
        await registrationsSettled();
        assert.equal(plain.mocks.resources.length, 0);
    });

    it("acts for the orgs of otherOrgs too, their keys passed on as secrets", async () => {
        const pki = testPki();
        const org2 = {
            mspId: "Org2MSP",
            peers: [{ endpoint: "127.0.0.1:9051" }],
            peerTlsCaPem: pki.caCertPem,
            adminCertPem: pki.clientCertPem,
            adminKeyPem: pki.clientKeyPem,
        };
        const { mocks, run } = runProgram({ ...lifecycleStack(), otherOrgs: JSON.stringify([org2]) }, [
            "adminKeyPem",
            "otherOrgs",
        ]);
        const program = await run();
        await promiseOf(program.committedSequence);
        await registrationsSettled();
        for (const name of ["basic-lifecycle-Org2MSP-install-0", "basic-lifecycle-Org2MSP-approval"]) {
            const resource = mocks.named(name);
            assert.equal(resource.inputs.mspId, "Org2MSP", name);
            assert.equal(resource.inputs.adminKeyPem, pki.clientKeyPem, name);
            assert.ok(resource.secretPaths.includes("adminKeyPem"), `${name}: the key reaches the engine as a secret`);
        }
        assert.deepEqual(
            mocks.named("basic-lifecycle-definition").inputs.peers.map((p: { mspId: string }) => p.mspId),
            ["Org1MSP", "Org2MSP"],
        );
    });

    it("an org of otherOrgs with signer: hsm signs in its HSM: its resources get where the key is, the PIN as a secret, errors named under its prefix", async () => {
        const pki = testPki();
        const org2 = {
            mspId: "Org2MSP",
            peers: [{ endpoint: "127.0.0.1:9051" }],
            peerTlsCaPem: pki.caCertPem,
            adminCertPem: pki.clientCertPem,
            signer: "hsm",
            adminHsmLibrary: "/usr/lib/softhsm/libsofthsm2.so",
            adminHsmTokenLabel: "org2",
            adminHsmKeyId: "org2-admin",
            adminHsmPin: "5678",
        };
        const { mocks, run } = runProgram({ ...lifecycleStack(), otherOrgs: JSON.stringify([org2]) }, [
            "adminKeyPem",
            "otherOrgs",
        ]);
        await run();
        await registrationsSettled();
        for (const name of ["basic-lifecycle-Org2MSP-install-0", "basic-lifecycle-Org2MSP-approval"]) {
            const resource = mocks.named(name);
            assert.equal(resource.inputs.adminHsmTokenLabel, "org2", name);
            assert.equal(resource.inputs.adminHsmPin, "5678", name);
            assert.ok(resource.secretPaths.includes("adminHsmPin"), `${name}: the PIN reaches the engine as a secret`);
            assert.equal(resource.inputs.adminKeyPem, undefined, name);
            assert.equal(resource.inputs.settingNames.adminHsmPin, "otherOrgs[0].adminHsmPin", name);
        }
        assert.equal(
            mocks.named("basic-lifecycle-install-0").inputs.adminKeyPem,
            pki.clientKeyPem,
            "the stack's own org keeps its PEM key",
        );
    });

    it("commits only after the orgs of the referenced stacks approved (StackReference)", async () => {
        const { mocks, run } = runProgram(
            { ...lifecycleStack(), approvalStacks: JSON.stringify(["acme/fabric-ccaas/org2"]) },
            ["adminKeyPem"],
        );
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

describe("the program's config keys", () => {
    it("stops before declaring anything on a key it does not read, naming the nearest one", async () => {
        const { mocks, load } = runProgram({ image: "registry.example.com/basic:1.0", replica: "3" });
        assert.throws(
            load,
            /invalid replica: \(set, not shown\); expected a key this program reads: did you mean replicas\?/,
        );
        await registrationsSettled();
        assert.deepEqual(
            mocks.resources.map((r) => r.name),
            [],
        );
    });
});
