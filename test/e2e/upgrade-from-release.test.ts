/*
 * Upgrading a stack from the last release: a checkout of that release (the
 * commit PREVIOUS_RELEASE, built in a git worktree) deploys the two org
 * stacks; then the same stacks run this checkout's program. The plan
 * replaces and deletes nothing and creates only each server's new
 * ServiceAccount (which the running server takes with its next release) and
 * the approving stack's smoke check, the
 * chaincode servers are not restarted, no Fabric transaction is sent, and the
 * chaincode answers.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { evaluate } from "../../components/fabric";
import { channelHeight, clientEndpoint } from "../../testenv/network";
import { parseEventStream, parsePreview } from "./support/engine-events";
import { chaincodePods, NAMESPACE_ORG2 } from "./support/full-stack";
import { type NodePlatform, nodeSuiteSkip, startNodePlatform } from "./support/node-platform";
import { createOrgStack } from "../../testenv/pulumi/org-stack";
import { PulumiWorkspace, REPO_ROOT, requireSuccess, type PulumiStack } from "../../testenv/pulumi/workspace";
import { printLogsOnFailure } from "../support/failure-logs";

/** The last release: the tree as issue 10 left it, before the library and the many-chaincodes work. */
const PREVIOUS_RELEASE = "410b624";
const UNCHANGING_OPS = new Set(["same", "update"]);
/**
 * A StackReference is read on every run. New since that release: a server's ServiceAccount (nothing running uses it
 * yet) and the approving stack's smoke check (it evaluates through the org's peer: no transaction).
 */
const NEW_SINCE_RELEASE = new Set(["kubernetes:core/v1:ServiceAccount", "pulumi-nodejs:dynamic/fabric:ChaincodeSmokeCheck"]);
const unchanging = (step: { op: string; type: string }) =>
    UNCHANGING_OPS.has(step.op) || (step.op === "read" && step.type === "pulumi:pulumi:StackReference") || (step.op === "create" && NEW_SINCE_RELEASE.has(step.type));

describe(`upgrading the org stacks from the release ${PREVIOUS_RELEASE} to this checkout (real node)`, { skip: nodeSuiteSkip() }, () => {
    const log = (line: string) => process.stderr.write(`# ${line}\n`);
    let platform: NodePlatform;
    printLogsOnFailure(() => platform?.failureSources());
    let workspace: PulumiWorkspace;
    let previous: string;
    let org1Stack: PulumiStack;
    let org2Stack: PulumiStack;

    before(async () => {
        previous = mkdtempSync(join(tmpdir(), "previous-release-"));
        rmSync(previous, { recursive: true });
        const git = (args: string[]) => execFileSync("git", args, { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
        assert.doesNotThrow(() => git(["cat-file", "-e", `${PREVIOUS_RELEASE}^{commit}`]), `the clone lacks ${PREVIOUS_RELEASE}: a shallow clone? git fetch --unshallow`);
        git(["worktree", "add", "--detach", previous, PREVIOUS_RELEASE]);
        const npm = (args: string[]) => execFileSync("npm", args, { cwd: previous, stdio: ["ignore", "ignore", "inherit"] });
        npm(["ci", "--ignore-scripts", "--prefer-offline", "--no-audit", "--no-fund"]);
        execFileSync(join(previous, "node_modules", ".bin", "tsc"), ["-p", "."], { cwd: previous, stdio: ["ignore", "ignore", "inherit"] });

        platform = await startNodePlatform(log);
        const { network, node } = platform;
        const [org1, org2] = network.orgs;
        workspace = PulumiWorkspace.create(log, previous);
        const kubeconfig = node.kubeconfig();
        const cluster = (org: typeof org1) => platform.orgSettings(org.mspId);
        org2Stack = await createOrgStack(workspace, "org2", { network, org: org2, kubeconfig, namespace: NAMESPACE_ORG2, commit: false, cluster: cluster(org2) });
        org1Stack = await createOrgStack(workspace, "org1", { network, org: org1, kubeconfig, commitOrgs: [org2], approvalStacks: [org2Stack.qualifiedName], cluster: cluster(org1) });
    });

    after(async () => {
        await platform?.stop();
        workspace?.remove();
        if (previous && existsSync(previous)) execFileSync("git", ["worktree", "remove", "--force", previous], { cwd: REPO_ROOT });
    });

    it("the previous release deploys both org stacks", async () => {
        for (const stack of [org2Stack, org1Stack]) requireSuccess(await stack.run(["up", "--yes", "--skip-preview"]));
        assert.equal((await org1Stack.outputs()).committedSequence, 1);
    });

    it("this checkout's plan for those stacks replaces and deletes nothing and creates only ServiceAccounts and org2's smoke check; its up restarts no server, sends no transaction, and the chaincode answers", async () => {
        const { network, node } = platform;
        const [org1] = network.orgs;
        const podsBefore = await chaincodePods(node);
        assert.equal(podsBefore.length, 2, podsBefore.join(", "));
        const heightBefore = await channelHeight(network, org1.peers[0], network.channel);
        workspace.linkProjectTo(REPO_ROOT);
        for (const stack of [org2Stack, org1Stack]) {
            const preview = requireSuccess(await stack.run(["preview", "--json", "--diff"]));
            const planned = parsePreview(preview.stdout).steps.filter((step) => !unchanging(step));
            assert.deepEqual(planned.map((step) => `${step.op} ${step.urn}`), [], `${stack.name}: the upgrade plan`);
            const up = parseEventStream(requireSuccess(await stack.run(["up", "--yes", "--skip-preview", "--json"])).stdout);
            const changed = up.steps.filter((step) => step.op !== "same" && !(step.op !== "update" && unchanging(step)));
            assert.ok(changed.every((step) => step.op === "update"), `${stack.name}: ${changed.map((step) => `${step.op} ${step.urn}`).join(", ")}`);
            log(`${stack.name}: the upgrade updated ${changed.map((step) => `${step.urn.split("::").pop()} (${step.diffs.join(", ")})`).join("; ") || "nothing"}`);
        }
        assert.deepEqual(await chaincodePods(node), podsBefore, "a chaincode server was restarted or replaced");
        assert.equal(await channelHeight(network, org1.peers[0], network.channel), heightBefore, "the upgrade sent a transaction");
        const assets = await evaluate({ peer: clientEndpoint(org1.peers[0], org1), identity: org1.user, channel: network.channel, chaincode: "basic", fn: "GetAllAssets", timeoutSeconds: 30 });
        assert.ok(assets.length > 0);
    });
});
