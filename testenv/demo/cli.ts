#!/usr/bin/env node
/**
 * `npm run demo [-- up|down|status]`: the program deployed on one machine.
 * `up` starts the platform (platform.ts, in the background: a real node with
 * the Fabric network in its pods), writes a stack for it, runs `pulumi up`, initialises the sample ledger and prints
 * its assets; run again, it reports what runs and changes nothing. `down`
 * destroys the stack, stops every process the demo started by PID and
 * deletes the node (its namespaces, link, mounts and cgroups).
 */
import { spawn } from "node:child_process";
import type { Contract } from "@hyperledger/fabric-gateway";
import * as fs from "node:fs";
import * as path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { withGateway } from "../../components/fabric";
import { missingToolchainBinaries, toolchainBinDir, toolchainEnv } from "../kube";
import { channelHeight, clientEndpoint, type FabricNetwork } from "../network";
import { locateFabric } from "../network/binaries";
import { pidAlive } from "../network/processes";
import { describeMissing, missingNodePrerequisites, NETWORK_NAMESPACE_LABEL, RealNode } from "../node";
import { CHAINCODE_CONTEXT, PLATFORM_ENGINE_BINARIES } from "../node/fabric-platform";
import { attachNetwork } from "../network/state";
import { createOrgStack } from "../pulumi/org-stack";
import { type PulumiStack, PulumiWorkspace, REPO_ROOT } from "../pulumi/workspace";
import { type DemoPaths, demoPaths, type DemoState, readDemoState } from "./state";

const STACK = "demo";
/** The demo's own secrets passphrase: its stack holds test-network keys only. */
const PASSPHRASE = "demo";
const PLATFORM_JS = path.join(__dirname, "platform.js");
const PLATFORM_START_MS = 10 * 60_000;
const PLATFORM_STOP_MS = 90_000;
const UP_TIMEOUT_MS = 15 * 60_000;

/** A failure the user can act on: printed as one message, never as a stack trace. */
class DemoError extends Error {}

function print(line = ""): void {
    process.stdout.write(`${line}\n`);
}

function step(line: string): void {
    print(`==> ${line}`);
}

/** Everything the demo needs that a machine may lack, each with the docs' way to get it. */
function missingPrerequisites(): string[] {
    const missing: string[] = [];
    try {
        locateFabric(undefined, undefined);
    } catch (error) {
        missing.push(`${(error as Error).message} (docs/testing.md, "Fabric binaries and the local network by hand")`);
    }
    const node = missingNodePrerequisites();
    if (node.length > 0) missing.push(`this machine cannot run the demo's Kubernetes node: ${describeMissing(node)}`);
    const tools = missingToolchainBinaries(PLATFORM_ENGINE_BINARIES);
    if (tools.length > 0) {
        missing.push(
            `the full-stack toolchain in ${toolchainBinDir()} lacks ${tools.join(", ")}: run \`npm run toolchain\` (docs/testing.md, "The full-stack tier"; \`bash testenv/toolchain/build.sh --check\` lists what is missing)`,
        );
    }
    if (!fs.existsSync(path.join(CHAINCODE_CONTEXT, "Dockerfile")))
        missing.push(`the sample chaincode's Dockerfile is missing from ${CHAINCODE_CONTEXT}`);
    return missing;
}

function platformAlive(state: DemoState | undefined): boolean {
    return state !== undefined && pidAlive(state.platformPid);
}

/** Starts platform.ts in its own session with its output in the log, and prints the log as it grows until the platform is ready. */
async function startPlatform(paths: DemoPaths): Promise<DemoState> {
    fs.mkdirSync(paths.home, { recursive: true });
    const logFd = fs.openSync(paths.logFile, "a");
    const child = spawn(process.execPath, [PLATFORM_JS], {
        detached: true,
        stdio: ["ignore", logFd, logFd],
        env: { ...toolchainEnv(), DEMO_HOME: paths.home },
    });
    fs.closeSync(logFd);
    child.unref();
    let exited = false;
    child.once("exit", () => (exited = true));
    let shown = 0;
    const showNewLines = () => {
        const text = fs.readFileSync(paths.logFile, "utf8");
        const complete = text.slice(shown, text.lastIndexOf("\n") + 1);
        for (const line of complete.split("\n").filter(Boolean)) print(`    ${line}`);
        shown += complete.length;
    };
    const deadline = Date.now() + PLATFORM_START_MS;
    for (;;) {
        showNewLines();
        const state = readDemoState(paths);
        if (state) return state;
        if (exited || child.exitCode !== null)
            throw new DemoError(`the local platform stopped while starting; its log is ${paths.logFile}`);
        if (Date.now() > deadline)
            throw new DemoError(
                `the local platform was not ready within ${PLATFORM_START_MS / 1000} s; its log is ${paths.logFile}`,
            );
        await sleep(200);
    }
}

