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

/** Renders a rejected value for a message without dumping secrets or huge blobs. */
export function describeValue(value: unknown): string {
    if (value === undefined) return "(not set)";
    if (typeof value === "string") {
        if (value.includes("PRIVATE KEY")) return "(a private key, not shown)";
        const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
        return JSON.stringify(shown);
    }
    return JSON.stringify(value) ?? String(value);
}
