/**
 * The policy pack a consortium runs on every chaincode deployment:
 *   pulumi preview --policy-pack policy [--policy-pack-config policy-config.json]
 * Each rule lives in rules/; this file only registers them.
 */
import { PolicyPack, type ReportViolation, type ResourceValidationArgs } from "@pulumi/policy";
import { chaincodeTlsGaps } from "./rules/tls";
import { DEFAULT_ENDORSEMENT_CONFIG, type EndorsementRuleConfig, weakEndorsementPolicies } from "./rules/endorsement";
import { unpinnedImages } from "./rules/images";
import { missingLimits } from "./rules/limits";
import { unguardedChaincodeServers } from "./rules/network-policy";
import { plaintextKeyMaterial } from "./rules/plaintext-secrets";
import { podSecurityGaps } from "./rules/pod-security";
import { type ResourceView, resourceView as view } from "./rules/resource";

function reportEach(check: (resource: ResourceView) => string[]) {
    return (args: ResourceValidationArgs, report: ReportViolation) => {
        for (const message of check(view(args))) report(message);
    };
}

new PolicyPack("fabric-ccaas", {
    enforcementLevel: "mandatory",
    policies: [
        {
            name: "image-pinned-by-digest",
            description:
                "Every container image is pinned by digest (<repository>@sha256:…), so the bytes the consortium reviewed are the bytes that run.",
            validateResource: reportEach(unpinnedImages),
        },
        {
            name: "chaincode-tls",
            description: "Every chaincode server serves TLS and demands client certificates (mutual TLS).",
            validateResource: reportEach(chaincodeTlsGaps),
        },
        {
            name: "chaincode-network-policy",
            description: "A NetworkPolicy selects the pods of every chaincode server and restricts who may connect.",
            validateStack: (args, report) => {
                const resources = args.resources.map(view);
                for (const { resource, message } of unguardedChaincodeServers(resources)) {
                    report(message, resource.urn);
                }
            },
        },
        {
            name: "restricted-pod-security",
            description:
                "Pods meet the restricted Pod Security Standard (non-root, no privilege escalation, all capabilities dropped, RuntimeDefault seccomp, no host namespaces or paths).",
            validateResource: reportEach(podSecurityGaps),
        },
        {
            name: "resource-limits",
            description: "Every container has CPU and memory limits.",
            validateResource: reportEach(missingLimits),
        },
        {
            name: "endorsement-orgs",
            description: "Endorsement policies of approvals and definitions name, and require, enough orgs.",
            configSchema: {
                properties: {
                    minimumOrgsNamed: {
                        type: "integer",
                        minimum: 1,
                        default: DEFAULT_ENDORSEMENT_CONFIG.minimumOrgsNamed,
                    },
                    minimumOrgsRequired: {
                        type: "integer",
                        minimum: 1,
                        default: DEFAULT_ENDORSEMENT_CONFIG.minimumOrgsRequired,
                    },
                },
            },
            validateResource: (args, report) => {
                const config = { ...DEFAULT_ENDORSEMENT_CONFIG, ...args.getConfig<Partial<EndorsementRuleConfig>>() };
                for (const message of weakEndorsementPolicies(view(args), config)) report(message);
            },
        },
        {
            name: "no-plaintext-key-material",
            description:
                "No private key appears in a resource input other than those its provider stores encrypted (Kubernetes Secret data, the Fabric resources' key inputs).",
            validateResource: reportEach(plaintextKeyMaterial),
        },
    ],
});
