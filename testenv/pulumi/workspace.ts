/**
 * The real Pulumi CLI on a project, isolated: a file backend, PULUMI_HOME
 * and project folder in a temp dir (or a folder kept between runs, as the
 * demo's), the passphrase secrets provider, and the
 * toolchain's binaries from PATH (no plugin downloads). For our program the
 * project folder links the repository's Pulumi.yaml, dist/, node_modules/
 * and package.json, so the stack files (Pulumi.<stack>.yaml) never land in
 * the repository; another project (the consumer example) is a folder of its own.
 */
import { spawn } from "node:child_process";
import {
    copyFileSync,
    cpSync,
    lstatSync,
    mkdirSync,
    mkdtempSync,
    readdirSync,
    realpathSync,
    renameSync,
    rmSync,
    symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { toolchainEnv } from "../kube";

export const REPO_ROOT = join(__dirname, "..", "..", "..");
const PROJECT_NAME = "fabric-ccaas";
/** Links that make a temp folder our project (the program runs from the repository's dist/). */
const PROJECT_ENTRIES = ["Pulumi.yaml", "dist", "node_modules", "package.json"];
const DEFAULT_TIMEOUT_MS = 6 * 60_000;

export interface CommandResult {
    readonly command: string;
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
    readonly seconds: number;
}

export interface RunOptions {
    /** Written to stdin (how secret and multi-line values reach `pulumi config set`). */
    readonly input?: string;
    readonly timeoutMs?: number;
    /** Called with all of stdout so far after each chunk, and the process's PID (to kill it mid-run in a fault test). */
    readonly watch?: (stdout: string, pid: number) => void;
    /** More environment for this command only (e.g. an engine setting a benchmark compares). */
    readonly env?: Readonly<Record<string, string>>;
    /** Called with each chunk of stdout and stderr as it comes (to show a person the engine's progress). */
    readonly onOutput?: (chunk: string) => void;
}

export interface WorkspaceLocation {
    /** A folder kept between runs (created if absent). Defaults to a new temp dir. */
    readonly root?: string;
    /** Of the passphrase secrets provider. Defaults to the e2e tier's. */
    readonly passphrase?: string;
}

export class PulumiWorkspace {
    private currentProjectDir: string;
    private readonly env: NodeJS.ProcessEnv;

    private constructor(
        readonly root: string,
        readonly projectName: string,
        private readonly log: (line: string) => void,
        passphrase = "e2e-passphrase",
    ) {
        this.currentProjectDir = join(root, "project");
        const backendDir = join(root, "backend");
        const homeDir = join(root, "home");
        // The Kubernetes provider leaves kubeconfig copies (credentials) in the temp directory: keep them in ours.
        const tempDir = join(root, "tmp");
        for (const dir of [this.currentProjectDir, backendDir, homeDir, tempDir]) mkdirSync(dir, { recursive: true });
        this.env = {
            ...toolchainEnv(),
            PULUMI_HOME: homeDir,
            TMPDIR: tempDir,
            PULUMI_BACKEND_URL: `file://${backendDir}`,
            PULUMI_CONFIG_PASSPHRASE: passphrase,
            PULUMI_SKIP_CONFIRMATIONS: "true",
            NO_COLOR: "1",
        };
    }

    /** Our program. `log` gets one line per command: its arguments (never a value: those go through stdin), exit code and seconds. */
    static create(
        log: (line: string) => void = () => undefined,
        checkout = REPO_ROOT,
        location: WorkspaceLocation = {},
    ): PulumiWorkspace {
        const root = location.root ?? mkdtempSync(join(tmpdir(), "pulumi-e2e-"));
        const workspace = new PulumiWorkspace(root, PROJECT_NAME, log, location.passphrase);
        workspace.linkProjectTo(checkout);
        return workspace;
    }

    /** Points the project's links at a checkout of our program (another release, to upgrade from it). */
    linkProjectTo(checkout: string): void {
        for (const entry of PROJECT_ENTRIES) {
            rmSync(join(this.currentProjectDir, entry), { force: true });
            symlinkSync(join(checkout, entry), join(this.currentProjectDir, entry));
        }
    }

    /** Another project: `populate` fills the (empty) project folder, e.g. with a copy of an example. */
    static forProject(
        projectName: string,
        populate: (projectDir: string) => void,
        log: (line: string) => void = () => undefined,
    ): PulumiWorkspace {
        const workspace = new PulumiWorkspace(mkdtempSync(join(tmpdir(), "pulumi-e2e-")), projectName, log);
        populate(workspace.projectDir);
        return workspace;
    }

    /** forProject with a populate step that runs while the caller's other work goes on (installs, builds). */
    static async forProjectAsync(
        projectName: string,
        populate: (projectDir: string) => Promise<void>,
        log: (line: string) => void = () => undefined,
    ): Promise<PulumiWorkspace> {
        let populating: Promise<void> = Promise.resolve();
        const workspace = PulumiWorkspace.forProject(
            projectName,
            (dir) => {
                populating = populate(dir);
            },
            log,
        );
        try {
            await populating;
        } catch (error) {
            workspace.remove();
            throw error;
        }
        return workspace;
    }

    /** Where the project is now (the commands run there). */
    get projectDir(): string {
        return this.currentProjectDir;
    }

    /**
     * Moves the project folder, stack files included, to a new folder of the
     * workspace, as a checkout moved to another path. With `copyLinks` the
     * links into the repository (except node_modules) become copies, so no
     * file of the new folder resolves back to the checkout.
     */
    moveProject(options: { copyLinks?: boolean } = {}): string {
        const target = join(this.root, `project-moved-${readdirSync(this.root).length}`);
        if (options.copyLinks) {
            mkdirSync(target);
            for (const entry of readdirSync(this.currentProjectDir)) {
                const from = join(this.currentProjectDir, entry);
                if (lstatSync(from).isSymbolicLink() && entry !== "node_modules")
                    cpSync(realpathSync(from), join(target, entry), { recursive: true });
                else renameSync(from, join(target, entry));
            }
            rmSync(this.currentProjectDir, { recursive: true, force: true });
        } else {
            renameSync(this.currentProjectDir, target);
        }
        this.currentProjectDir = target;
        return target;
    }

    /** A new stack whose config starts as a copy of `configFile` (e.g. Pulumi.local.yaml). */
    async initStack(name: string, configFile?: string): Promise<PulumiStack> {
        if (configFile) copyFileSync(configFile, join(this.projectDir, `Pulumi.${name}.yaml`));
        await this.run(["stack", "init", name, "--non-interactive"]).then(requireSuccess);
        return new PulumiStack(this, name);
    }

    /** A stack made before (by initStack, here or in an earlier run on the same root). */
    stack(name: string): PulumiStack {
        return new PulumiStack(this, name);
    }

    /** Runs `pulumi <args>` in the project folder; never rejects on a non-zero exit (see requireSuccess). */
    run(args: readonly string[], options: RunOptions = {}): Promise<CommandResult> {
        const command = `pulumi ${args.join(" ")}`;
        const started = process.hrtime.bigint();
        return new Promise((resolve, reject) => {
            const child = spawn("pulumi", args, {
                cwd: this.currentProjectDir,
                env: { ...this.env, ...options.env },
                stdio: ["pipe", "pipe", "pipe"],
            });
            let stdout = "";
            let stderr = "";
            child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
                stdout += chunk;
                options.onOutput?.(chunk);
                if (child.pid !== undefined) options.watch?.(stdout, child.pid);
            });
            child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
                stderr += chunk;
                options.onOutput?.(chunk);
            });
            const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
            const timer = setTimeout(() => {
                child.kill("SIGINT");
                setTimeout(() => child.kill("SIGKILL"), 10_000).unref();
            }, timeoutMs);
            child.on("error", (err) => {
                clearTimeout(timer);
                reject(new Error(`${command}: ${err.message}`));
            });
            child.on("close", (code) => {
                clearTimeout(timer);
                const seconds = Number(process.hrtime.bigint() - started) / 1e9;
                if (code === null) stderr += `\n(killed after the ${timeoutMs} ms deadline)`;
                this.log(`${command}: exit ${code}, ${seconds.toFixed(1)} s`);
                resolve({ command, code, stdout, stderr, seconds });
            });
            child.stdin.end(options.input ?? "");
        });
    }

    remove(): void {
        rmSync(this.root, { recursive: true, force: true });
    }
}