function workspaceOf(paths: DemoPaths): PulumiWorkspace {
    return PulumiWorkspace.create(() => undefined, REPO_ROOT, { root: paths.pulumiDir, passphrase: PASSPHRASE });
}

/** A shell file that sets up the environment to run `pulumi` on the demo's stack by hand. */
function writeShellEnv(paths: DemoPaths, workspace: PulumiWorkspace): string {
    const file = path.join(paths.home, "env.sh");
    const env = toolchainEnv();
    const lines = [
        "# Source this file to run pulumi on the demo's stack by hand.",
        `export PATH=${JSON.stringify(`${toolchainBinDir()}:${process.env.PATH ?? ""}`)}`,
        `export PULUMI_HOME=${JSON.stringify(path.join(paths.pulumiDir, "home"))}`,
        `export PULUMI_BACKEND_URL=${JSON.stringify(`file://${path.join(paths.pulumiDir, "backend")}`)}`,
        `export PULUMI_CONFIG_PASSPHRASE=${PASSPHRASE}`,
        `export PULUMI_SKIP_UPDATE_CHECK=${env.PULUMI_SKIP_UPDATE_CHECK} PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=${env.PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION}`,
        `cd ${JSON.stringify(workspace.projectDir)} && pulumi stack select ${STACK}`,
    ];
    fs.writeFileSync(file, `${lines.join("\n")}\n`);
    return file;
}

async function runPulumi(stack: PulumiStack, args: readonly string[], what: string): Promise<void> {
    const result = await stack.run(args, {
        onOutput: (chunk) => process.stdout.write(chunk),
        timeoutMs: UP_TIMEOUT_MS,
    });
    if (result.code !== 0)
        throw new DemoError(
            `${what} failed (exit ${result.code}); the output above says why. \`npm run demo -- down\` removes everything the demo made.`,
        );
}

/** The sample chaincode through the official Gateway client, as Org1's User1 on peer0.org1 (what a client application does). */
function withBasicContract<T>(network: FabricNetwork, operation: (contract: Contract) => Promise<T>): Promise<T> {
    const org1 = network.orgs[0];
    const call = { peer: clientEndpoint(org1.peers[0], org1), identity: org1.user, timeoutSeconds: 60 };
    return withGateway(call, (gateway) => operation(gateway.getNetwork(network.channel).getContract("basic")));
}

async function printAssets(network: FabricNetwork): Promise<void> {
    const bytes = await withBasicContract(network, (contract) => contract.evaluateTransaction("GetAllAssets"));
    const assets = JSON.parse(Buffer.from(bytes).toString("utf8")) as Array<Record<string, unknown>>;
    print(
        `GetAllAssets through ${network.orgs[0].peers[0].name}'s gateway, as ${network.orgs[0].mspId}'s User1: ${assets.length} assets`,
    );
    const columns = ["ID", "Color", "Size", "Owner", "AppraisedValue"];
    const widths = columns.map((column) =>
        Math.max(column.length, ...assets.map((asset) => String(asset[column]).length)),
    );
    const row = (cells: string[]) => `    ${cells.map((cell, i) => cell.padEnd(widths[i])).join("  ")}`.trimEnd();
    print(row(columns));
    for (const asset of assets) print(row(columns.map((column) => String(asset[column]))));
}

