/**
 * The GitHub Actions workflow (.github/workflows/pulumi.yml) as the unit and
 * e2e tiers run it: each job's pulumi/actions step becomes the CLI command the action
 * runs through the Automation API, and a `run:` step its script. An input
 * this file does not know fails the test, so the workflow cannot drift from
 * what the tier proves.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import * as yaml from "js-yaml";
/** The checkout (this file runs from dist/test/support). */
const REPO_ROOT = join(__dirname, "..", "..", "..");

export const WORKFLOW_FILE = join(REPO_ROOT, ".github", "workflows", "pulumi.yml");

export interface WorkflowStep {
    readonly id?: string;
    readonly name?: string;
    readonly uses?: string;
    readonly run?: string;
    readonly with?: Record<string, unknown>;
    readonly env?: Record<string, string>;
}

export interface WorkflowJob {
    readonly if?: string;
    readonly needs?: string | string[];
    readonly environment?: string | { name: string };
    readonly permissions?: Record<string, string>;
    readonly strategy?: { matrix?: Record<string, unknown>; "max-parallel"?: number };
    readonly steps: WorkflowStep[];
}

export interface Workflow {
    readonly on: Record<string, unknown>;
    readonly env?: Record<string, string>;
    readonly jobs: Record<string, WorkflowJob>;
}

export function loadWorkflow(): Workflow {
    return yaml.load(readFileSync(WORKFLOW_FILE, "utf8")) as Workflow;
}

/** The job's one pulumi/actions step. */
export function pulumiStepOf(workflow: Workflow, job: string): WorkflowStep {
    const steps = workflow.jobs[job]?.steps.filter((step) => step.uses?.startsWith("pulumi/actions@")) ?? [];
    if (steps.length !== 1)
        throw new Error(`job ${job} of ${WORKFLOW_FILE} has ${steps.length} pulumi/actions steps; expected 1`);
    return steps[0];
}

/** Inputs that set up the runner or the PR comment, not the command line. */
const NOT_ON_THE_COMMAND_LINE = new Set([
    "pulumi-version",
    "stack-name",
    "cloud-url",
    "comment-on-pr",
    "edit-pr-comment",
    "always-include-summary",
    "github-token",
]);

/**
 * The CLI arguments pulumi/actions runs for the step (the stack, the backend
 * and the non-interactive flag are the caller's): preview as is, up and
 * refresh with --yes --skip-preview, as the Automation API runs them.
 */
export function pulumiCommandOf(step: WorkflowStep): string[] {
    const inputs = step.with ?? {};
    const command = String(inputs.command);
    const args: string[] =
        {
            preview: ["preview"],
            up: ["up", "--yes", "--skip-preview"],
            refresh: ["refresh", "--yes", "--skip-preview"],
        }[command] ?? [];
    if (args.length === 0)
        throw new Error(`pulumi/actions command ${JSON.stringify(command)}: the e2e tier runs preview, up and refresh`);
    for (const [input, value] of Object.entries(inputs)) {
        if (input === "command" || NOT_ON_THE_COMMAND_LINE.has(input)) continue;
        const on = value === true || value === "true";
        switch (input) {
            case "diff":
                if (on) args.push("--diff");
                break;
            case "refresh":
                if (on) args.push("--refresh");
                break;
            case "expect-no-changes":
                if (on) args.push("--expect-no-changes");
                break;
            // Paths are the checkout's (work-dir ./), wherever the test's project folder is.
            case "policyPacks":
                for (const pack of String(value).split("\n").filter(Boolean))
                    args.push("--policy-pack", resolve(REPO_ROOT, pack.trim()));
                break;
            case "policyPackConfigs":
                for (const config of String(value).split("\n").filter(Boolean))
                    args.push("--policy-pack-config", resolve(REPO_ROOT, config.trim()));
                break;
            default:
                throw new Error(
                    `pulumi/actions input ${input} in ${WORKFLOW_FILE}: the e2e tier does not know what it runs`,
                );
        }
    }
    return args;
}

/** Runs a `run:` step's script in the checkout (or `cwd`) as the runner would (bash -e), and returns what it wrote to $GITHUB_OUTPUT. */
export function runStepOutputs(
    workflow: Workflow,
    job: string,
    stepId: string,
    cwd: string = REPO_ROOT,
): Record<string, string> {
    const step = workflow.jobs[job]?.steps.find((candidate) => candidate.id === stepId);
    if (!step?.run) throw new Error(`job ${job} has no run step with id ${stepId}`);
    const dir = mkdtempSync(join(tmpdir(), "ccaas-gh-output-"));
    try {
        const output = join(dir, "output");
        execFileSync("bash", ["--noprofile", "--norc", "-eo", "pipefail", "-c", step.run], {
            cwd,
            env: { ...process.env, GITHUB_OUTPUT: output },
        });
        return Object.fromEntries(
            readFileSync(output, "utf8")
                .split("\n")
                .filter(Boolean)
                .map((line) => [line.slice(0, line.indexOf("=")), line.slice(line.indexOf("=") + 1)]),
        );
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}

/** Every string the workflow holds, for checks that nothing in it turns on debug output. */
export function workflowStrings(value: unknown = loadWorkflow()): string[] {
    if (typeof value === "string") return [value];
    if (typeof value === "boolean" || typeof value === "number") return [String(value)];
    if (Array.isArray(value)) return value.flatMap((item) => workflowStrings(item));
    if (value && typeof value === "object")
        return Object.entries(value).flatMap(([key, inner]) => [key, ...workflowStrings(inner)]);
    return [];
}
