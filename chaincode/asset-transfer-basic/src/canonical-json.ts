/** A JSON value whose objects can be re-emitted with sorted keys. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | { readonly [key: string]: JsonValue };

/**
 * JSON with every object's keys in ascending code-unit order and no whitespace,
 * so every endorsing peer returns and writes identical bytes for identical state.
 */
export function canonicalJson(value: JsonValue): string {
    if (Array.isArray(value)) {
        return `[${value.map((item: JsonValue) => canonicalJson(item)).join(",")}]`;
    }
    if (value !== null && typeof value === "object") {
        const record = value as { readonly [key: string]: JsonValue };
        const members = Object.keys(record)
            .sort()
            .map((key) => `${JSON.stringify(key)}:${canonicalJson(record[key])}`);
        return `{${members.join(",")}}`;
    }
    if (typeof value === "number" && !Number.isFinite(value)) {
        throw new Error(`cannot encode ${value} as JSON`);
    }
    return JSON.stringify(value);
}
