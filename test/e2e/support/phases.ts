/**
 * Wall time of the benchmark phases: one JSON line per phase on stderr, e.g.
 * {"phase":"up","seconds":12.3,"slowest":{"basic-smoke":6}}, with the
 * resources whose steps took longest, so a slow phase says where it waited.
 */
export function reportPhase(phase: string, seconds: number, stepSeconds: Readonly<Record<string, number>> = {}): void {
    const slowest = Object.entries(stepSeconds)
        .filter(([, s]) => s >= 1)
        .sort(([, a], [, b]) => b - a)
        .slice(0, 4);
    const line = {
        phase,
        seconds: Math.round(seconds * 10) / 10,
        ...(slowest.length > 0 ? { slowest: Object.fromEntries(slowest) } : {}),
    };
    process.stderr.write(`${JSON.stringify(line)}\n`);
}
