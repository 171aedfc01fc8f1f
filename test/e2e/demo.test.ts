/*
 * `npm run demo` as a newcomer runs it: the local platform starts in the
 * background, `pulumi up` deploys the sample chaincode, InitLedger and
 * GetAllAssets run through the gateway and the six seed assets are printed;
 * a second run reports what runs and changes nothing; `down` destroys the
 * stack and leaves nothing of the demo behind: no process, and no link,
 * address, route, namespace, mount, iptables or nftables rule, or cgroup on
 * the host that was not there before.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { SAMPLE_ASSETS } from "../../chaincode/asset-transfer-basic/src/sample-assets";
import { toolchainEnv } from "../../testenv/kube";
import { demoPaths, type DemoState, readDemoState } from "../../testenv/demo/state";
import { channelHeight } from "../../testenv/network";
import { pidAlive } from "../../testenv/network/processes";
import { attachNetwork } from "../../testenv/network/state";
import { hostChanges, type HostSnapshot, hostSnapshot, RealNode } from "../../testenv/node";
import { holdHost } from "../../testenv/node/host-lock";
import { REPO_ROOT } from "../../testenv/pulumi/workspace";
import { nodeSuiteSkip } from "./support/node-platform";

const DEMO_JS = join(REPO_ROOT, "dist", "testenv", "demo", "cli.js");

interface Run {
    readonly code: number | null;
    readonly stdout: string;
    readonly stderr: string;
}

function demo(home: string, ...args: string[]): Promise<Run> {
    return new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [DEMO_JS, ...args], {
            cwd: REPO_ROOT,
            env: { ...process.env, DEMO_HOME: home },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
        child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
        child.once("error", reject);
        child.once("close", (code) => resolve({ code, stdout, stderr }));
    });
}

function requireExit0(run: Run, what: string): Run {
    assert.equal(
        run.code,
        0,
        `${what} exited ${run.code}\n--- stdout\n${run.stdout.slice(-4000)}\n--- stderr\n${run.stderr.slice(-4000)}`,
    );
    return run;
}

/** The table rows the demo prints: ID, Color, Size, Owner, AppraisedValue. */
function printedAssets(stdout: string): string[][] {
    const rows = stdout.split("\n").filter((line) => /^\s{4}asset\d+\s/.test(line));
    return rows.map((line) => line.trim().split(/\s{2,}/));
}

describe("npm run demo: the sample chaincode deployed on one machine (a real node)", { skip: nodeSuiteSkip() }, () => {
    const home = mkdtempSync(join(tmpdir(), "ccaas-demo-"));
    const paths = demoPaths({ DEMO_HOME: home });
    let first: Run;
    let state: DemoState;
    let hostBefore: HostSnapshot;

    let releaseHost: (() => void) | undefined;

    before(async () => {
        // The host is compared before and after: no other suite's node may come or go meanwhile.
        releaseHost = await holdHost("alone", (line) => process.stderr.write(`# ${line}\n`));
        hostBefore = hostSnapshot();
        // The demo reads the toolchain from the cache, as a user's shell would.
        Object.assign(process.env, { PATH: toolchainEnv().PATH });
    });

    after(async () => {
        try {
            if (existsSync(paths.stateFile)) await demo(home, "down");
            rmSync(home, { recursive: true, force: true });
        } finally {
            releaseHost?.();
        }
    });

    it("starts everything, deploys with pulumi up and prints the six seed assets", async () => {
        first = requireExit0(await demo(home), "npm run demo");
        for (const progress of [
            "checking the Fabric binaries, the full-stack toolchain",
            "real node ccaas-node ready",
            "network up in the node's pods",
            "pulumi up",
            "InitLedger",
        ]) {
            assert.ok(first.stdout.includes(progress), `progress line "${progress}" shown`);
        }
        assert.match(first.stdout, /Resources:\s*\n\s*\+ \d+ created/, "pulumi up's own output is shown");
        assert.deepEqual(
            printedAssets(first.stdout),
            SAMPLE_ASSETS.map((asset) => [
                asset.ID,
                asset.Color,
                String(asset.Size),
                asset.Owner,
                String(asset.AppraisedValue),
            ]),
        );
        assert.match(first.stdout, /npm run demo -- down/);
        state = readDemoState(paths)!;
        assert.ok(state && pidAlive(state.platformPid), "the platform runs on after the command returned");
        const pods = await RealNode.attach(paths.nodeDir).kubectl([
            "get",
            "pods",
            "--all-namespaces",
            "-l",
            "app.kubernetes.io/component=chaincode",
            "-o",
            "jsonpath={.items[*].status.containerStatuses[0].ready}",
        ]);
        assert.equal(pods.trim(), "true", "one chaincode pod runs, Ready");
        const podLine = first.stdout.split("\n").find((line) => line.includes("chaincode pod hlf-org1"));
        assert.ok(
            podLine?.includes(`${state.chaincodeImage.reference}@${state.chaincodeImage.digest}`),
            `the chaincode pod runs the built image: ${podLine}`,
        );
    });

    it("a second run reports what runs and changes nothing", async () => {
        const network = attachNetwork(paths.networkStateFile);
        const heightBefore = await channelHeight(network, network.peers[0], network.channel);
        const second = requireExit0(await demo(home), "npm run demo (again)");
        assert.match(second.stdout, /the demo is already up/);
        assert.match(second.stdout, /pulumi preview --expect-no-changes/);
        assert.doesNotMatch(second.stdout, /\+ \d+ to create|~ \d+ to update|- \d+ to delete/);
        assert.equal(printedAssets(second.stdout).length, SAMPLE_ASSETS.length);
        assert.equal(await channelHeight(network, network.peers[0], network.channel), heightBefore, "no transaction");
        assert.equal(readDemoState(paths)?.platformPid, state.platformPid, "the same platform");
    });

    it("down destroys the stack and leaves no process, namespace, link, mount, iptables rule or cgroup behind", async () => {
        state = readDemoState(paths)!;
        const off = requireExit0(await demo(home, "down"), "npm run demo -- down");
        assert.match(off.stdout, /pulumi destroy/);
        assert.match(off.stdout, /no process, namespace or link of the demo is left/);
        const alive = [{ name: "platform", pid: state.platformPid }, ...state.processes].filter((entry) =>
            pidAlive(entry.pid),
        );
        assert.deepEqual(alive, [], "every recorded process has exited");
        assert.deepEqual(hostChanges(hostBefore, hostSnapshot()), [], "the host is as it was before the demo");
        assert.equal(existsSync(home), false, "the demo's folder is removed");
        const again = requireExit0(await demo(home, "down"), "a second down");
        assert.match(again.stdout, /no demo is up/);
    });
});
