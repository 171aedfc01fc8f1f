/**
 * Reads the stack's keys through their declarations (schema.ts): each value
 * as Pulumi hands it over becomes its typed value, or the first problem is
 * refused as `invalid <key as written>: <value>; expected <accepted>`, list
 * items as `key[i]` and fields as `key.field`. A value under a secret key or
 * in a field named like a secret is never shown.
 */
import type * as z from "zod";
import { HiddenValue, InvalidSettingError, isSecretField } from "../components/validation/errors";
import { nearestKey } from "./known-keys";
import { CHAINCODE_KEYS, type ConfigKey, type ConfigValues, KEYS, type KeyDeclaration, SECRET_KEYS } from "./schema";
import type { RepeatedItem, ValuePath } from "./value-kinds";

/** Where raw config strings come from: pulumi.Config in the program, a map in tests. */
export interface ConfigSource {
    get(key: string): string | undefined;
    /** Whether the stack stores the key encrypted (`pulumi config set --secret`); a source that cannot tell leaves it out. */
    isSecret?(key: string): boolean;
    /** Every key the stack sets in the program's namespace; a source that cannot list them leaves it out. */
    keys?(): readonly string[];
}

const STRUCTURED_TEXT = "a structured value (set it in the stack file or with `pulumi config set --path`)";

/** The stack-level value of every key set; an empty string reads as unset. */
export function parseStackValues(source: ConfigSource): ConfigValues {
    const values: Record<string, unknown> = {};
    for (const key of Object.keys(KEYS) as ConfigKey[]) {
        const raw = source.get(key);
        if (raw !== undefined && raw !== "") values[key] = parseValue(key, raw, key);
    }
    return values as ConfigValues;
}

/** An item of `chaincodes`: its own keys, each by its declaration, named `chaincodes[i].<key>`. */
export function parseChaincodeItem(item: Record<string, unknown>, index: number): ConfigValues {
    const prefix = `chaincodes[${index}]`;
    const values: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(item)) {
        if (!(CHAINCODE_KEYS as readonly string[]).includes(key)) {
            const nearest = nearestKey(key, CHAINCODE_KEYS);
            const stackOnly = key in KEYS ? `${key} is the stack's, for every chaincode; ` : "";
            throw new InvalidSettingError(
                `${prefix}.${key}`,
                isSecretField(key) || (SECRET_KEYS as readonly string[]).includes(key) ? new HiddenValue("set") : value,
                `a key a chaincode sets for itself: ${stackOnly}${nearest ? `did you mean ${nearest}? ` : ""}(${CHAINCODE_KEYS.join(", ")})`,
            );
        }
        if (value !== undefined && value !== "") values[key] = parseValue(key as ConfigKey, value, `${prefix}.${key}`);
    }
    if (typeof values.chaincodeName !== "string") {
        throw new InvalidSettingError(
            `${prefix}.chaincodeName`,
            item.chaincodeName,
            "the chaincode's name (each item names its own)",
        );
    }
    return values as ConfigValues;
}

/** One key's value: JSON text decoded for a list or an object, then its kind's schema. */
function parseValue(key: ConfigKey, value: unknown, setting: string): unknown {
    const declaration = KEYS[key] as KeyDeclaration;
    let decoded = value;
    if (declaration.kind.structured && typeof value === "string") {
        try {
            decoded = JSON.parse(value);
        } catch {
            throw new InvalidSettingError(
                setting,
                declaration.secret ? new HiddenValue() : value,
                declaration.kind.acceptedText ?? STRUCTURED_TEXT,
            );
        }
    }
    const result = declaration.kind.schema.safeParse(decoded);
    if (result.success) return result.data;
    throw refusal(setting, declaration, value, decoded, result.error.issues[0]);
}

function refusal(
    setting: string,
    declaration: KeyDeclaration,
    asWritten: unknown,
    decoded: unknown,
    issue: z.core.$ZodIssue,
): InvalidSettingError {
    let path: ValuePath = issue.path as ValuePath;
    let accepted = issue.message;
    // A misspelled field: named itself, as the value it holds may be a misspelled secret.
    const unknownField = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
    if (unknownField !== undefined) path = [...path, unknownField];
    const repeated = issue.code === "custom" ? (issue.params as RepeatedItem | undefined)?.repeats : undefined;
    const named = `${setting}${pathText(path)}`;
    if (repeated !== undefined) {
        accepted = `${accepted} (${setting}${pathText([...path.slice(0, -1), repeated])} is the same)`;
    }
    const value = path.length === 0 ? asWritten : valueAt(decoded, path);
    // Under a secret key only a plain value of a known, non-secret field is shown (otherOrgs[0].mspId).
    const last = path.at(-1);
    const hidden =
        (declaration.secret &&
            (typeof last !== "string" ||
                unknownField !== undefined ||
                (value !== null && typeof value === "object"))) ||
        path.some((part) => typeof part === "string" && isSecretField(part));
    const shown = hidden ? new HiddenValue() : value;
    return new InvalidSettingError(named, shown, accepted);
}

function pathText(path: ValuePath): string {
    return path.map((part) => (typeof part === "number" ? `[${part}]` : `.${part}`)).join("");
}

function valueAt(value: unknown, path: ValuePath): unknown {
    let current = value;
    for (const part of path) {
        if (current === null || typeof current !== "object") return undefined;
        current = (current as Record<string | number, unknown>)[part];
    }
    return current;
}
