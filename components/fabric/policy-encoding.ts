/**
 * Policy text -> protobuf bytes, exactly as Fabric's policydsl encodes it
 * (so approvals from different tools match byte for byte), and back to text
 * for showing what a peer holds.
 */
import { common, msp, peer } from "@hyperledger/fabric-protos";
import { InvalidSettingError } from "../validation/errors";
import {
    parsePolicy,
    type PolicyGate,
    type PolicyPrincipal,
    type PolicyRole,
    POLICY_ROLES,
    PolicySyntaxError,
} from "./policy-parser";

const ROLE_CODES: Record<PolicyRole, msp.MSPRole.MSPRoleTypeMap[keyof msp.MSPRole.MSPRoleTypeMap]> = {
    member: msp.MSPRole.MSPRoleType.MEMBER,
    admin: msp.MSPRole.MSPRoleType.ADMIN,
    client: msp.MSPRole.MSPRoleType.CLIENT,
    peer: msp.MSPRole.MSPRoleType.PEER,
    orderer: msp.MSPRole.MSPRoleType.ORDERER,
};

/** The peer's default when no policy is given: the channel's Endorsement policy. */
export const DEFAULT_ENDORSEMENT_POLICY_REFERENCE = "/Channel/Application/Endorsement";

/** Compiles policy text into Fabric's SignaturePolicyEnvelope. */
export function compileSignaturePolicy(text: string): common.SignaturePolicyEnvelope {
    const identities: msp.MSPPrincipal[] = [];
    const rule = compileGate(parsePolicy(text), identities);
    const envelope = new common.SignaturePolicyEnvelope();
    envelope.setVersion(0);
    envelope.setRule(rule);
    envelope.setIdentitiesList(identities);
    return envelope;
}

/**
 * Fabric numbers identities the way its evaluator runs: every nested gate
 * (recursively, left to right) first, then this gate's own principals in
 * order. Duplicates are kept, as Fabric keeps them.
 */
function compileGate(gate: PolicyGate, identities: msp.MSPPrincipal[]): common.SignaturePolicy {
    const compiled: common.SignaturePolicy[] = gate.rules.map((rule) =>
        rule.kind === "gate" ? compileGate(rule, identities) : new common.SignaturePolicy(),
    );
    gate.rules.forEach((rule, index) => {
        if (rule.kind !== "principal") return;
        identities.push(rolePrincipal(rule));
        compiled[index].setSignedBy(identities.length - 1);
    });
    const nOutOf = new common.SignaturePolicy.NOutOf();
    nOutOf.setN(gate.threshold);
    nOutOf.setRulesList(compiled);
    const policy = new common.SignaturePolicy();
    policy.setNOutOf(nOutOf);
    return policy;
}

function rolePrincipal(principal: PolicyPrincipal): msp.MSPPrincipal {
    const role = new msp.MSPRole();
    role.setMspIdentifier(principal.mspId);
    role.setRole(ROLE_CODES[principal.role]);
    const result = new msp.MSPPrincipal();
    result.setPrincipalClassification(msp.MSPPrincipal.Classification.ROLE);
    result.setPrincipal(role.serializeBinary());
    return result;
}

/** True for a channel-config policy reference such as "/Channel/Application/Endorsement". */
export function isChannelPolicyReference(policy: string): boolean {
    return policy.startsWith("/");
}

/** Checks the form of a channel policy reference; returns a reason when it is malformed. */
export function channelPolicyReferenceProblem(reference: string): string | undefined {
    if (!/^\/Channel(\/[A-Za-z0-9._-]+)+$/.test(reference)) {
        return "a channel policy path such as /Channel/Application/Endorsement (segments of letters, digits, '.', '_' and '-')";
    }
    return undefined;
}

/**
 * An endorsement (validation) policy as the lifecycle carries it:
 * `ApplicationPolicy` holding either a signature policy (policy text) or a
 * channel-config policy reference (text starting with "/").
 */
export function compileApplicationPolicy(policy: string): peer.ApplicationPolicy {
    const result = new peer.ApplicationPolicy();
    if (isChannelPolicyReference(policy)) {
        const problem = channelPolicyReferenceProblem(policy);
        if (problem)
            throw new RangeError(`invalid channel policy reference ${JSON.stringify(policy)}: expected ${problem}`);
        result.setChannelConfigPolicyReference(policy);
    } else {
        result.setSignaturePolicy(compileSignaturePolicy(policy));
    }
    return result;
}

export function encodeApplicationPolicy(policy: string): Uint8Array {
    return compileApplicationPolicy(policy).serializeBinary();
}

/**
 * Like encodeApplicationPolicy, but a malformed policy becomes an
 * InvalidSettingError naming `setting` (the parser's message, with its
 * pointer at the offending character, is kept).
 */
export function encodeEndorsementPolicy(policy: string, setting: string): Uint8Array {
    if (typeof policy !== "string")
        throw new InvalidSettingError(
            setting,
            policy,
            "policy text such as OR('Org1MSP.member') or a channel policy path such as /Channel/Application/Endorsement",
        );
    if (isChannelPolicyReference(policy)) {
        const problem = channelPolicyReferenceProblem(policy);
        if (problem) throw new InvalidSettingError(setting, policy, problem);
    }
    try {
        return encodeApplicationPolicy(policy);
    } catch (error) {
        if (error instanceof PolicySyntaxError)
            throw new InvalidSettingError(setting, policy, `a valid policy: ${error.message}`);
        throw error;
    }
}

/** Renders an ApplicationPolicy back to text: the reference, or the signature policy in the language above. */
export function formatApplicationPolicy(bytes: Uint8Array): string {
    if (bytes.length === 0) return DEFAULT_ENDORSEMENT_POLICY_REFERENCE;
    const policy = peer.ApplicationPolicy.deserializeBinary(bytes);
    if (policy.getTypeCase() === peer.ApplicationPolicy.TypeCase.CHANNEL_CONFIG_POLICY_REFERENCE)
        return policy.getChannelConfigPolicyReference();
    const envelope = policy.getSignaturePolicy();
    if (!envelope) return "(empty policy)";
    return formatSignaturePolicy(envelope);
}

/** Renders a SignaturePolicyEnvelope as policy text (AND when all are required, OR when one is, else OutOf). */
export function formatSignaturePolicy(envelope: common.SignaturePolicyEnvelope): string {
    const identities = envelope.getIdentitiesList().map(formatPrincipal);
    const format = (rule: common.SignaturePolicy): string => {
        if (rule.getTypeCase() === common.SignaturePolicy.TypeCase.SIGNED_BY) {
            return identities[rule.getSignedBy()] ?? `(identity #${rule.getSignedBy()} missing)`;
        }
        const nOutOf = rule.getNOutOf();
        const rules = nOutOf?.getRulesList() ?? [];
        const n = nOutOf?.getN() ?? 0;
        const inner = rules.map(format).join(", ");
        if (n === 1) return `OR(${inner})`;
        if (n === rules.length) return `AND(${inner})`;
        return `OutOf(${n}, ${inner})`;
    };
    const rule = envelope.getRule();
    return rule ? format(rule) : "(empty policy)";
}

function formatPrincipal(principal: msp.MSPPrincipal): string {
    if (principal.getPrincipalClassification() !== msp.MSPPrincipal.Classification.ROLE) {
        return `(principal of classification ${principal.getPrincipalClassification()})`;
    }
    const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
    const name = POLICY_ROLES.find((candidate) => ROLE_CODES[candidate] === role.getRole()) ?? `role${role.getRole()}`;
    return `'${role.getMspIdentifier()}.${name}'`;
}