async function printRunning(paths: DemoPaths, state: DemoState): Promise<void> {
    const network = attachNetwork(paths.networkStateFile);
    print(`Running (started ${state.startedAt}; the platform is PID ${state.platformPid}, its log ${paths.logFile}):`);
    print(`    Kubernetes node at ${state.apiServerUrl}  kubeconfig ${state.kubeconfigPath}`);
    for (const node of [...network.orderers, ...network.peers])
        print(`    ${node.name.padEnd(24)} pid ${node.pid}  ${node.endpoint} (in its pod's network)`);
    const pods = await RealNode.attach(paths.nodeDir).kubectl([
        "get",
        "pods",
        "--all-namespaces",
        "-l",
        "app.kubernetes.io/component=chaincode",
        "-o",
        "custom-columns=NAMESPACE:.metadata.namespace,POD:.metadata.name,READY:.status.containerStatuses[0].ready,IMAGE:.spec.containers[0].image",
        "--no-headers",
    ]);
    for (const pod of pods.split("\n").filter(Boolean))
        print(`    chaincode pod ${pod.trim().split(/\s+/).join("  ")}`);
    print(
        `    channel ${network.channel} at height ${await channelHeight(network, network.peers[0], network.channel)}`,
    );
}

function printNextSteps(envFile: string): void {
    print();
    print("Try next:");
    print(`    source ${envFile}      # pulumi on the demo's stack, from its project folder`);
    print("    pulumi preview                                  # nothing to change");
    print(
        "    pulumi config set chaincodeVersion 1.1 && pulumi up   # an upgrade: the new release starts beside the live one",
    );
    print("    pulumi config set replicas 2 && pulumi preview  # what a change would do, before it is made");
    print("    npm run demo -- down                            # destroy the stack and stop everything");
}

async function up(paths: DemoPaths): Promise<void> {
    const existing = readDemoState(paths);
    if (existing && platformAlive(existing)) {
        step("the demo is already up");
        await printRunning(paths, existing);
        const workspace = workspaceOf(paths);
        step("pulumi preview --expect-no-changes: the stack matches what runs");
        await runPulumi(workspace.stack(STACK), ["preview", "--expect-no-changes"], "pulumi preview");
        await printAssets(attachNetwork(paths.networkStateFile));
        printNextSteps(writeShellEnv(paths, workspace));
        return;
    }
    if (existing || fs.existsSync(paths.home)) {
        step(`removing what an earlier demo left in ${paths.home} (its platform is not running)`);
        await removeLeftovers(paths, existing);
    }

    step("checking the Fabric binaries, the full-stack toolchain and what a Kubernetes node needs ...");
    const missing = missingPrerequisites();
    if (missing.length > 0)
        throw new DemoError(`cannot start the demo:\n${missing.map((line) => `  - ${line}`).join("\n")}`);
    print(
        `    Fabric ${locateFabric(undefined, undefined).version}; toolchain in ${toolchainBinDir()}; the node's parts present`,
    );

    step(
        "starting the platform in the background (a real Kubernetes node, the Fabric network in its pods, the chaincode image) ...",
    );
    const state = await startPlatform(paths);
    const network = attachNetwork(paths.networkStateFile);
    const [org1, org2] = network.orgs;

    step(
        `writing the stack "${STACK}" (Pulumi.local.yaml plus the network's endpoints, TLS CAs and admins; keys as secrets)`,
    );
    const workspace = workspaceOf(paths);
    const stack = await createOrgStack(workspace, STACK, {
        network,
        org: org1,
        otherOrgs: [org2],
        kubeconfig: fs.readFileSync(state.kubeconfigPath, "utf8"),
        // The image the platform built, and both orgs' peers (their namespaces carry the network's label).
        cluster: {
            image: state.chaincodeImage.reference,
            imageDigest: state.chaincodeImage.digest,
            peerNamespaceSelector: [NETWORK_NAMESPACE_LABEL],
        },
    });

    step("pulumi up");
    await runPulumi(stack, ["up", "--yes", "--skip-preview"], "pulumi up");

    step("InitLedger through the gateway, then GetAllAssets");
    await withBasicContract(network, (contract) => contract.submitTransaction("InitLedger"));
    await printAssets(network);
    print();
    await printRunning(paths, readDemoState(paths) ?? state);
    printNextSteps(writeShellEnv(paths, workspace));
}

