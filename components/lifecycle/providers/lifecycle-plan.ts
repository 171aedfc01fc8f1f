/**
 * Decisions shared by the approval and commit providers: which sequence a
 * definition gets, and how a definition read from a peer is shown in state.
 * No Pulumi imports (runs in the provider process).
 */
import {
    type CommittedDefinition,
    decodeCollections,
    definitionDifferences,
    type EncodedDefinition,
    encodeDefinition,
    formatApplicationPolicy,
} from "../../fabric";
import { bytesEqual } from "../../fabric/chaincode-definition";
import { InvalidSettingError } from "../../validation/errors";
import { type DefinitionInputs, definitionOf } from "./shared";

export interface SequencePlan {
    readonly sequence: number;
    /** The definition equals the committed one at `sequence` (nothing to commit; an approval may still be needed for a new package). */
    readonly matchesCommitted: boolean;
}

/**
 * "auto": the committed sequence when the definition is unchanged, else the
 * next one. An explicit number must be the committed sequence (unchanged
 * definition) or the next one.
 */
export function planSequence(
    inputs: DefinitionInputs,
    desired: EncodedDefinition,
    committed: CommittedDefinition | undefined,
): SequencePlan {
    const current = committed?.sequence ?? 0;
    const differences = committed ? definitionDifferences(committed, desired) : undefined;
    const unchanged = differences !== undefined && differences.length === 0;
    const where = `chaincode ${inputs.name} on channel ${inputs.channel}`;
    if (inputs.sequence === "auto")
        return unchanged
            ? { sequence: current, matchesCommitted: true }
            : { sequence: current + 1, matchesCommitted: false };

    const requested = inputs.sequence as number;
    if (requested < current) {
        throw new InvalidSettingError(
            "sequence",
            requested,
            `at least ${current}, the sequence committed for ${where} (or "auto")`,
        );
    }
    if (requested === current) {
        if (unchanged) return { sequence: current, matchesCommitted: true };
        throw new InvalidSettingError(
            "sequence",
            requested,
            `${current + 1} or "auto": sequence ${current} is already committed for ${where} with a different definition (differs in: ${differences!.join("; ")})`,
        );
    }
    if (requested > current + 1) {
        throw new InvalidSettingError(
            "sequence",
            requested,
            `${current + 1} or "auto": Fabric accepts only the next sequence after the committed ${current} for ${where}`,
        );
    }
    return { sequence: requested, matchesCommitted: false };
}

/** The sequence a definition gets, and what that means in words, for a preview or a PR comment. */
export interface DescribedPlan {
    readonly sequence: number;
    readonly change: string;
}

export function describePlan(
    inputs: DefinitionInputs,
    desired: EncodedDefinition,
    committed: CommittedDefinition | undefined,
    { sequence, matchesCommitted }: SequencePlan = planSequence(inputs, desired, committed),
): DescribedPlan {
    if (!committed)
        return {
            sequence,
            change: `sequence ${sequence}: the first definition of ${inputs.name} on ${inputs.channel}`,
        };
    if (matchesCommitted) return { sequence, change: `sequence ${sequence}: the committed definition, unchanged` };
    return {
        sequence,
        change: `sequence ${committed.sequence} → ${sequence}: ${definitionDifferences(committed, desired).join("; ")} (committed vs declared)`,
    };
}

/**
 * With "auto", the sequence about to be approved or committed must be the one
 * the program planned in this run: a difference means another party changed
 * the channel meanwhile, and acting on it would not be what the plan showed.
 */
export function requirePlanStillHolds(inputs: DefinitionInputs, sequence: number): void {
    if (inputs.sequence !== "auto" || inputs.plannedSequence === undefined || inputs.plannedSequence === sequence)
        return;
    throw new Error(
        `the channel ${inputs.channel} changed after this run planned chaincode ${inputs.name}: planned sequence ${inputs.plannedSequence} ` +
            `(${inputs.plannedChange ?? "no reason given"}), but it now needs sequence ${sequence}. Nothing was sent; run the update again to plan from what the channel holds now`,
    );
}

/** The desired definition (sequence still to be planned). */
export function desiredDefinition(inputs: DefinitionInputs): EncodedDefinition {
    return encodeDefinition(definitionOf(inputs, 1), "");
}

/**
 * The definition fields of state as the network has them: texts the user
 * wrote are kept when they encode to the same bytes, otherwise replaced by
 * what the peer holds, so `refresh` shows real drift and nothing else.
 */
export function definitionFieldsFromNetwork<T extends DefinitionInputs>(props: T, found: EncodedDefinition): T {
    const ours = safeDesired(props);
    return {
        ...props,
        version: found.version,
        sequence: props.sequence === "auto" ? "auto" : found.sequence,
        endorsementPolicy:
            ours && bytesEqual(ours.validationParameter, found.validationParameter)
                ? props.endorsementPolicy
                : formatApplicationPolicy(found.validationParameter),
        collections:
            ours && bytesEqual(ours.collections, found.collections)
                ? props.collections
                : decodeCollections(found.collections),
        initRequired: (props.initRequired ?? false) === found.initRequired ? props.initRequired : found.initRequired,
        endorsementPlugin:
            ours && ours.endorsementPlugin === found.endorsementPlugin
                ? props.endorsementPlugin
                : found.endorsementPlugin,
        validationPlugin:
            ours && ours.validationPlugin === found.validationPlugin ? props.validationPlugin : found.validationPlugin,
    };
}

function safeDesired(inputs: DefinitionInputs): EncodedDefinition | undefined {
    try {
        return desiredDefinition(inputs);
    } catch {
        return undefined;
    }
}

/** Drops undefined values: the engine's Struct encoding cannot carry them. */
export function compact<T extends object>(value: T): T {
    return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
