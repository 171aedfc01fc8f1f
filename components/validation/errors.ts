/**
 * The one error type for bad settings: it names the setting, the value that
 * was given and what is accepted, so a user can fix it without reading code.
 */
export class InvalidSettingError extends Error {
    constructor(
        readonly setting: string,
        readonly value: unknown,
        readonly accepted: string,
    ) {
        super(`invalid ${setting}: ${describeValue(value)}; expected ${accepted}`);
        this.name = "InvalidSettingError";
    }
}

/** Stands for a value in a message by a short description, e.g. a certificate by its subject and dates. */
export class DescribedValue {
    constructor(private readonly description: string) {}

    toJSON(): string {
        return `(${this.description})`;
    }
}

/** Stands for the value of a secret setting in a message: the problem is named, the value is not shown. */
export class HiddenValue extends DescribedValue {
    constructor(what = "a secret") {
        super(`${what}, not shown`);
    }
}

/** Renders a rejected value for a message without dumping secrets or huge blobs. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "(not set)";
    if (value instanceof DescribedValue) return value.toJSON();
    if (typeof value === "string") {
        if (value.includes("PRIVATE KEY")) return new HiddenValue("a private key").toJSON();
        const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
        return JSON.stringify(shown);
    }
    return JSON.stringify(value) ?? String(value);
}
