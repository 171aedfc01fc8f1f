#!/usr/bin/env node
/**
 * `node dist/testenv/node/cli.js check`: exits 0 when this machine can run a
 * real node, otherwise 1 with one line per missing part and what brings it
 * (.ci/run asks this before the real-node tests).
 */
import { describeMissing, missingNodePrerequisites } from "./prerequisites";

const [command] = process.argv.slice(2);
if (command !== "check") {
    process.stderr.write(
        `node: unknown command ${JSON.stringify(command ?? "")}\nusage: node dist/testenv/node/cli.js check\n`,
    );
    process.exit(2);
}
const missing = missingNodePrerequisites();
if (missing.length > 0) {
    process.stdout.write(`a real node cannot run here: ${describeMissing(missing)}\n`);
    process.exit(1);
}
process.stdout.write("a real node can run here\n");
