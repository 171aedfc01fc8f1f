/*
 * The dynamic providers' methods called directly (as the Pulumi engine
 * would) against a real orderer and three real peers: install, approve,
 * commit with sequence "auto", re-runs that send nothing, a policy change,
 * a package change, drift shown by read, readiness failures, bad input
 * stopped at check, and the smoke check against the real chaincode server.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { spawn, type ChildProcess } from "node:child_process";
import { after, before, describe, it } from "node:test";
import {
    approveForMyOrg,
    commitDefinition,
    getChannelHeight,
    queryAllInstalled,
    queryApproved,
    queryCommitted,
    formatApplicationPolicy,
    type Endpoint,
} from "../../components/fabric";
import { buildChaincodePackage, type ChaincodePackage } from "../../components/packaging";
import { deflatedPackage } from "../../components/lifecycle/providers/package-in-state";
import {
    chaincodeApprovalProvider,
    chaincodeDefinitionProvider,
    chaincodeInstallProvider,
    chaincodeSmokeCheckProvider,
    type ChaincodeApprovalInputs,
    type ChaincodeApprovalOutputs,
    type ChaincodeDefinitionInputs,
    type ChaincodeDefinitionOutputs,
    type ChaincodeInstallInputs,
    type ChaincodeInstallOutputs,
    type ChaincodeSmokeCheckInputs,
} from "../../components/lifecycle/providers";
import { fabricMajor, startNetwork, type FabricNetwork, type Org, type PeerNode } from "../../testenv/network";
import { assertChaincodeServerBuilt, CHAINCODE_SERVER, freePort, waitFor } from "../support/chaincode-server";
import { withStderrCaptured } from "../support/stderr";
import { definitionInputs as definitionInputsFor } from "../support/definition-inputs";
import { checkedCreate } from "../support/checked-create";
import { printLogsOnFailure } from "../support/failure-logs";

const POLICY_1 = "OR('Org1MSP.member', 'Org2MSP.member')";
const POLICY_2 = "AND('Org1MSP.member', 'Org2MSP.member')";

describe("Fabric dynamic providers against a real network", () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let org1: Org;
    let org2: Org;
    let chaincodePort = 0;
    let packageA: ChaincodePackage;
    let packageB: ChaincodePackage;
    let server: ChildProcess | undefined;
    const approvals = new Map<string, ChaincodeApprovalOutputs>();
    let definition: ChaincodeDefinitionOutputs;

    const peerInputs = (peer: PeerNode) => ({
        peerEndpoint: peer.endpoint,
        peerTlsCaPem: peer.tlsCaPem,
        peerHostOverride: peer.hostOverride,
    });
    const admin = (org: Org) => ({ mspId: org.mspId, adminCertPem: org.admin.certPem, adminKeyPem: org.admin.keyPem });
    const endpoint = (peer: PeerNode): Endpoint => ({
        address: peer.endpoint,
        tlsCaPem: peer.tlsCaPem,
        hostOverride: peer.hostOverride,
    });
    const height = () =>
        getChannelHeight({ peer: endpoint(org1.peers[0]), identity: org1.admin, channel: network.channel });

    const installInputs = (peer: PeerNode, org: Org, pkg: ChaincodePackage): ChaincodeInstallInputs => ({
        ...peerInputs(peer),
        ...admin(org),
        packageBase64: pkg.bytes.toString("base64"),
        packageId: pkg.packageId,
    });
    let policy = POLICY_1;
    let packageId = "";
    /** Org2 submits its approvals through the orderer, Org1 through its peer's gateway. */
    const submission = (org: Org) =>
        org === org2
            ? {
                  ordererEndpoint: network.orderer.endpoint,
                  ordererTlsCaPem: network.orderer.tlsCaPem,
                  ordererHostOverride: network.orderer.hostOverride,
              }
            : {};
    const approvalInputs = (org: Org, overrides: Partial<ChaincodeApprovalInputs> = {}): ChaincodeApprovalInputs => ({
        channel: network.channel,
        name: "basic",
        version: "1.0",
        sequence: "auto",
        endorsementPolicy: policy,
        packageId,
        ...peerInputs(org.peers[0]),
        ...admin(org),
        ...submission(org),
        ...overrides,
    });
    const definitionInputs = (overrides: Partial<ChaincodeDefinitionInputs> = {}): ChaincodeDefinitionInputs =>
        definitionInputsFor(network, org1, { version: "1.0", endorsementPolicy: policy, ...overrides });

    before(async () => {
        network = await startNetwork();
        [org1, org2] = network.orgs;
        chaincodePort = await freePort();
        packageA = buildChaincodePackage({ label: "basic_1.0", address: `127.0.0.1:${chaincodePort}` });
        packageB = buildChaincodePackage({
            label: "basic_1.0",
            address: `127.0.0.1:${chaincodePort}`,
            dialTimeout: "20s",
        });
        assert.notEqual(packageA.packageId, packageB.packageId);
        packageId = packageA.packageId;
    });

    after(async () => {
        if (server && server.exitCode === null) {
            server.kill("SIGKILL");
            await new Promise((resolve) => server!.once("exit", resolve));
        }
        await network?.stop();
    });

    it("stops bad input at check, before anything reaches the network", async () => {
        const heightBefore = await height();
        const install = await chaincodeInstallProvider.check(
            {},
            {
                ...installInputs(org1.peers[0], org1, packageA),
                packageId: `other_1.0:${packageA.packageId.split(":")[1]}`,
                adminCertPem: org1.admin.keyPem,
            },
        );
        assert.deepEqual(install.failures.map((failure) => failure.property).sort(), [
            "adminCertPem",
            "adminKeyPem",
            "packageBase64",
        ]);
        assert.match(
            install.failures.find((f) => f.property === "packageBase64")!.reason,
            /label is "basic_1.0" but packageId has label "other_1.0"/,
        );
        assert.ok(
            install.failures.every((failure) => !failure.reason.includes("PRIVATE KEY")),
            "no key material in failures",
        );

        const wrongKey = await chaincodeInstallProvider.check(
            {},
            { ...installInputs(org1.peers[0], org1, packageA), adminKeyPem: org2.admin.keyPem },
        );
        assert.deepEqual(
            wrongKey.failures.map((failure) => failure.property),
            ["adminKeyPem"],
        );
        assert.match(wrongKey.failures[0].reason, /the private key of the certificate/);

        const approval = await chaincodeApprovalProvider.check(
            {},
            approvalInputs(org1, { endorsementPolicy: "OR('Org1MSP.member'", sequence: 0 }),
        );
        assert.deepEqual(approval.failures.map((failure) => failure.property).sort(), [
            "endorsementPolicy",
            "sequence",
        ]);
        assert.match(approval.failures.find((f) => f.property === "endorsementPolicy")!.reason, /at character 20/);

        const commit = await chaincodeDefinitionProvider.check(
            {},
            definitionInputs({
                endorsementPolicy: "OR('Org1MSP.owner')",
                collections: [{ name: "c", policy: "AND('Org1MSP.member', 'Org2MSP.member')" }],
            }),
        );
        assert.deepEqual(commit.failures.map((failure) => failure.property).sort(), [
            "collections",
            "endorsementPolicy",
        ]);
        assert.match(commit.failures.find((f) => f.property === "endorsementPolicy")!.reason, /unknown role 'owner'/);

        assert.equal(await height(), heightBefore, "no transaction was sent");
        assert.deepEqual(
            await queryAllInstalled({ peer: endpoint(org1.peers[0]), identity: org1.admin }),
            [],
            "nothing was installed",
        );
    });

    it("installs on all three peers; a re-run has no changes and installing again is harmless", async () => {
        for (const org of network.orgs) {
            for (const peer of org.peers) {
                const plain = installInputs(peer, org, packageA);
                // Org2's installs take the package as ChaincodeInstall sends it: deflated, with the user's setting names.
                const { packageBase64, ...rest } = plain;
                const inputs: ChaincodeInstallInputs =
                    org === org2
                        ? {
                              ...rest,
                              packageDeflated: deflatedPackage(packageBase64),
                              settingNames: { peer: "peers[0]" },
                          }
                        : plain;
                const { id, outs } = await checkedCreate(chaincodeInstallProvider, inputs);
                assert.equal(id, `${packageA.packageId}@${peer.endpoint}`);
                assert.equal(outs.label, "basic_1.0");
                // The bytes (with the peer's client key) are not kept twice: the outputs hold only their ID.
                assert.equal("packageBase64" in outs, false);
                assert.equal("packageDeflated" in outs, false);
                assert.equal("settingNames" in outs, false, "only check reads the setting names, from the new inputs");
                // A state written with the plain package has nothing to change for the deflated one, and back.
                assert.deepEqual(await chaincodeInstallProvider.diff(id, outs, org === org2 ? plain : inputs), {
                    changes: false,
                    replaces: [],
                });
                assert.deepEqual(await chaincodeInstallProvider.diff(id, outs, inputs), {
                    changes: false,
                    replaces: [],
                });
                const again = await chaincodeInstallProvider.create(inputs);
                assert.equal(again.outs.packageId, packageA.packageId);
                const read = await chaincodeInstallProvider.read(id, outs);
                assert.equal(read.id, id);
                // A state from before keeps the bytes in its outputs; a refresh drops them.
                const legacy = await chaincodeInstallProvider.read(id, {
                    ...outs,
                    packageBase64,
                } as ChaincodeInstallOutputs);
                assert.equal("packageBase64" in legacy.props, false);
                assert.deepEqual(
                    await chaincodeInstallProvider.diff(
                        id,
                        { ...outs, packageBase64 } as ChaincodeInstallOutputs,
                        inputs,
                    ),
                    { changes: false, replaces: [] },
                );
            }
        }
    });

    it("fails an install whose packageId does not belong to the package, naming both IDs", async () => {
        const inputs = { ...installInputs(org1.peers[0], org1, packageA), packageId: packageB.packageId };
        await assert.rejects(chaincodeInstallProvider.create(inputs), (error: unknown) => {
            assert.match(
                String(error),
                new RegExp(
                    `installed the package as ${packageA.packageId}, but the package ID computed locally is ${packageB.packageId}`,
                ),
            );
            return true;
        });
    });

    it("plans replaces and updates: a new peer or package replaces an install; credentials update it", async () => {
        const olds = { ...installInputs(org1.peers[0], org1, packageA), label: "basic_1.0" } as ChaincodeInstallOutputs;
        const moved = await chaincodeInstallProvider.diff("x", olds, installInputs(org1.peers[1], org1, packageA));
        assert.deepEqual(moved, { changes: true, replaces: ["peerEndpoint"] });
        const repackaged = await chaincodeInstallProvider.diff("x", olds, installInputs(org1.peers[0], org1, packageB));
        assert.deepEqual(repackaged.replaces, ["packageId"]);
        const rekeyed = await chaincodeInstallProvider.diff("x", olds, {
            ...installInputs(org1.peers[0], org1, packageA),
            timeoutSeconds: 10,
        });
        assert.deepEqual(rekeyed, { changes: true, replaces: [] });
    });

    it("refuses an approval and a commit planned for another sequence than the channel now needs, naming both, and sends nothing", async () => {
        const heightBefore = await height();
        const stale = { plannedSequence: 3, plannedChange: "sequence 2 → 3: endorsementPolicy (…)" };
        const refusal =
            /the channel mychannel changed after this run planned chaincode basic: planned sequence 3 \(sequence 2 → 3: endorsementPolicy \(…\)\), but it now needs sequence 1\. Nothing was sent; run the update again/;
        await assert.rejects(checkedCreate(chaincodeApprovalProvider, approvalInputs(org1, stale)), (error: Error) =>
            refusal.test(error.message),
        );
        await assert.rejects(checkedCreate(chaincodeDefinitionProvider, definitionInputs(stale)), (error: Error) =>
            refusal.test(error.message),
        );
        assert.equal(await height(), heightBefore, "a stale plan sent a transaction");
    });

    it("approves for Org1; committing before Org2 approved fails naming Org2MSP and sends nothing", async () => {
        const { outs } = await checkedCreate(
            chaincodeApprovalProvider,
            approvalInputs(org1, {
                plannedSequence: 1,
                plannedChange: "sequence 1: the first definition of basic on mychannel",
            }),
        );
        assert.equal(outs.approvedSequence, 1);
        assert.match(outs.approvalTxId, /^[0-9a-f]{64}$/);
        approvals.set(org1.mspId, outs);

        const heightBefore = await height();
        const { outcome, text } = await withStderrCaptured(() =>
            checkedCreate(chaincodeDefinitionProvider, definitionInputs({ readinessWaitSeconds: 2 })),
        );
        // While it waits, the provider says what for (these notes reach the up output).
        assert.match(
            text,
            /commit of basic sequence 1 on mychannel: waiting for the approval of Org2MSP \(readiness check 1; giving up in [12] s\)/,
        );
        await assert.rejects(
            outcome.status === "rejected" ? Promise.reject(outcome.reason) : Promise.resolve(),
            (error: unknown) => {
                const message = String(error);
                assert.match(
                    message,
                    /cannot commit chaincode basic sequence 1 on channel mychannel: not approved by Org2MSP \(readiness: Org1MSP approved, Org2MSP not approved; (\d+) readiness check\(s\) in 2 s\)/,
                );
                const checks = Number(/(\d+) readiness check/.exec(message)![1]);
                assert.ok(
                    checks >= 2,
                    `readiness was asked ${checks} time(s): it must be asked again before giving up`,
                );
                assert.ok(!/not approved by Org1MSP/.test(message));
                // Fabric 3's readiness says Org2 approved nothing at the sequence; Fabric 2.5's says nothing more.
                if (fabricMajor() >= 3) assert.match(message, /\nOrg2MSP has approved no definition at sequence 1\./);
                else assert.doesNotMatch(message, /Org2MSP has approved/);
                assert.doesNotMatch(
                    message,
                    /ChaincodeParameters/,
                    "Fabric's structure name is put in the definition's words",
                );
                return true;
            },
        );
        assert.equal(await height(), heightBefore, "the failed commit sent no transaction");
    });

    it("approves for Org2 through the orderer, then commits with sequence auto = 1", async () => {
        const { outs } = await checkedCreate(chaincodeApprovalProvider, approvalInputs(org2));
        assert.equal(outs.ordererEndpoint, network.orderer.endpoint);
        assert.equal(outs.approvedSequence, 1);
        approvals.set(org2.mspId, outs);

        const created = await checkedCreate(chaincodeDefinitionProvider, definitionInputs());
        definition = created.outs;
        assert.equal(created.id, "mychannel/basic");
        assert.equal(definition.committedSequence, 1);
        assert.deepEqual(definition.approvals, { Org1MSP: true, Org2MSP: true });
        const committed = await queryCommitted({
            peer: endpoint(org2.peers[0]),
            identity: org2.admin,
            channel: network.channel,
            name: "basic",
        });
        assert.equal(committed?.sequence, 1);
        assert.equal(formatApplicationPolicy(committed!.validationParameter), POLICY_1);
    });

    it("re-runs send no transaction: diff reports no changes and create/update are no-ops", async () => {
        const heightBefore = await height();
        for (const org of network.orgs) {
            const olds = approvals.get(org.mspId)!;
            const news = approvalInputs(org);
            assert.deepEqual(await chaincodeApprovalProvider.diff("id", olds, news), { changes: false, replaces: [] });
            const updated = await chaincodeApprovalProvider.update("id", olds, news);
            assert.equal(updated.outs.approvedSequence, 1);
            assert.equal(updated.outs.approvalTxId, olds.approvalTxId, "no new approval transaction");
            const created = await chaincodeApprovalProvider.create(news);
            assert.equal(created.outs.approvedSequence, 1);
        }
        assert.deepEqual(await chaincodeDefinitionProvider.diff("id", definition, definitionInputs()), {
            changes: false,
            replaces: [],
        });
        const updated = await chaincodeDefinitionProvider.update("id", definition, definitionInputs());
        assert.equal(updated.outs.committedSequence, 1);
        assert.equal(updated.outs.commitTxId, definition.commitTxId);
        await chaincodeDefinitionProvider.create(definitionInputs());
        assert.equal(await height(), heightBefore, "block height unchanged: nothing was sent");
    });

    it("reads back what the network holds", async () => {
        const read = await chaincodeDefinitionProvider.read("mychannel/basic", definition);
        assert.equal(read.id, "mychannel/basic");
        assert.equal(read.props.committedSequence, 1);
        assert.equal(read.props.endorsementPolicy, POLICY_1);
        assert.equal(read.props.sequence, "auto");
        assert.deepEqual(read.props, definition, "nothing drifted, so refresh must show no change");
        for (const org of network.orgs) {
            const approval = await chaincodeApprovalProvider.read("id", approvals.get(org.mspId)!);
            assert.equal(approval.props.approvedSequence, 1);
            assert.equal(approval.props.packageId, packageA.packageId);
            assert.deepEqual(approval.props, approvals.get(org.mspId));
        }
        const { packageBase64: _bytes, ...install } = {
            ...installInputs(org2.peers[0], org2, packageA),
            label: "basic_1.0",
        };
        assert.deepEqual((await chaincodeInstallProvider.read("id", install)).props, install);
    });

    it("a policy change is an update that bumps the sequence to 2 and re-approves", async () => {
        policy = POLICY_2;
        const diff = await chaincodeApprovalProvider.diff("id", approvals.get("Org1MSP")!, approvalInputs(org1));
        assert.deepEqual(diff, { changes: true, replaces: [] });
        for (const org of network.orgs) {
            const { outs } = await chaincodeApprovalProvider.update(
                "id",
                approvals.get(org.mspId)!,
                approvalInputs(org),
            );
            assert.equal(outs.approvedSequence, 2);
            assert.notEqual(outs.approvalTxId, approvals.get(org.mspId)!.approvalTxId);
            approvals.set(org.mspId, outs);
        }
        assert.deepEqual(await chaincodeDefinitionProvider.diff("id", definition, definitionInputs()), {
            changes: true,
            replaces: [],
        });
        definition = (await chaincodeDefinitionProvider.update("id", definition, definitionInputs())).outs;
        assert.equal(definition.committedSequence, 2);
        const committed = await queryCommitted({
            peer: endpoint(org1.peers[0]),
            identity: org1.admin,
            channel: network.channel,
            name: "basic",
        });
        assert.equal(committed?.sequence, 2);
        assert.equal(formatApplicationPolicy(committed!.validationParameter), POLICY_2);
    });

    it("a new package ID alone re-approves the current sequence without a bump; the definition sends nothing", async () => {
        for (const org of network.orgs)
            for (const peer of org.peers) await chaincodeInstallProvider.create(installInputs(peer, org, packageB));
        packageId = packageB.packageId;
        for (const org of network.orgs) {
            const before = await height();
            const { outs } = await chaincodeApprovalProvider.update(
                "id",
                approvals.get(org.mspId)!,
                approvalInputs(org),
            );
            assert.equal(outs.approvedSequence, 2, "same sequence");
            assert.equal(await height(), before + 1, "exactly one approval transaction");
            const approved = await queryApproved({
                peer: endpoint(org.peers[0]),
                identity: org.admin,
                channel: network.channel,
                name: "basic",
                sequence: 2,
            });
            assert.equal(approved?.packageId, packageB.packageId);
            approvals.set(org.mspId, outs);
        }
        const heightBefore = await height();
        assert.deepEqual(await chaincodeDefinitionProvider.diff("id", definition, definitionInputs()), {
            changes: false,
            replaces: [],
        });
        const updated = await chaincodeDefinitionProvider.update("id", definition, definitionInputs());
        assert.equal(updated.outs.committedSequence, 2);
        assert.equal(await height(), heightBefore);
    });

    it("an explicit sequence below the committed one fails at update, naming the committed sequence", async () => {
        await assert.rejects(
            chaincodeApprovalProvider.update("id", approvals.get("Org1MSP")!, approvalInputs(org1, { sequence: 1 })),
            /invalid sequence: 1; expected at least 2, the sequence committed for chaincode basic on channel mychannel/,
        );
        await assert.rejects(
            chaincodeDefinitionProvider.update("id", definition, definitionInputs({ sequence: 2, version: "9.9" })),
            /sequence 2 is already committed .* with a different definition \(differs in: version \("1.0" vs "9.9"\)\)/,
        );
    });

    it("read shows a definition changed out of band, so refresh reports drift", async () => {
        const changed = { name: "basic", version: "1.1", sequence: 3, endorsementPolicy: POLICY_1 };
        for (const org of network.orgs) {
            await approveForMyOrg({
                peer: endpoint(org.peers[0]),
                identity: org.admin,
                channel: network.channel,
                definition: changed,
                packageId: packageB.packageId,
            });
        }
        await commitDefinition({
            peers: network.orgs.map((org) => endpoint(org.peers[0])),
            identity: org1.admin,
            channel: network.channel,
            definition: changed,
        });

        const read = await chaincodeDefinitionProvider.read("mychannel/basic", definition);
        assert.equal(read.props.committedSequence, 3);
        assert.equal(read.props.version, "1.1");
        assert.equal(read.props.endorsementPolicy, POLICY_1);
        const diff = await chaincodeDefinitionProvider.diff("id", read.props, definitionInputs());
        assert.deepEqual(diff, { changes: true, replaces: [] });
        const approvalRead = await chaincodeApprovalProvider.read("id", approvals.get("Org1MSP")!);
        assert.equal(approvalRead.props.version, "1.1");
        assert.equal(approvalRead.props.approvedSequence, 3);

        // The next `up` puts the program's definition back as sequence 4.
        for (const org of network.orgs) {
            const { outs } = await chaincodeApprovalProvider.update("id", approvalRead.props, approvalInputs(org));
            assert.equal(outs.approvedSequence, 4);
        }
        definition = (await chaincodeDefinitionProvider.update("id", read.props, definitionInputs())).outs;
        assert.equal(definition.committedSequence, 4);
        assert.equal(definition.version, "1.0");
    });

    it("delete only drops state: the definition stays committed and nothing is sent", async () => {
        const heightBefore = await height();
        await chaincodeDefinitionProvider.delete("mychannel/basic", definition);
        await chaincodeApprovalProvider.delete("id", approvals.get("Org1MSP")!);
        await chaincodeInstallProvider.delete("id", {
            ...installInputs(org1.peers[0], org1, packageB),
            label: "basic_1.0",
        });
        assert.equal(await height(), heightBefore);
        assert.equal(
            (
                await queryCommitted({
                    peer: endpoint(org1.peers[0]),
                    identity: org1.admin,
                    channel: network.channel,
                    name: "basic",
                })
            )?.sequence,
            4,
        );
    });

    /** A smoke check of basic through org1's first peer, as org1's user. */
    const smokeInputs = (): ChaincodeSmokeCheckInputs => ({
        ...peerInputs(org1.peers[0]),
        mspId: org1.mspId,
        adminCertPem: org1.user.certPem,
        adminKeyPem: org1.user.keyPem,
        channel: network.channel,
        chaincodeName: "basic",
    });

    it("the smoke check explains an unreachable chaincode, then passes once the server runs", async () => {
        assertChaincodeServerBuilt();
        const inputs: ChaincodeSmokeCheckInputs = {
            ...smokeInputs(),
            expectedPackageId: packageB.packageId,
            chaincodeAddress: `127.0.0.1:${chaincodePort}`,
            waitSeconds: 0,
        };
        assert.deepEqual((await chaincodeSmokeCheckProvider.check({}, inputs)).failures, []);
        await assert.rejects(chaincodeSmokeCheckProvider.create(inputs), (error: unknown) => {
            const message = String(error);
            assert.match(
                message,
                new RegExp(
                    `smoke check failed: peer ${org1.peers[0].endpoint} could not evaluate GetAllAssets on chaincode basic`,
                ),
            );
            assert.match(message, /could not launch chaincode/);
            assert.match(message, /connection refused/);
            assert.match(
                message,
                new RegExp(`nothing listens at the chaincode address \\(127.0.0.1:${chaincodePort}\\)`),
            );
            return true;
        });

        server = spawn(process.execPath, [CHAINCODE_SERVER], {
            env: {
                PATH: process.env.PATH,
                CHAINCODE_ID: packageB.packageId,
                CHAINCODE_SERVER_ADDRESS: `127.0.0.1:${chaincodePort}`,
                CHAINCODE_TLS_DISABLED: "true",
            },
            stdio: ["ignore", "pipe", "pipe"],
        });
        let output = "";
        server.stdout!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
        server.stderr!.setEncoding("utf8").on("data", (chunk: string) => (output += chunk));
        await waitFor(
            () => output.includes("listening on"),
            20_000,
            () => `chaincode server did not start: ${output}`,
        );

        const { outs } = await chaincodeSmokeCheckProvider.create({ ...inputs, waitSeconds: 30 });
        // What GetAllAssets returned on an empty ledger, as a hash: no ledger data in the state.
        assert.equal(outs.responseSha256, createHash("sha256").update("[]").digest("hex"));
        assert.equal(outs.responseLength, 2);
        assert.equal("responsePreview" in outs, false);
    });

    it("an approving stack's smoke check waits for the commit of its sequence: pending (and re-run by the next update) until the channel runs it, then checked", async () => {
        const committedNow = (await queryCommitted({
            peer: endpoint(org1.peers[0]),
            identity: org1.admin,
            channel: network.channel,
            name: "basic",
        }))!.sequence;
        const inputs: ChaincodeSmokeCheckInputs = { ...smokeInputs(), waitSeconds: 30 };
        const early = await chaincodeSmokeCheckProvider.create({ ...inputs, awaitSequence: committedNow + 1 });
        assert.equal(
            early.outs.pending,
            `basic is approved at sequence ${committedNow + 1} and the channel runs sequence ${committedNow} (another org's stack commits)`,
        );
        assert.equal(early.outs.responseSha256, "");
        const unchanged = { ...inputs, awaitSequence: committedNow + 1 };
        assert.equal(
            (await chaincodeSmokeCheckProvider.diff("id", early.outs, unchanged)).changes,
            true,
            "the next update runs the pending check",
        );

        const committed = { ...inputs, awaitSequence: committedNow };
        const { outs } = await chaincodeSmokeCheckProvider.update("id", early.outs, committed);
        assert.equal(outs.pending, undefined);
        assert.equal(outs.responseSha256, createHash("sha256").update("[]").digest("hex"));
        assert.equal(
            (await chaincodeSmokeCheckProvider.diff("id", outs, committed)).changes,
            false,
            "a check made stays made",
        );
    });
});
