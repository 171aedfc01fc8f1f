/**
 * The stack's keys the program does not read. A misspelled key would
 * otherwise leave its setting at the default without a word (`replica: 3`
 * deploys one replica), so each is refused, naming the nearest key it reads.
 */
import { HiddenValue, InvalidSettingError } from "../components/validation/errors";

/** Refuses the first of `keys` that is not one of `known`; its value is never shown (it may be a misspelled secret). */
export function checkKnownKeys(keys: readonly string[], known: readonly string[]): void {
    const knownSet = new Set(known);
    for (const key of [...keys].sort()) {
        if (knownSet.has(key)) continue;
        const nearest = nearestKey(key, known);
        const hint = nearest ? `did you mean ${nearest}? ` : "";
        throw new InvalidSettingError(
            key,
            new HiddenValue("set"),
            `a key this program reads: ${hint}(every key is listed in Pulumi.yaml and docs/configuration.md; pulumi config rm ${key} removes it)`,
        );
    }
}

/** The known key closest to `key` in edits (letters case-blind), when it is close enough to be a slip of the keyboard. */
export function nearestKey(key: string, known: readonly string[]): string | undefined {
    const limit = Math.max(2, Math.floor(key.length / 4));
    let best: { key: string; distance: number } | undefined;
    for (const candidate of known) {
        const distance = editDistance(key.toLowerCase(), candidate.toLowerCase());
        if (distance <= limit && (!best || distance < best.distance)) best = { key: candidate, distance };
    }
    return best?.key;
}

/** Insertions, deletions, substitutions and swaps of two neighbours (optimal string alignment). */
function editDistance(a: string, b: string): number {
    const rows = Array.from({ length: a.length + 1 }, (_, i) =>
        Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
    );
    for (let i = 1; i <= a.length; i++) {
        for (let j = 1; j <= b.length; j++) {
            const cost = a[i - 1] === b[j - 1] ? 0 : 1;
            rows[i][j] = Math.min(rows[i - 1][j] + 1, rows[i][j - 1] + 1, rows[i - 1][j - 1] + cost);
            if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
                rows[i][j] = Math.min(rows[i][j], rows[i - 2][j - 2] + 1);
        }
    }
    return rows[a.length][b.length];
}
