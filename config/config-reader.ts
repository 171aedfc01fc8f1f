import { HiddenValue, InvalidSettingError } from "../components/validation/errors";

/** Where raw config strings come from: pulumi.Config in the program, a map in tests. */
export interface ConfigSource {
    get(key: string): string | undefined;
    /** Whether the stack stores the key encrypted (`pulumi config set --secret`); a source that cannot tell leaves it out. */
    isSecret?(key: string): boolean;
    /** Every key the stack sets in the program's namespace; a source that cannot list them leaves it out. */
    keys?(): readonly string[];
}

export type FieldType = "string" | "number" | "boolean" | "array";

/**
 * Typed reads of raw config strings, each failing with the key as the user
 * wrote it (list items as `key[i]`, object fields as `key.field`), the value
 * and what is accepted. Values of secret keys are never shown.
 */
export class ConfigReader {
    constructor(
        private readonly config: ConfigSource,
        private readonly secretKeys: readonly string[] = [],
    ) {}

    /** Whether the user set the key (Pulumi.yaml declares no defaults, so unset reads as undefined). */
    isSet(key: string): boolean {
        return this.string(key) !== undefined;
    }

    string(key: string): string | undefined {
        const value = this.config.get(key);
        return value === undefined || value === "" ? undefined : value;
    }

    /** The value for a message: hidden for secret keys. */
    shown(key: string): unknown {
        return this.secretKeys.includes(key) ? new HiddenValue() : this.string(key);
    }

    /** A whole number; its range is the component's check, under the same key. */
    integer(key: string): number | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        if (!/^-?[0-9]+$/.test(raw.trim())) throw new InvalidSettingError(key, raw, "a whole number");
        return Number(raw);
    }

    boolean(key: string): boolean | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        if (raw !== "true" && raw !== "false") throw new InvalidSettingError(key, raw, "true or false");
        return raw === "true";
    }

    oneOf<T extends string>(key: string, accepted: readonly T[]): T | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        if (!(accepted as readonly string[]).includes(raw)) {
            throw new InvalidSettingError(key, raw, `one of ${accepted.join(", ")}`);
        }
        return raw as T;
    }

    /** A list of strings; `item` checks each as `key[i]`. */
    stringArray(key: string, item?: (setting: string, value: string) => void): string[] | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        let parsed: unknown;
        try {
            parsed = JSON.parse(raw);
        } catch {
            parsed = undefined;
        }
        if (!Array.isArray(parsed)) throw new InvalidSettingError(key, raw, "a list of strings");
        parsed.forEach((value, i) => {
            if (typeof value !== "string")
                throw new InvalidSettingError(`${key}[${i}]`, value, "a string (the setting is a list of strings)");
            item?.(`${key}[${i}]`, value);
        });
        return parsed as string[];
    }

    /** A structured object value with the given required and optional fields, nothing else. */
    object<T>(
        key: string,
        required: Record<string, FieldType>,
        optional: Record<string, FieldType> = {},
    ): T | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        return checkObject(key, raw, this.parseJson(key, raw), required, optional) as T;
    }

    objectArray<T>(
        key: string,
        required: Record<string, FieldType>,
        optional: Record<string, FieldType> = {},
    ): T[] | undefined {
        const raw = this.string(key);
        if (raw === undefined) return undefined;
        const parsed = this.parseJson(key, raw);
        if (!Array.isArray(parsed))
            throw new InvalidSettingError(key, raw, `a list of objects with ${describeFields(required, optional)}`);
        return parsed.map((item, i) => checkObject(`${key}[${i}]`, item, item, required, optional) as T);
    }

    /** A list of "NAME=value" strings as a map. */
    keyValues(key: string): Record<string, string> | undefined {
        const result: Record<string, string> = {};
        const items = this.stringArray(key, (setting, item) => {
            const eq = item.indexOf("=");
            if (eq <= 0) throw new InvalidSettingError(setting, item, "an item of the form NAME=value");
            result[item.slice(0, eq)] = item.slice(eq + 1);
        });
        return items && result;
    }

    /** A structured value as parsed JSON (its fields are the caller's to check). */
    json(key: string): unknown {
        const raw = this.string(key);
        return raw === undefined ? undefined : this.parseJson(key, raw);
    }

    private parseJson(key: string, raw: string): unknown {
        try {
            return JSON.parse(raw);
        } catch {
            throw new InvalidSettingError(
                key,
                this.shown(key),
                "a structured value (set it in the stack file or with `pulumi config set --path`)",
            );
        }
    }
}

function checkObject(
    key: string,
    raw: unknown,
    value: unknown,
    required: Record<string, FieldType>,
    optional: Record<string, FieldType>,
    hidden: readonly string[] = [],
) {
    const accepted = `an object with ${describeFields(required, optional)}`;
    if (!value || typeof value !== "object" || Array.isArray(value)) throw new InvalidSettingError(key, raw, accepted);
    const record = value as Record<string, unknown>;
    for (const [field, type] of Object.entries(required)) {
        if (!hasType(record[field], type))
            throw new InvalidSettingError(
                `${key}.${field}`,
                shownField(field, record[field], hidden),
                `a ${type} (${accepted})`,
            );
    }
    for (const [field, fieldValue] of Object.entries(record)) {
        const type = required[field] ?? optional[field];
        // An unknown field of an object that holds secrets may be a misspelled secret: its value is not shown.
        if (type === undefined)
            throw new InvalidSettingError(
                `${key}.${field}`,
                hidden.length > 0 ? new HiddenValue() : fieldValue,
                `no such field; ${accepted}`,
            );
        if (!hasType(fieldValue, type))
            throw new InvalidSettingError(`${key}.${field}`, shownField(field, fieldValue, hidden), `a ${type}`);
    }
    return record;
}

function hasType(value: unknown, type: FieldType): boolean {
    return type === "array" ? Array.isArray(value) : typeof value === type;
}

function shownField(field: string, value: unknown, hidden: readonly string[]): unknown {
    return hidden.includes(field) ? new HiddenValue() : value;
}

/**
 * A list of objects inside a structured value (e.g. an org's `peers`), each
 * checked as `key[i]`; values of the `hidden` fields are never shown.
 */
export function checkObjectList<T>(
    key: string,
    value: unknown,
    required: Record<string, FieldType>,
    optional: Record<string, FieldType> = {},
    hidden: readonly string[] = [],
): T[] {
    if (!Array.isArray(value))
        throw new InvalidSettingError(
            key,
            hidden.length ? new HiddenValue() : value,
            `a list of objects with ${describeFields(required, optional)}`,
        );
    return value.map(
        (item, i) =>
            checkObject(
                `${key}[${i}]`,
                hidden.length ? new HiddenValue() : item,
                item,
                required,
                optional,
                hidden,
            ) as T,
    );
}

function describeFields(required: Record<string, FieldType>, optional: Record<string, FieldType>): string {
    const fields = [...Object.keys(required), ...Object.keys(optional).map((field) => `${field}?`)];
    return `fields ${fields.join(", ")}`;
}
