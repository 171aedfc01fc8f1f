/*
 * The pull-request workflow's shape (.github/workflows/pulumi.yml): which
 * commands each job runs, on which events, with which stacks, and that
 * nothing in it turns on output that carries keys. The e2e tier runs the
 * same commands under the real engine (test/e2e/pull-request-workflow.test.ts).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadWorkflow, pulumiCommandOf, pulumiStepOf, runStepOutputs, workflowStrings } from "../support/workflow";

const REPO_ROOT = join(__dirname, "..", "..", "..");

describe("the pull-request workflow (.github/workflows/pulumi.yml)", () => {
    const workflow = loadWorkflow();

    it("lists every stack of the checkout but the e2e tier's local one", () => {
        const listed = JSON.parse(runStepOutputs(workflow, "stacks", "list").stacks) as string[];
        const files = readdirSync(REPO_ROOT)
            .flatMap((file) => /^Pulumi\.(.+)\.yaml$/.exec(file)?.[1] ?? [])
            .filter((stack) => stack !== "local");
        assert.deepEqual([...listed].sort(), files.sort());
        assert.ok(listed.includes("dev"));
        assert.ok(!listed.includes("local"));
    });

    it("lists the stacks that only approve (commit: false) before the committing ones, so a one-at-a-time up commits after their approvals", () => {
        const dir = mkdtempSync(join(tmpdir(), "ccaas-stacks-"));
        try {
            const stackFile = (stack: string, config: string) =>
                writeFileSync(join(dir, `Pulumi.${stack}.yaml`), `config:\n${config}`);
            stackFile("a-commits", "  fabric-ccaas:chaincodeName: basic\n");
            stackFile("m-approves", '  fabric-ccaas:commit: "false"\n');
            stackFile("z-approves", "  fabric-ccaas:commit: false\n");
            stackFile("b-commits", "  fabric-ccaas:commit: true\n");
            stackFile("local", "  fabric-ccaas:commit: false\n");
            const outputs = runStepOutputs(workflow, "stacks", "list", dir);
            assert.deepEqual(JSON.parse(outputs.stacks), ["m-approves", "z-approves", "a-commits", "b-commits"]);
            assert.deepEqual(JSON.parse(outputs.approving), ["m-approves", "z-approves"]);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("previews each stack with the policy pack on pull requests and posts the diff, drift-checks on schedule without writing state, and deploys from main behind an environment, one stack at a time", () => {
        assert.deepEqual(Object.keys(workflow.on).sort(), ["pull_request", "push", "schedule", "workflow_dispatch"]);
        const preview = pulumiStepOf(workflow, "preview").with ?? {};
        assert.equal(preview["comment-on-pr"], true);
        assert.deepEqual(pulumiCommandOf(pulumiStepOf(workflow, "preview")), [
            "preview",
            "--diff",
            "--policy-pack",
            join(REPO_ROOT, "policy"),
        ]);
        assert.match(String(workflow.jobs.preview.if), /github\.event_name == 'pull_request'/);
        // preview --refresh reads the live objects back and writes nothing, so an unrepaired drift fails every night.
        assert.deepEqual(pulumiCommandOf(pulumiStepOf(workflow, "drift")), [
            "preview",
            "--refresh",
            "--diff",
            "--expect-no-changes",
        ]);
        assert.match(String(workflow.jobs.drift.if), /schedule/);
        assert.deepEqual(pulumiCommandOf(pulumiStepOf(workflow, "up")), [
            "up",
            "--yes",
            "--skip-preview",
            "--refresh",
            "--policy-pack",
            join(REPO_ROOT, "policy"),
        ]);
        assert.equal(workflow.jobs.up.environment, "production");
        assert.equal(workflow.jobs.up.strategy?.["max-parallel"], 1);
        assert.match(String(workflow.jobs.up.if), /github\.event_name == 'push' && github\.ref == 'refs\/heads\/main'/);
    });

    it("after every up, runs up again on the stacks that only approve, whose smoke checks waited for the commit; signs in to Azure for kubelogin before every pulumi step", () => {
        const check = workflow.jobs.check;
        assert.deepEqual(check.needs, ["stacks", "up"]);
        assert.equal(check.if, `${workflow.jobs.up.if} && needs.stacks.outputs.approving != '[]'`);
        assert.match(
            String(check.strategy?.matrix?.stack),
            /^\$\{\{ fromJSON\(needs\.stacks\.outputs\.approving\) \}\}$/,
        );
        assert.deepEqual(
            pulumiCommandOf(pulumiStepOf(workflow, "check")),
            pulumiCommandOf(pulumiStepOf(workflow, "up")),
        );
        for (const job of ["preview", "drift", "up", "check"]) {
            const uses = workflow.jobs[job].steps.map((step) => step.uses?.split("@")[0]).filter(Boolean);
            assert.deepEqual(uses.slice(-3), ["azure/login", "azure/use-kubelogin", "pulumi/actions"], job);
        }
    });

    it("signs in so that a long up outlives GitHub's OIDC token: the Azure provider through OIDC itself, the AKS token taken right after the CLI's sign-in", () => {
        assert.equal(workflow.env?.ARM_USE_OIDC, "true");
        for (const job of ["preview", "drift", "up", "check"]) {
            const steps = workflow.jobs[job].steps;
            const login = steps.findIndex((step) => step.uses?.startsWith("azure/login@"));
            const token = steps.findIndex((step) =>
                /^az account get-access-token --resource 6dae42f8-4368-4678-94ff-3960e28e3630 --output none$/.test(
                    step.run?.trim() ?? "",
                ),
            );
            const pulumi = steps.findIndex((step) => step.uses?.startsWith("pulumi/actions@"));
            assert.ok(
                login >= 0 && login < token && token < pulumi,
                `${job}: azure/login, then the AKS token, then pulumi (steps ${login}, ${token}, ${pulumi})`,
            );
        }
    });

    it("asks for the production approval once per deployment (the up job), and keeps the PR comment's summary", () => {
        const gated = Object.entries(workflow.jobs)
            .filter(([, job]) => job.environment !== undefined)
            .map(([name]) => name);
        assert.deepEqual(gated, ["up"]);
        const preview = pulumiStepOf(workflow, "preview").with ?? {};
        assert.equal(preview["always-include-summary"], true);
        assert.equal(preview["edit-pr-comment"], true);
    });

    it("turns on no output that carries keys, and takes the passphrase from the secret store", () => {
        for (const text of workflowStrings(workflow)) {
            assert.doesNotMatch(
                text,
                /--debug|--verbose|(^|\s)-v=?\d|--logtostderr|--json|--event-log|PULUMI_DEBUG|TF_LOG|--show-secrets/,
                `the workflow turns on output that carries keys: ${text}`,
            );
        }
        for (const job of ["preview", "drift", "up"]) {
            for (const input of Object.keys(pulumiStepOf(workflow, job).with ?? {}))
                assert.doesNotMatch(input, /debug|log|verbos/i, `${job}: ${input}`);
        }
        // Only the Pulumi steps get the passphrase: not the workflow, a job, `npm ci` or its install scripts.
        assert.equal(workflow.env?.PULUMI_CONFIG_PASSPHRASE, undefined);
        for (const [name, job] of Object.entries(workflow.jobs)) {
            assert.equal(
                (job as { env?: Record<string, string> }).env?.PULUMI_CONFIG_PASSPHRASE,
                undefined,
                `job ${name}`,
            );
            for (const step of job.steps) {
                const given = step.env?.PULUMI_CONFIG_PASSPHRASE;
                if (step.uses?.startsWith("pulumi/actions@")) {
                    // biome-ignore lint/suspicious/noTemplateCurlyInString: a GitHub Actions expression, not a JavaScript template
                    assert.equal(given, "${{ secrets.PULUMI_CONFIG_PASSPHRASE }}", `job ${name}: the Pulumi step`);
                } else assert.equal(given, undefined, `job ${name}, step ${step.name ?? step.uses ?? step.run}`);
            }
        }
    });

    it("refuses a pulumi/actions input it cannot map to the command line", () => {
        assert.throws(
            () =>
                pulumiCommandOf({ uses: "pulumi/actions@v6", with: { command: "preview", "target-dependents": true } }),
            /input target-dependents .*does not know what it runs/,
        );
        assert.throws(
            () => pulumiCommandOf({ uses: "pulumi/actions@v6", with: { command: "destroy" } }),
            /command "destroy"/,
        );
    });
});
