/**
 * A floor stack for one of our stacks: its plan is made from our stack's
 * state (with secrets shown, written 0600 into the floor's own temp
 * workspace and removed with it), and it runs as its own Pulumi project
 * (`pulumi-floor`, from dist/) on the same toolchain and cluster.
 */
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PulumiWorkspace, REPO_ROOT, requireSuccess, type PulumiStack } from "../../testenv/pulumi/workspace";
import { type ExportedResource, type FloorPlan, floorPlan } from "./plan";

const FLOOR_PROJECT = "pulumi-floor";
const PROGRAM = "dist/bench/pulumi-floor/program.js";

export class FloorStack {
    private constructor(
        private readonly workspace: PulumiWorkspace,
        readonly stack: PulumiStack,
        readonly plan: FloorPlan,
    ) {}

    /** A floor of the shape `ours` has now (its resources as deployed, read from its state). */
    static async of(ours: PulumiStack, log: (line: string) => void): Promise<FloorStack> {
        const exported = JSON.parse(requireSuccess(await ours.run(["stack", "export", "--show-secrets"])).stdout) as {
            deployment: { resources?: ExportedResource[] };
        };
        const plan = floorPlan(exported.deployment.resources ?? []);
        const workspace = PulumiWorkspace.forProject(
            FLOOR_PROJECT,
            (dir) => {
                writeFileSync(
                    join(dir, "Pulumi.yaml"),
                    `name: ${FLOOR_PROJECT}\nruntime:\n  name: nodejs\n  options:\n    typescript: false\nmain: ${PROGRAM}\n`,
                );
                for (const entry of ["dist", "node_modules", "package.json"])
                    symlinkSync(join(REPO_ROOT, entry), join(dir, entry));
            },
            log,
        );
        try {
            const planDir = join(workspace.root, "plan");
            mkdirSync(planDir, { mode: 0o700 });
            const planFile = join(planDir, `${ours.name}.json`);
            writeFileSync(planFile, JSON.stringify(plan), { mode: 0o600 });
            const stack = await workspace.initStack(`floor-${ours.name}`);
            await stack.setConfig("plan", planFile);
            return new FloorStack(workspace, stack, plan);
        } catch (error) {
            workspace.remove();
            throw error;
        }
    }

    /** Its workspace, the plan with it (what it made on the cluster goes with the platform). */
    remove(): void {
        this.workspace.remove();
    }
}
