import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { unknownCheckingProxy } from "@pulumi/policy";
import { DEFAULT_ENDORSEMENT_CONFIG, weakEndorsementPolicies } from "../../policy/rules/endorsement";
import { unpinnedImages } from "../../policy/rules/images";
import { missingLimits } from "../../policy/rules/limits";
import { unguardedChaincodeServers } from "../../policy/rules/network-policy";
import { plaintextKeyMaterial } from "../../policy/rules/plaintext-secrets";
import { podSecurityGaps } from "../../policy/rules/pod-security";
import { type ResourceView, resourceView } from "../../policy/rules/resource";
import { chaincodeTlsGaps } from "../../policy/rules/tls";
import { testPki } from "../support/pki";
import { registrationsSettled } from "./support/pulumiMocks";
import { lifecycleStack, loadProgram } from "./support/program";

const DIGEST = `sha256:${"ab".repeat(32)}`;

/** A two-org stack as a consortium would write it: pinned image, TLS, mutual TLS, a NetworkPolicy. */
function goodStack(): Record<string, string> {
    return { ...lifecycleStack(), imageDigest: DIGEST, endorsementPolicy: "AND('Org1MSP.peer','Org2MSP.peer')" };
}

/** The program's registrations under mocks, as the policy pack sees resources (secrets unwrapped). */
async function resourcesOf(config: Record<string, string>): Promise<ResourceView[]> {
    const { mocks, run } = loadProgram({ config, secretKeys: ["adminKeyPem"] });
    await run();
    await registrationsSettled();
    return mocks.resources.map((r) => ({
        type: r.type,
        name: r.name,
        urn: `urn:pulumi:test::fabric-ccaas::${r.type}::${r.name}`,
        props: r.inputs,
    }));
}

const RESOURCE_RULES = { unpinnedImages, chaincodeTlsGaps, podSecurityGaps, missingLimits, plaintextKeyMaterial };

function violations(resources: ResourceView[]): string[] {
    return [
        ...resources.flatMap((r) => Object.values(RESOURCE_RULES).flatMap((rule) => rule(r))),
        ...resources.flatMap((r) => weakEndorsementPolicies(r, DEFAULT_ENDORSEMENT_CONFIG)),
        ...unguardedChaincodeServers(resources).map((v) => v.message),
    ];
}

