import { lifecycleBenchmark } from "./lifecycle";
import { lifecycleFloorBenchmark } from "./lifecycle-floor";
import { packagingBenchmark } from "./packaging";
import { upScaleBenchmark } from "./up-scale";
import type { Benchmark } from "./result";

export const BENCHMARKS: Record<string, Benchmark> = {
    package: packagingBenchmark,
    lifecycle: lifecycleBenchmark,
    "lifecycle-floor": lifecycleFloorBenchmark,
    "up-scale": upScaleBenchmark,
};
