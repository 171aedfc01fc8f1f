/**
 * Static private data collections -> CollectionConfigPackage, encoded as
 * the peer CLI encodes a collections_config.json, with the checks the peer
 * applies done up front so a mistake is reported before anything is sent.
 */
import { type common, peer } from "@hyperledger/fabric-protos";
import { InvalidSettingError } from "../validation/errors";
import { checkCollectionName } from "../validation/fabric";
import {
    compileSignaturePolicy,
    encodeEndorsementPolicy,
    formatApplicationPolicy,
    formatSignaturePolicy,
} from "./policy-encoding";
import { PolicySyntaxError } from "./policy-parser";

export interface CollectionConfig {
    /** Collection name: letters, digits, '_' and '-', not starting with '_'. */
    readonly name: string;
    /** Member orgs policy, OR-only, e.g. "OR('Org1MSP.member', 'Org2MSP.member')". */
    readonly policy: string;
    /** Peers the endorser must disseminate to before it endorses. Defaults to 0. */
    readonly requiredPeerCount?: number;
    /** Peers the endorser tries to disseminate to. Defaults to 1. */
    readonly maxPeerCount?: number;
    /** Blocks after which the private data is purged; 0 keeps it forever. Defaults to 0. */
    readonly blockToLive?: number;
    /** Only members of the collection may read it. Defaults to false. */
    readonly memberOnlyRead?: boolean;
    /** Only members of the collection may write it. Defaults to false. */
    readonly memberOnlyWrite?: boolean;
    /** Collection-level endorsement policy: policy text or a channel policy path ("/Channel/..."). Defaults to none (the chaincode's). */
    readonly endorsementPolicy?: string;
}

const INT32_MAX = 2 ** 31 - 1;

/** Encodes the collections; an empty list encodes to empty bytes (no collections). */
export function encodeCollections(
    collections: readonly CollectionConfig[] | undefined,
    setting = "collections",
): Uint8Array {
    const configs = (collections ?? []).map((collection, index) =>
        compileCollection(collection, `${setting}[${index}]`),
    );
    const names = new Set<string>();
    (collections ?? []).forEach((collection, index) => {
        if (names.has(collection.name))
            throw new InvalidSettingError(
                `${setting}[${index}].name`,
                collection.name,
                "a name not used by another collection",
            );
        names.add(collection.name);
    });
    const configPackage = new peer.CollectionConfigPackage();
    configPackage.setConfigList(configs);
    return configPackage.serializeBinary();
}

function compileCollection(collection: CollectionConfig, field: string): peer.CollectionConfig {
    checkCollectionName(`${field}.name`, collection.name);
    const requiredPeerCount = collection.requiredPeerCount ?? 0;
    const maxPeerCount = collection.maxPeerCount ?? 1;
    const blockToLive = collection.blockToLive ?? 0;
    requireInteger(`${field}.requiredPeerCount`, requiredPeerCount, 0, INT32_MAX);
    requireInteger(`${field}.maxPeerCount`, maxPeerCount, 0, INT32_MAX);
    requireInteger(`${field}.blockToLive`, blockToLive, 0, Number.MAX_SAFE_INTEGER);
    if (maxPeerCount < requiredPeerCount) {
        throw new InvalidSettingError(
            `${field}.maxPeerCount`,
            maxPeerCount,
            `a number not less than requiredPeerCount (${requiredPeerCount})`,
        );
    }

    const memberPolicy = compileMemberPolicy(`${field}.policy`, collection.policy);
    const rule = memberPolicy.getRule();
    if (rule && !isOrOnly(rule)) {
        throw new InvalidSettingError(
            `${field}.policy`,
            collection.policy,
            "an OR-only policy listing the member orgs, e.g. OR('Org1MSP.member', 'Org2MSP.member') (Fabric rejects AND/OutOf here)",
        );
    }
    const memberOrgsPolicy = new peer.CollectionPolicyConfig();
    memberOrgsPolicy.setSignaturePolicy(memberPolicy);

    const config = new peer.StaticCollectionConfig();
    config.setName(collection.name);
    config.setMemberOrgsPolicy(memberOrgsPolicy);
    config.setRequiredPeerCount(requiredPeerCount);
    config.setMaximumPeerCount(maxPeerCount);
    config.setBlockToLive(blockToLive);
    config.setMemberOnlyRead(collection.memberOnlyRead ?? false);
    config.setMemberOnlyWrite(collection.memberOnlyWrite ?? false);
    if (collection.endorsementPolicy !== undefined && collection.endorsementPolicy !== "") {
        const policyBytes = encodeEndorsementPolicy(collection.endorsementPolicy, `${field}.endorsementPolicy`);
        config.setEndorsementPolicy(peer.ApplicationPolicy.deserializeBinary(policyBytes));
    }
    const result = new peer.CollectionConfig();
    result.setStaticCollectionConfig(config);
    return result;
}

function compileMemberPolicy(field: string, text: string): common.SignaturePolicyEnvelope {
    const accepted = "an OR-only policy listing the member orgs, e.g. OR('Org1MSP.member', 'Org2MSP.member')";
    if (typeof text !== "string" || text.startsWith("/")) throw new InvalidSettingError(field, text, accepted);
    try {
        return compileSignaturePolicy(text);
    } catch (error) {
        if (error instanceof PolicySyntaxError)
            throw new InvalidSettingError(field, text, `${accepted}: ${error.message}`);
        throw error;
    }
}