/** Ends processes the state names that still run (by PID), deletes the node (whatever runs inside it too), removes the demo's folder. */
async function removeLeftovers(paths: DemoPaths, state: DemoState | undefined): Promise<void> {
    const pids = (state?.processes ?? []).map((entry) => entry.pid).filter(pidAlive);
    for (const pid of pids) process.kill(pid, "SIGTERM");
    await waitUntil(() => pids.every((pid) => !pidAlive(pid)), 15_000);
    for (const pid of pids.filter(pidAlive)) process.kill(pid, "SIGKILL");
    if (fs.existsSync(paths.nodeDir)) await deleteNode(paths);
    fs.rmSync(paths.home, { recursive: true, force: true });
}

async function deleteNode(paths: DemoPaths): Promise<void> {
    try {
        await RealNode.attach(paths.nodeDir).delete();
    } catch (error) {
        // A node that never wrote its record has nothing to delete but its folder.
        if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
    }
}

async function waitUntil(condition: () => boolean, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
        if (Date.now() > deadline) return false;
        await sleep(100);
    }
    return true;
}

async function down(paths: DemoPaths): Promise<void> {
    const state = readDemoState(paths);
    if (!state && !fs.existsSync(paths.home)) {
        print(`no demo is up (no ${paths.stateFile})`);
        return;
    }
    if (platformAlive(state) && fs.existsSync(path.join(paths.pulumiDir, "backend"))) {
        step("pulumi destroy");
        await runPulumi(
            workspaceOf(paths).stack(STACK),
            ["destroy", "--yes", "--skip-preview"],
            "pulumi destroy",
        ).catch((error: Error) => print(`    ${error.message} (stopping the platform anyway)`));
    }
    if (state && platformAlive(state)) {
        step(`stopping the local platform (PID ${state.platformPid}) and everything it runs ...`);
        process.kill(state.platformPid, "SIGTERM");
        if (!(await waitUntil(() => !pidAlive(state.platformPid), PLATFORM_STOP_MS)))
            process.kill(state.platformPid, "SIGKILL");
    }
    await removeLeftovers(paths, state);
    const running = (state?.processes ?? []).filter((entry) => pidAlive(entry.pid));
    const link = state && fs.existsSync(`/sys/class/net/${state.hostLink}`) ? state.hostLink : undefined;
    if (running.length > 0 || link) {
        throw new DemoError(
            `still there after down: ${running.map((entry) => `${entry.name} (pid ${entry.pid})`).join(", ") || "no process"}; ${link ? `the node's link ${link}` : "no link"}`,
        );
    }
    print(
        `stopped ${1 + (state?.processes.length ?? 0)} processes (the platform, ${state?.processes.map((entry) => entry.name).join(", ") ?? "nothing recorded"}) and deleted the node; no process, namespace or link of the demo is left; removed ${paths.home}`,
    );
}

async function status(paths: DemoPaths): Promise<boolean> {
    const state = readDemoState(paths);
    if (!state) {
        print("no demo is up: `npm run demo` starts one");
        return true;
    }
    if (!platformAlive(state)) {
        print(`the demo's platform (PID ${state.platformPid}) is not running: \`npm run demo\` starts over`);
        return false;
    }
    await printRunning(paths, state);
    return true;
}

async function main(argv: string[]): Promise<number> {
    const paths = demoPaths();
    const [command = "up", ...rest] = argv;
    if (rest.length > 0)
        throw new DemoError(`unexpected arguments: ${rest.join(" ")}\nusage: npm run demo [-- up|down|status]`);
    switch (command) {
        case "up":
            await up(paths);
            return 0;
        case "down":
            await down(paths);
            return 0;
        case "status":
            return (await status(paths)) ? 0 : 1;
        default:
            throw new DemoError(`unknown command "${command}"\nusage: npm run demo [-- up|down|status]`);
    }
}

main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error: Error) => {
        // A DemoError is the whole story; anything else gets its message, still without a stack trace.
        process.stderr.write(`demo: ${error instanceof DemoError ? error.message : `failed: ${error.message}`}\n`);
        process.exit(1);
    },
);
