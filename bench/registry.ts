import { firstInvokeBenchmark } from "./first-invoke";
import { lifecycleBenchmark } from "./lifecycle";
import { lifecycleFloorBenchmark } from "./lifecycle-floor";
import { packagingBenchmark } from "./packaging";
import { signingBenchmark } from "./signing";
import { upScaleBenchmark } from "./up-scale";
import type { Benchmark } from "./result";

export const BENCHMARKS: Record<string, Benchmark> = {
    package: packagingBenchmark,
    lifecycle: lifecycleBenchmark,
    "lifecycle-floor": lifecycleFloorBenchmark,
    "up-scale": upScaleBenchmark,
    signing: signingBenchmark,
    "first-invoke": firstInvokeBenchmark,
};
