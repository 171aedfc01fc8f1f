/**
 * `npm run test:e2e`: node's test runner over every e2e file, two files at
 * once (each on a node of its own), in an order that keeps both slots busy:
 * the suites that hold the host alone (they compare it before and after)
 * first, since every other suite waits while one runs; then the longest
 * ones, so none is left running alone at the end. TAP on stdout, with its
 * `# pass N` / `# fail N` summary; the exit code is 1 when a test failed.
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { run } from "node:test";
import { tap } from "node:test/reporters";
import { REPO_ROOT } from "../pulumi/workspace";

const E2E_DIR = join(REPO_ROOT, "dist", "test", "e2e");
/** Files run in this order first, the rest after them by name. */
const FIRST = [
    "demo.test.js",
    "real-node.test.js",
    "full-stack.test.js",
    "faults.test.js",
    "pull-request-workflow.test.js",
];
const FILES_AT_ONCE = 2;

export function e2eFiles(names: readonly string[]): string[] {
    const rank = (name: string) => (FIRST.includes(name) ? FIRST.indexOf(name) : FIRST.length);
    return names.filter((name) => name.endsWith(".test.js")).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

if (require.main === module) {
    const files = e2eFiles(readdirSync(E2E_DIR)).map((name) => join(E2E_DIR, name));
    const stream = run({ files, concurrency: FILES_AT_ONCE });
    stream.on("test:fail", () => {
        process.exitCode = 1;
    });
    stream.compose(tap).pipe(process.stdout);
}
