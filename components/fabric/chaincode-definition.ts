/**
 * Chaincode definitions: what callers describe, how it is encoded for the
 * lifecycle, and how definitions read back from a peer are normalised so
 * two definitions can be compared field by field.
 */
import { peer } from "@hyperledger/fabric-protos";
import { InvalidSettingError } from "../validation/errors";
import { checkChaincodeName, checkChaincodeVersion } from "../validation/fabric";
import { type CollectionConfig, encodeCollections } from "./collections";
import {
    DEFAULT_ENDORSEMENT_POLICY_REFERENCE,
    encodeApplicationPolicy,
    encodeEndorsementPolicy,
    formatApplicationPolicy,
} from "./policy-encoding";

export interface ChaincodeDefinition {
    /** Chaincode name: letters, digits, '-' and '_', starting and ending with a letter or digit. */
    readonly name: string;
    /** Version label: letters, digits, '.', '_', '+' and '-'. */
    readonly version: string;
    /** Definition sequence, from 1. */
    readonly sequence: number;
    /** Policy text (e.g. "OR('Org1MSP.member')") or a channel policy path. Defaults to "/Channel/Application/Endorsement". */
    readonly endorsementPolicy?: string;
    /** Static private data collections. Defaults to none. */
    readonly collections?: readonly CollectionConfig[];
    /** Whether Init must be invoked before other functions. Defaults to false. */
    readonly initRequired?: boolean;
    /** Defaults to "escc". */
    readonly endorsementPlugin?: string;
    /** Defaults to "vscc". */
    readonly validationPlugin?: string;
}

/** A definition as the peer stores it: defaults filled in, policies and collections as bytes. */
export interface EncodedDefinition {
    readonly name: string;
    readonly version: string;
    readonly sequence: number;
    readonly endorsementPlugin: string;
    readonly validationPlugin: string;
    /** ApplicationPolicy bytes. */
    readonly validationParameter: Uint8Array;
    /** CollectionConfigPackage bytes (empty when there are no collections). */
    readonly collections: Uint8Array;
    readonly initRequired: boolean;
}

export const DEFAULT_ENDORSEMENT_PLUGIN = "escc";
export const DEFAULT_VALIDATION_PLUGIN = "vscc";
const SYSTEM_CHAINCODES = new Set(["cscc", "escc", "lscc", "qscc", "vscc", "_lifecycle"]);

/** Validates the definition and fills in the peer's defaults. */
export function encodeDefinition(definition: ChaincodeDefinition, setting = "definition"): EncodedDefinition {
    checkNameAndVersion(definition.name, definition.version, setting);
    if (!Number.isSafeInteger(definition.sequence) || definition.sequence < 1) {
        throw new InvalidSettingError(prefixed(setting, "sequence"), definition.sequence, "a whole number from 1");
    }
    const policy =
        definition.endorsementPolicy === undefined || definition.endorsementPolicy === ""
            ? DEFAULT_ENDORSEMENT_POLICY_REFERENCE
            : definition.endorsementPolicy;
    return {
        name: definition.name,
        version: definition.version,
        sequence: definition.sequence,
        endorsementPlugin: definition.endorsementPlugin || DEFAULT_ENDORSEMENT_PLUGIN,
        validationPlugin: definition.validationPlugin || DEFAULT_VALIDATION_PLUGIN,
        validationParameter: encodeEndorsementPolicy(policy, prefixed(setting, "endorsementPolicy")),
        collections: encodeCollections(definition.collections, prefixed(setting, "collections")),
        initRequired: definition.initRequired ?? false,
    };
}

export function checkNameAndVersion(name: string, version: string, setting = "definition"): void {
    checkDefinitionName(name, prefixed(setting, "name"));
    checkChaincodeVersion(prefixed(setting, "version"), version);
}

/** Fabric's chaincode name rule, plus: not the name of a system chaincode. */
export function checkDefinitionName(name: string, setting: string): void {
    checkChaincodeName(setting, name);
    if (SYSTEM_CHAINCODES.has(name))
        throw new InvalidSettingError(setting, name, "a name that is not a system chaincode's");
}

