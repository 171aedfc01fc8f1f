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

/** Longest rendering of a structured value in a message. */
const MAX_SHOWN = 200;
const MAX_STRING = 80;

/**
 * Field names whose values are never shown, wherever they sit: keys, PINs,
 * passwords, tokens, kubeconfigs. Matched on the name lower-cased.
 */
const SECRET_FIELD =
    /(keypem|key_pem|privatekey|private_key|pin$|secret|password|passphrase|token|kubeconfig|credential)/;
/** Known secret names: a field within two edits of one (a misspelling) is hidden too. */
const SECRET_NAMES = [
    "adminkeypem",
    "adminhsmpin",
    "clienttlskeypem",
    "kubeconfig",
    "privatekey",
    "password",
    "passphrase",
];

/**
 * Renders a rejected value for a message. The one printer of values in
 * messages: secrets are never shown, wherever they sit inside objects and
 * lists (by field name, a misspelled one included, and by content: private
 * keys, kubeconfigs), and a long value is cut.
 */
export function describeValue(value: unknown): string {
    if (value === undefined) return "(not set)";
    if (value instanceof DescribedValue) return value.toJSON();
    if (typeof value === "string") {
        const structured = parsedStructure(value);
        if (structured !== undefined) return cut(render(structured, new Set()), MAX_SHOWN);
        const hidden = hiddenContent(value);
        return hidden ? hidden.toJSON() : JSON.stringify(cut(value, MAX_STRING));
    }
    return cut(render(value, new Set()), MAX_SHOWN);
}

/** A JSON object or list given as text (a structured config value): shown through the same redaction. */
function parsedStructure(text: string): object | undefined {
    const trimmed = text.trim();
    if (!trimmed.startsWith("{") && !trimmed.startsWith("[")) return undefined;
    try {
        const parsed: unknown = JSON.parse(trimmed);
        return parsed !== null && typeof parsed === "object" ? parsed : undefined;
    } catch {
        return undefined;
    }
}

function render(value: unknown, seen: Set<object>): string {
    if (value === undefined) return "(not set)";
    if (value === null) return "null";
    if (value instanceof DescribedValue) return JSON.stringify(value.toJSON());
    switch (typeof value) {
        case "string": {
            const hidden = hiddenContent(value);
            return JSON.stringify(hidden ? hidden.toJSON() : cut(value, MAX_STRING));
        }
        // A number too large for a double reads as Infinity, not null; a bigint as its digits.
        case "number":
            return Number.isFinite(value) ? JSON.stringify(value) : String(value);
        case "bigint":
            return `${value}n`;
        case "boolean":
            return String(value);
        case "object":
            break;
        default:
            return `(${typeof value})`;
    }
    const object = value as object;
    if (seen.has(object)) return "(circular)";
    seen.add(object);
    if (Array.isArray(object)) return `[${object.map((item) => render(item, seen)).join(",")}]`;
    const fields = Object.entries(object).map(
        ([field, fieldValue]) =>
            `${JSON.stringify(field)}:${isSecretField(field) ? JSON.stringify(new HiddenValue().toJSON()) : render(fieldValue, seen)}`,
    );
    return `{${fields.join(",")}}`;
}

/** A description standing for a string that is itself a secret, or undefined. */
function hiddenContent(text: string): HiddenValue | undefined {
    if (/PRIVATE KEY|BEGIN ENCRYPTED/.test(text)) return new HiddenValue("a private key");
    if (/client-key-data|client-certificate-data|^\s*(apiVersion:|"apiVersion")[\s\S]*kind:?\s*"?Config/m.test(text))
        return new HiddenValue("a kubeconfig");
    return undefined;
}

/** Whether a field of this name holds a secret (a misspelling of a known secret's name included). */
export function isSecretField(field: string): boolean {
    const name = field.toLowerCase();
    return SECRET_FIELD.test(name) || SECRET_NAMES.some((secret) => withinTwoEdits(name, secret));
}

/** Levenshtein distance at most 2 (a typo, a missing or doubled letter). */
function withinTwoEdits(a: string, b: string): boolean {
    if (Math.abs(a.length - b.length) > 2) return false;
    let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
        const current = [i];
        for (let j = 1; j <= b.length; j++) {
            current[j] = Math.min(
                previous[j] + 1,
                current[j - 1] + 1,
                previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
            );
        }
        previous = current;
    }
    return previous[b.length] <= 2;
}

function cut(text: string, max: number): string {
    return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
