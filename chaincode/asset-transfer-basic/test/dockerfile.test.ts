import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEFAULT_CHAINCODE_PORT } from "../src/server-env";

/** No Docker engine here: the recipe's essentials are checked as text. */

const PACKAGE_DIR = join(__dirname, "..", "..");

interface Instruction {
    readonly keyword: string;
    readonly args: string;
}

interface Stage {
    readonly from: string;
    readonly name: string | undefined;
    readonly instructions: Instruction[];
}

function parseDockerfile(text: string): { args: Map<string, string>; stages: Stage[] } {
    const args = new Map<string, string>();
    const stages: Stage[] = [];
    const logicalLines = text.replace(/\\\n/g, " ").split("\n");
    for (const raw of logicalLines) {
        const line = raw.trim();
        if (line === "" || line.startsWith("#")) continue;
        const [, keyword = "", rest = ""] = /^(\S+)\s*(.*)$/.exec(line) ?? [];
        const instruction = { keyword: keyword.toUpperCase(), args: rest };
        if (instruction.keyword === "FROM") {
            const [image = "", as, name] = rest.split(/\s+/);
            const resolved = image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced: string | undefined, bare: string | undefined) => args.get(braced ?? bare ?? "") ?? "");
            stages.push({ from: resolved, name: as?.toUpperCase() === "AS" ? name : undefined, instructions: [] });
        } else if (stages.length === 0 && instruction.keyword === "ARG") {
            const [argName = "", value = ""] = rest.split("=", 2);
            args.set(argName, value);
        } else {
            stages.at(-1)?.instructions.push(instruction);
        }
    }
    return { args, stages };
}

const dockerfile = parseDockerfile(readFileSync(join(PACKAGE_DIR, "Dockerfile"), "utf8"));
const packageJson = JSON.parse(readFileSync(join(PACKAGE_DIR, "package.json"), "utf8")) as { scripts: Record<string, string> };
const runtime = dockerfile.stages.at(-1);

function instructions(stage: Stage | undefined, keyword: string): string[] {
    return (stage?.instructions ?? []).filter((instruction) => instruction.keyword === keyword).map((instruction) => instruction.args);
}

describe("Dockerfile", () => {
    it("builds in one stage and runs from another, both on a node 22 slim image pinned by version tag", () => {
        assert.ok(dockerfile.stages.length >= 2, "expected a build stage and a runtime stage");
        for (const stage of dockerfile.stages) {
            assert.match(stage.from, /^node:22\.\d+\.\d+-([a-z]+-)?slim(@sha256:[0-9a-f]{64})?$/, `FROM ${stage.from}`);
        }
    });

    it("installs exactly the lockfile with npm ci and compiles in the build stage", () => {
        const build = dockerfile.stages[0];
        const runs = instructions(build, "RUN").join(" && ");
        assert.match(runs, /\bnpm ci\b/);
        assert.match(runs, /\bnpm run build\b|\btsc\b/);
        assert.ok(instructions(build, "COPY").some((copy) => /package-lock\.json/.test(copy)), "the lockfile must be copied before npm ci");
    });

    it("installs production dependencies only in the runtime stage and copies only dist from the build", () => {
        const runs = instructions(runtime, "RUN");
        assert.ok(runs.some((run) => /\bnpm ci\b[^&]*--omit=dev/.test(run)), `runtime RUN: ${runs.join(" | ")}`);
        assert.ok(!runs.some((run) => /\b(tsc|npm run build|npm install)\b/.test(run)), "no compile or unpinned install at runtime");
        const copies = instructions(runtime, "COPY");
        const fromBuild = copies.filter((copy) => copy.startsWith("--from="));
        assert.deepEqual(fromBuild.map((copy) => copy.split(/\s+/)[1]), ["/build/dist"]);
        const fromContext = copies.filter((copy) => !copy.startsWith("--")).flatMap((copy) => copy.split(/\s+/).slice(0, -1));
        assert.deepEqual(fromContext.sort(), ["package-lock.json", "package.json"], "the runtime stage takes only the manifests from the context");
    });

    it("runs as a numeric non-root user in the final stage", () => {
        const users = instructions(runtime, "USER");
        assert.equal(users.length, 1, "exactly one USER in the runtime stage");
        const [uid = "", gid] = (users[0] ?? "").split(":");
        assert.match(uid, /^\d+$/, "USER must be numeric for runAsNonRoot");
        assert.notEqual(Number(uid), 0);
        if (gid !== undefined) assert.match(gid, /^\d+$/);
    });

    it("exposes the server's default port", () => {
        assert.deepEqual(instructions(runtime, "EXPOSE"), [String(DEFAULT_CHAINCODE_PORT)]);
    });

    it("starts the way npm start does", () => {
        const entrypoint = instructions(runtime, "ENTRYPOINT");
        const cmd = instructions(runtime, "CMD");
        const command = [...entrypoint, ...cmd].flatMap((form) => JSON.parse(form) as string[]);
        assert.equal(command.join(" "), packageJson.scripts.start);
    });

    it("keeps node_modules, build output and tests out of the build context", () => {
        const ignored = readFileSync(join(PACKAGE_DIR, ".dockerignore"), "utf8").split("\n").map((line) => line.trim());
        for (const entry of ["node_modules", "dist", "dist-test", "test"]) assert.ok(ignored.includes(entry), `.dockerignore lacks ${entry}`);
    });
});