function isOrOnly(rule: common.SignaturePolicy): boolean {
    const nOutOf = rule.getNOutOf();
    if (!nOutOf) return true;
    return nOutOf.getN() === 1 && nOutOf.getRulesList().every(isOrOnly);
}

function requireInteger(field: string, value: number, min: number, max: number): void {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new InvalidSettingError(field, value, `a whole number from ${min} to ${max}`);
    }
}

/** Reads a CollectionConfigPackage (as a peer returns it) back into CollectionConfig values, policies as text. */
export function decodeCollections(bytes: Uint8Array): CollectionConfig[] {
    if (bytes.length === 0) return [];
    return peer.CollectionConfigPackage.deserializeBinary(bytes)
        .getConfigList()
        .flatMap((config) => {
            const collection = config.getStaticCollectionConfig();
            if (!collection) return [];
            const member = collection.getMemberOrgsPolicy()?.getSignaturePolicy();
            const endorsement = collection.getEndorsementPolicy();
            return [
                {
                    name: collection.getName(),
                    policy: member ? formatSignaturePolicy(member) : "",
                    requiredPeerCount: collection.getRequiredPeerCount(),
                    maxPeerCount: collection.getMaximumPeerCount(),
                    blockToLive: collection.getBlockToLive(),
                    memberOnlyRead: collection.getMemberOnlyRead(),
                    memberOnlyWrite: collection.getMemberOnlyWrite(),
                    ...(endorsement
                        ? { endorsementPolicy: formatApplicationPolicy(endorsement.serializeBinary()) }
                        : {}),
                },
            ];
        });
}

/** The peer CLI's collections_config.json entry, so existing files can be reused. */
export interface CliCollectionJson {
    name: string;
    policy: string;
    requiredPeerCount?: number;
    maxPeerCount?: number;
    blockToLive?: number;
    memberOnlyRead?: boolean;
    memberOnlyWrite?: boolean;
    endorsementPolicy?: { signaturePolicy?: string; channelConfigPolicy?: string };
}

/** Converts the peer CLI's collections JSON into CollectionConfig values. */
export function collectionsFromCliJson(json: string | readonly CliCollectionJson[]): CollectionConfig[] {
    const entries = (typeof json === "string" ? JSON.parse(json) : json) as CliCollectionJson[];
    if (!Array.isArray(entries))
        throw new InvalidSettingError("collections", json, "a JSON array of collection objects");
    return entries.map((entry, index) => {
        checkCliFields(entry, `collections[${index}]`);
        const endorsement = entry.endorsementPolicy;
        if (endorsement?.signaturePolicy && endorsement.channelConfigPolicy) {
            throw new InvalidSettingError(
                `collections[${index}].endorsementPolicy`,
                endorsement,
                "either signaturePolicy or channelConfigPolicy, not both",
            );
        }
        return {
            name: entry.name,
            policy: entry.policy,
            requiredPeerCount: entry.requiredPeerCount,
            maxPeerCount: entry.maxPeerCount,
            blockToLive: entry.blockToLive,
            memberOnlyRead: entry.memberOnlyRead,
            memberOnlyWrite: entry.memberOnlyWrite,
            endorsementPolicy: endorsement?.signaturePolicy || endorsement?.channelConfigPolicy || undefined,
        };
    });
}

/** The fields the peer CLI reads; another one (a misspelling such as memberOnlyWirte) is refused, not dropped. */
const CLI_FIELDS: Record<string, readonly string[]> = {
    entry: [
        "name",
        "policy",
        "requiredPeerCount",
        "maxPeerCount",
        "blockToLive",
        "memberOnlyRead",
        "memberOnlyWrite",
        "endorsementPolicy",
    ],
    endorsementPolicy: ["signaturePolicy", "channelConfigPolicy"],
};

function checkCliFields(entry: unknown, setting: string): void {
    const isObject = (value: unknown) => value !== null && typeof value === "object" && !Array.isArray(value);
    if (!isObject(entry))
        throw new InvalidSettingError(setting, entry, `a collection object with fields ${CLI_FIELDS.entry.join(", ")}`);
    const endorsement = (entry as CliCollectionJson).endorsementPolicy;
    if (endorsement !== undefined && !isObject(endorsement))
        throw new InvalidSettingError(
            `${setting}.endorsementPolicy`,
            endorsement,
            "an object {signaturePolicy} or {channelConfigPolicy}",
        );
    for (const [where, fields, value] of [
        [setting, CLI_FIELDS.entry, entry],
        [`${setting}.endorsementPolicy`, CLI_FIELDS.endorsementPolicy, endorsement ?? {}],
    ] as const) {
        const unknown = Object.keys(value as object).find((field) => !fields.includes(field));
        if (unknown !== undefined)
            throw new InvalidSettingError(
                `${where}.${unknown}`,
                (value as Record<string, unknown>)[unknown],
                `a field the peer CLI reads: ${fields.join(", ")}`,
            );
    }
}
