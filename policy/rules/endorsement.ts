/**
 * Endorsement policies that involve enough of the consortium: the policy of
 * every approval and definition must name at least `minimumOrgsNamed` orgs,
 * and need signatures from at least `minimumOrgsRequired` of them (the
 * smallest set of orgs that satisfies it, whatever roles they sign with).
 * A channel policy reference (or none: the channel's /Channel/Application/Endorsement)
 * is governed by the channel configuration, not by the deployment.
 */
import { isChannelPolicyReference } from "../../components/fabric/policy-encoding";
import { type PolicyGate, type PolicyRule, parsePolicy } from "../../components/fabric/policy-parser";
import { fabricResourceType } from "../../components/lifecycle/providers/resource-args";
import type { ResourceView } from "./resource";
import { isUnknown } from "./resource";

export interface EndorsementRuleConfig {
    readonly minimumOrgsNamed: number;
    readonly minimumOrgsRequired: number;
}

export const DEFAULT_ENDORSEMENT_CONFIG: EndorsementRuleConfig = { minimumOrgsNamed: 2, minimumOrgsRequired: 1 };

const DEFINITION_TYPES = new Set([fabricResourceType("ChaincodeApproval"), fabricResourceType("ChaincodeDefinition")]);

function orgsNamed(rule: PolicyRule, into: Set<string>): Set<string> {
    if (rule.kind === "principal") into.add(rule.mspId);
    else for (const inner of rule.rules) orgsNamed(inner, into);
    return into;
}

function satisfiedBy(rule: PolicyRule, signers: ReadonlySet<string>): boolean {
    if (rule.kind === "principal") return signers.has(rule.mspId);
    return rule.rules.filter((inner) => satisfiedBy(inner, signers)).length >= rule.threshold;
}

/** The fewest orgs whose signatures satisfy the policy (subsets by size; policies name few orgs). */
function fewestOrgsRequired(policy: PolicyGate, orgs: readonly string[]): number {
    for (let size = 0; size <= orgs.length; size++) {
        const pick = (start: number, chosen: string[]): boolean =>
            chosen.length === size
                ? satisfiedBy(policy, new Set(chosen))
                : orgs.slice(start).some((org, i) => pick(start + i + 1, [...chosen, org]));
        if (pick(0, [])) return size;
    }
    return Number.POSITIVE_INFINITY;
}

export function weakEndorsementPolicies(resource: ResourceView, config: EndorsementRuleConfig): string[] {
    if (!DEFINITION_TYPES.has(resource.type)) return [];
    const policy = resource.props.endorsementPolicy;
    if (policy === undefined || policy === "" || isUnknown(policy)) return [];
    if (typeof policy !== "string" || isChannelPolicyReference(policy)) return [];
    const where = `${resource.type.split(":").pop()} "${resource.name}" (chaincode ${JSON.stringify(resource.props.name)} on ${JSON.stringify(resource.props.channel)})`;
    let parsed: PolicyGate;
    try {
        parsed = parsePolicy(policy);
    } catch (error) {
        return [
            `${where}: endorsement policy ${JSON.stringify(policy)} does not parse: ${(error as Error).message.split("\n")[0]}`,
        ];
    }
    const named = [...orgsNamed(parsed, new Set())].sort();
    const problems: string[] = [];
    if (named.length < config.minimumOrgsNamed) {
        problems.push(
            `${where}: endorsement policy ${JSON.stringify(policy)} names ${named.length} org(s) (${named.join(", ")}); expected at least ${config.minimumOrgsNamed}`,
        );
    }
    const required = fewestOrgsRequired(parsed, named);
    if (required < config.minimumOrgsRequired) {
        problems.push(
            `${where}: endorsement policy ${JSON.stringify(policy)} is satisfied by ${required} org(s); expected at least ${config.minimumOrgsRequired}`,
        );
    }
    return problems;
}