function prefixed(setting: string, field: string): string {
    return setting === "" ? field : `${setting}.${field}`;
}

/** The subset of lifecycle result messages that carry a definition. */
interface DefinitionMessage {
    getSequence(): number;
    getVersion(): string;
    getEndorsementPlugin(): string;
    getValidationPlugin(): string;
    getValidationParameter_asU8(): Uint8Array;
    getCollections(): peer.CollectionConfigPackage | undefined;
    getInitRequired(): boolean;
}

/** Reads a definition from a peer's answer, applying the same defaults the peer applies. */
export function definitionFromMessage(name: string, message: DefinitionMessage): EncodedDefinition {
    const parameter = message.getValidationParameter_asU8();
    return {
        name,
        version: message.getVersion(),
        sequence: message.getSequence(),
        endorsementPlugin: message.getEndorsementPlugin() || DEFAULT_ENDORSEMENT_PLUGIN,
        validationPlugin: message.getValidationPlugin() || DEFAULT_VALIDATION_PLUGIN,
        validationParameter:
            parameter.length > 0 ? parameter : encodeApplicationPolicy(DEFAULT_ENDORSEMENT_POLICY_REFERENCE),
        collections: message.getCollections()?.serializeBinary() ?? new Uint8Array(),
        initRequired: message.getInitRequired(),
    };
}

/** Names of the fields in which two definitions differ (sequence excluded unless asked). */
export function definitionDifferences(
    a: EncodedDefinition,
    b: EncodedDefinition,
    options: { includeSequence?: boolean } = {},
): string[] {
    const differences: string[] = [];
    if (options.includeSequence && a.sequence !== b.sequence)
        differences.push(`sequence (${a.sequence} vs ${b.sequence})`);
    if (a.version !== b.version)
        differences.push(`version (${JSON.stringify(a.version)} vs ${JSON.stringify(b.version)})`);
    if (a.endorsementPlugin !== b.endorsementPlugin)
        differences.push(`endorsementPlugin (${a.endorsementPlugin} vs ${b.endorsementPlugin})`);
    if (a.validationPlugin !== b.validationPlugin)
        differences.push(`validationPlugin (${a.validationPlugin} vs ${b.validationPlugin})`);
    if (!bytesEqual(a.validationParameter, b.validationParameter)) {
        differences.push(
            `endorsementPolicy (${formatApplicationPolicy(a.validationParameter)} vs ${formatApplicationPolicy(b.validationParameter)})`,
        );
    }
    if (!bytesEqual(a.collections, b.collections)) differences.push("collections");
    if (a.initRequired !== b.initRequired) differences.push(`initRequired (${a.initRequired} vs ${b.initRequired})`);
    return differences;
}

/** Fills a lifecycle args message (Approve, CheckCommitReadiness, Commit share fields 1-8). */
export function applyDefinition<T extends DefinitionArgs>(args: T, definition: EncodedDefinition): T {
    args.setSequence(definition.sequence);
    args.setName(definition.name);
    args.setVersion(definition.version);
    args.setEndorsementPlugin(definition.endorsementPlugin);
    args.setValidationPlugin(definition.validationPlugin);
    args.setValidationParameter(definition.validationParameter);
    // Like the peer CLI: no collections field at all when there are none.
    if (definition.collections.length > 0)
        args.setCollections(peer.CollectionConfigPackage.deserializeBinary(definition.collections));
    args.setInitRequired(definition.initRequired);
    return args;
}

interface DefinitionArgs {
    setSequence(value: number): void;
    setName(value: string): void;
    setVersion(value: string): void;
    setEndorsementPlugin(value: string): void;
    setValidationPlugin(value: string): void;
    setValidationParameter(value: Uint8Array): void;
    setCollections(value?: peer.CollectionConfigPackage): void;
    setInitRequired(value: boolean): void;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}
