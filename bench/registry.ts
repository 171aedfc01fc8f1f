import { lifecycleBenchmark } from "./lifecycle";
import { packagingBenchmark } from "./packaging";
import { Benchmark } from "./result";

export const BENCHMARKS: Record<string, Benchmark> = {
    package: packagingBenchmark,
    lifecycle: lifecycleBenchmark,
};