export class PulumiStack {
    /** How another stack of the same backend names it in a StackReference. */
    readonly qualifiedName: string;

    constructor(
        private readonly workspace: PulumiWorkspace,
        readonly name: string,
    ) {
        this.qualifiedName = `organization/${workspace.projectName}/${name}`;
    }

    run(args: readonly string[], options?: RunOptions): Promise<CommandResult> {
        return this.workspace.run([...args, "--stack", this.name, "--non-interactive"], options);
    }

    /** `pulumi config set`; the value goes through stdin, so PEMs and secrets are never in argv. */
    async setConfig(key: string, value: string, options: { secret?: boolean; path?: boolean } = {}): Promise<void> {
        const flags = [...(options.secret ? ["--secret"] : []), ...(options.path ? ["--path"] : [])];
        requireSuccess(await this.run(["config", "set", key, ...flags], { input: value }));
    }

    async removeConfig(key: string): Promise<void> {
        requireSuccess(await this.run(["config", "rm", key]));
    }

    /** Stack outputs, secrets shown. */
    async outputs(): Promise<Record<string, unknown>> {
        return JSON.parse(
            requireSuccess(await this.run(["stack", "output", "--json", "--show-secrets"])).stdout,
        ) as Record<string, unknown>;
    }

    /** The state as `pulumi stack export` prints it: secrets stay encrypted. */
    async exportState(): Promise<string> {
        return requireSuccess(await this.run(["stack", "export"])).stdout;
    }

    /** The serialised provider code of each dynamic resource in the state: what refresh and destroy run. */
    async dynamicProviderCode(): Promise<string[]> {
        return (await this.resources())
            .flatMap((r) => [r.inputs?.__provider, r.outputs?.__provider])
            .filter((code): code is string => typeof code === "string");
    }

    /** The resources in the state. */
    async resources(): Promise<StateResource[]> {
        const state = JSON.parse(await this.exportState()) as { deployment: { resources?: StateResource[] } };
        return state.deployment.resources ?? [];
    }
}

export interface StateResource {
    readonly urn: string;
    readonly type: string;
    readonly inputs?: Record<string, unknown>;
    readonly outputs?: Record<string, unknown>;
}

/** The result when the command exited 0; otherwise an error with its command line and output tail. */
export function requireSuccess(result: CommandResult): CommandResult {
    if (result.code !== 0) throw new Error(describeFailure(result));
    return result;
}

export function describeFailure(result: CommandResult): string {
    const tail = (text: string) => text.trim().split("\n").slice(-40).join("\n");
    return `${result.command} exited with ${result.code}\n--- stderr\n${tail(result.stderr)}\n--- stdout\n${tail(result.stdout)}`;
}
