import { packagingBenchmark } from "./packaging";
import { Benchmark } from "./result";

export const BENCHMARKS: Record<string, Benchmark> = {
    package: packagingBenchmark,
};
