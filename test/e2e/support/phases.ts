/** Wall time of the benchmark phases: one JSON line per phase on stderr, e.g. {"phase":"up","seconds":12.3}. */
export function reportPhase(phase: string, seconds: number): void {
    process.stderr.write(`${JSON.stringify({ phase, seconds: Math.round(seconds * 10) / 10 })}\n`);
}
