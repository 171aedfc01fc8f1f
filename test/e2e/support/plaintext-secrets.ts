/**
 * Finds secrets that appear in plaintext in a text such as a stack export or
 * what `pulumi up` printed: the secret values themselves (also JSON-escaped,
 * as a state file holds them) and any PEM private key, also inside base64
 * (the chaincode package travels base64-encoded and carries the peer's client
 * key in connection.json).
 */
const PRIVATE_KEY_MARKER = "PRIVATE KEY-----";

/** Substrings that every base64 encoding of a stream containing `marker` holds, one per byte alignment. */
function base64Forms(marker: string): string[] {
    return [0, 1, 2].map((offset) => {
        const encoded = Buffer.concat([Buffer.alloc(offset), Buffer.from(marker)]).toString("base64");
        // Drop the groups that mix in the padding bytes before and after the marker.
        return encoded.slice(offset === 0 ? 0 : 4, -4);
    });
}

/** The names of the secrets found in `text` (empty when none leaked). */
export function plaintextSecretsIn(text: string, secrets: Readonly<Record<string, string>>): string[] {
    const found = Object.entries(secrets)
        .filter(([, value]) => text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1)))
        .map(([name]) => name);
    if (text.includes(PRIVATE_KEY_MARKER)) found.push("a PEM private key");
    if (base64Forms(PRIVATE_KEY_MARKER).some((form) => text.includes(form))) found.push("a base64-encoded PEM private key");
    return found;
}
