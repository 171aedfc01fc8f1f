/**
 * Benchmarks. `npm run bench [-- NAME...]` prints one JSON line per result:
 * {"bench": "...", "value": 1.23, "unit": "...", ...}. Names: see BENCHMARKS.
 */
import { BENCHMARKS } from "./registry";

async function main(): Promise<void> {
    const wanted = process.argv.slice(2);
    const unknown = wanted.filter((name) => !(name in BENCHMARKS));
    if (unknown.length > 0) {
        console.error(`unknown benchmark ${unknown.join(", ")}; available: ${Object.keys(BENCHMARKS).join(", ")}`);
        process.exit(2);
    }
    for (const name of wanted.length > 0 ? wanted : Object.keys(BENCHMARKS)) {
        for (const result of await BENCHMARKS[name]()) {
            process.stdout.write(
                `${JSON.stringify({ bench: result.bench, value: result.value, unit: result.unit, ...result.details })}\n`,
            );
        }
    }
}

main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
});
