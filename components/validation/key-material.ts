/**
 * Recognises private key material in a text by its form: a PEM private key
 * as it is, or inside base64 (a chaincode package travels base64-encoded and
 * may carry the peer's client key in connection.json).
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

const BASE64_MARKERS = base64Forms(PRIVATE_KEY_MARKER);

/** What kind of key material `text` holds, if any. */
export function keyMaterialIn(text: string): "a PEM private key" | "a base64-encoded PEM private key" | undefined {
    if (text.includes(PRIVATE_KEY_MARKER)) return "a PEM private key";
    if (BASE64_MARKERS.some((form) => text.includes(form))) return "a base64-encoded PEM private key";
    return undefined;
}
