/**
 * Finds secrets that appear in plaintext in a text such as a stack export or
 * what `pulumi up` printed: the secret values themselves (also JSON-escaped,
 * as a state file holds them) and any private key material.
 */
import { keyMaterialIn } from "../../../components/validation/key-material";

/** The names of the secrets found in `text` (empty when none leaked). */
export function plaintextSecretsIn(text: string, secrets: Readonly<Record<string, string>>): string[] {
    const found = Object.entries(secrets)
        .filter(([, value]) => text.includes(value) || text.includes(JSON.stringify(value).slice(1, -1)))
        .map(([name]) => name);
    const keyMaterial = keyMaterialIn(text);
    if (keyMaterial) found.push(keyMaterial);
    return found;
}
