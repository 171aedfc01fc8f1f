export interface BenchResult {
    readonly bench: string;
    readonly value: number;
    readonly unit: string;
    readonly details?: Record<string, unknown>;
}

export type Benchmark = () => Promise<BenchResult[]>;

/** Median of a sample; benchmarks report medians so one slow run does not move the figure. */
export function median(values: readonly number[]): number {
    const sorted = [...values].sort((a, b) => a - b);
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}