describe("the policy pack's rules on what the program declares", () => {
    it("find nothing in a stack with a pinned image, TLS, mutual TLS, a NetworkPolicy and a two-org policy", async () => {
        const resources = await resourcesOf(goodStack());
        assert.ok(
            resources.some((r) => r.type === "kubernetes:apps/v1:Deployment"),
            "the stack declares a Deployment",
        );
        assert.ok(
            resources.some((r) => r.type === "pulumi-nodejs:dynamic/fabric:ChaincodeApproval"),
            "and an approval",
        );
        assert.deepEqual(violations(resources), []);
    });

    it("name the container of an image that is not pinned by digest", async () => {
        const { imageDigest: _, ...config } = goodStack();
        const found = violations(await resourcesOf(config));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /Deployment "basic-.*": container "chaincode" \(spec\.template\.spec\.containers\[0\]\.image\) runs "registry\.example\.com\/basic:1\.0", which is not pinned by digest/,
        );
    });

    it("find a server without TLS, and one without mutual TLS", async () => {
        const plaintext = violations(await resourcesOf({ ...goodStack(), tls: "false" }));
        assert.ok(
            plaintext.some((v) =>
                /chaincode server "chaincode" serves without TLS \(CHAINCODE_TLS_DISABLED=true\); expected tls: true/.test(
                    v,
                ),
            ),
            plaintext.join("\n"),
        );
        const oneWay = violations(await resourcesOf({ ...goodStack(), clientAuth: "false" }));
        assert.deepEqual(oneWay.filter((v) => /mutual TLS/.test(v)).length, 1, oneWay.join("\n"));
        assert.match(
            oneWay.join("\n"),
            /accepts any client: mutual TLS is off \(no CHAINCODE_CLIENT_CA_CERT\); expected clientAuth: true/,
        );
    });

    it("find a chaincode server with no NetworkPolicy in front of it", async () => {
        const found = violations(await resourcesOf({ ...goodStack(), networkPolicy: "false" }));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /Deployment "basic-.*" in namespace "hlf-chaincode" serves a chaincode with no NetworkPolicy selecting its pods/,
        );
    });

    it("find a single-org endorsement policy, and one org enough to satisfy a two-org policy when so configured", async () => {
        const resources = await resourcesOf({ ...goodStack(), endorsementPolicy: "OR('Org1MSP.peer')" });
        const found = resources.flatMap((r) => weakEndorsementPolicies(r, DEFAULT_ENDORSEMENT_CONFIG));
        // The approval and the definition carry the policy.
        assert.equal(found.length, 2, found.join("\n"));
        assert.match(
            found[0],
            /endorsement policy "OR\('Org1MSP\.peer'\)" names 1 org\(s\) \(Org1MSP\); expected at least 2/,
        );
        const either = await resourcesOf({ ...goodStack(), endorsementPolicy: "OR('Org1MSP.peer','Org2MSP.peer')" });
        assert.deepEqual(
            either.flatMap((r) => weakEndorsementPolicies(r, DEFAULT_ENDORSEMENT_CONFIG)),
            [],
        );
        const strict = either.flatMap((r) =>
            weakEndorsementPolicies(r, { minimumOrgsNamed: 2, minimumOrgsRequired: 2 }),
        );
        assert.equal(strict.length, 2);
        assert.match(strict[0], /is satisfied by 1 org\(s\); expected at least 2/);
    });

    it("count the fewest orgs that satisfy nested gates, and take a channel policy reference as the channel's business", () => {
        const approval = (endorsementPolicy: string): ResourceView => ({
            type: "pulumi-nodejs:dynamic/fabric:ChaincodeApproval",
            name: "a",
            urn: "u",
            props: { name: "basic", channel: "ch", endorsementPolicy },
        });
        const config = { minimumOrgsNamed: 3, minimumOrgsRequired: 2 };
        assert.deepEqual(weakEndorsementPolicies(approval("OutOf(2, 'A.peer', 'B.peer', 'C.member')"), config), []);
        assert.equal(weakEndorsementPolicies(approval("OR(AND('A.peer','B.peer'), 'C.peer')"), config).length, 1);
        assert.deepEqual(
            weakEndorsementPolicies(approval("AND('A.peer', OR('B.peer','A.admin'), 'C.peer')"), config),
            [],
        );
        assert.deepEqual(weakEndorsementPolicies(approval("/Channel/Application/Endorsement"), config), []);
        assert.match(weakEndorsementPolicies(approval("AND('A.peer'"), config)[0], /does not parse/);
    });

    it("find a private key in an environment variable, and allow it in a Secret and in the Fabric resources' key inputs", async () => {
        const keyPem = testPki().clientKeyPem;
        const found = violations(await resourcesOf({ ...goodStack(), env: JSON.stringify([`LEAKED_KEY=${keyPem}`]) }));
        assert.equal(found.length, 1, found.join("\n"));
        assert.match(
            found[0],
            /kubernetes:apps\/v1:Deployment "basic-.*": input spec\.template\.spec\.containers\[0\]\.env\[\d+\]\.value holds a PEM private key in plaintext/,
        );
        const secret: ResourceView = {
            type: "kubernetes:core/v1:Secret",
            name: "s",
            urn: "u",
            props: { stringData: { "tls.key": keyPem } },
        };
        assert.deepEqual(plaintextKeyMaterial(secret), []);
        const configMap: ResourceView = {
            type: "kubernetes:core/v1:ConfigMap",
            name: "c",
            urn: "u",
            props: { data: { "tls.key": Buffer.from(keyPem).toString("base64") } },
        };
        assert.match(plaintextKeyMaterial(configMap)[0], /input data\.tls\.key holds a base64-encoded PEM private key/);
    });

    it("hold the restricted Pod Security fields and the limits on any workload", () => {
        const pod: ResourceView = {
            type: "kubernetes:core/v1:Pod",
            name: "p",
            urn: "u",
            props: {
                spec: {
                    hostNetwork: true,
                    containers: [
                        {
                            name: "c",
                            image: "x",
                            securityContext: { privileged: true, capabilities: { add: ["SYS_ADMIN"] } },
                        },
                    ],
                },
            },
        };
        const gaps = podSecurityGaps(pod).join("\n");
        for (const expected of [
            /spec\.hostNetwork is true/,
            /privileged is true/,
            /allowPrivilegeEscalation is null; expected false/,
            /runAsNonRoot \(or the pod's\) is null; expected true/,
            /capabilities\.drop does not include "ALL"/,
            /capabilities\.add has \["SYS_ADMIN"\]/,
            /seccompProfile\.type \(or the pod's\) is null; expected RuntimeDefault or Localhost/,
        ]) {
            assert.match(gaps, expected);
        }
        assert.match(
            missingLimits(pod)[0],
            /container "c" has no cpu or memory limit \(spec\.containers\[0\]\.resources\.limits\)/,
        );
    });

    it("run at preview on resources with values only known at up, as @pulumi/policy hands them over (its proxy throws on reading an unknown)", async () => {
        const unknown = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
        const asHandedOver = (r: ResourceView) => ({
            ...r,
            props: unknownCheckingProxy(r.props) as Record<string, unknown>,
        });
        const csr: ResourceView = {
            type: "tls:index/certRequest:CertRequest",
            name: "csr",
            urn: "u",
            props: { privateKeyPem: unknown, subject: { commonName: "basic" } },
        };
        assert.throws(
            () => plaintextKeyMaterial(asHandedOver(csr)),
            /can't be known during preview/,
            "the proxy as the rules would meet it",
        );
        assert.deepEqual(plaintextKeyMaterial(resourceView(asHandedOver(csr))), []);

        const { imageDigest: _, ...config } = goodStack();
        const resources = (await resourcesOf(config)).map((r) => resourceView(asHandedOver(r)));
        const deployment = resources.find((r) => r.type === "kubernetes:apps/v1:Deployment")!;
        assert.match(unpinnedImages(deployment)[0], /not pinned by digest/, "a rule still judges what is known");
        assert.equal(unguardedChaincodeServers(resources).length, 0);
    });
});
