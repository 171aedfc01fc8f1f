/*
 * lookupLiveRelease against a real network (two orgs): what the program
 * reads before it declares anything. It names the package this org's peers
 * run for the committed definition and that package's address, and says
 * whether the update at hand moves the peers to the declared package: when
 * only the package changes (this org's approval switches them), or when a
 * committing stack's new definition has every other org's approval.
 */
import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { approveForMyOrg, commitDefinition, getChannelHeight, installChaincode } from "../../components/fabric";
import { lookupChannelPlan, lookupLiveRelease, type LiveReleaseQuery } from "../../components/release/live-release";
import { buildChaincodePackage } from "../../components/packaging";
import { testPki } from "../support/pki";
import { clientEndpoint, startNetwork, type FabricNetwork, type Org } from "../../testenv/network";
import { printLogsOnFailure } from "../support/failure-logs";
import { ExternalChaincode, type FabricOrgArgs } from "../../components";
import { installMocks, type MockRecorder, promiseOf, registrationsSettled } from "../unit/support/pulumiMocks";

const POLICY = "OR('Org1MSP.member', 'Org2MSP.member')";
const ADDRESS_1_0 = "basic-0000aaaa.hlf-org1:9999";

describe("the live release as the program reads it (real network)", () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let org1: Org;
    let org2: Org;
    const pki = testPki();
    // Mutual TLS: the live package's client certificate is what a new release of the same generation carries on.
    const package1 = buildChaincodePackage({
        label: "basic_1.0",
        address: ADDRESS_1_0,
        dialTimeout: "5s",
        tls: {
            rootCertPem: pki.caCertPem,
            clientAuth: { clientCertPem: pki.clientCertPem, clientKeyPem: pki.clientKeyPem },
        },
    });
    const package2 = buildChaincodePackage({ label: "basic_1.1", address: "basic-1111bbbb.hlf-org1:9999" });

    const query = (overrides: Partial<LiveReleaseQuery> & { version?: string } = {}): LiveReleaseQuery => ({
        peer: clientEndpoint(org1.peers[0], org1),
        identity: org1.admin,
        commits: true,
        definition: {
            channel: network.channel,
            name: "basic",
            version: overrides.version ?? "1.0",
            sequence: "auto",
            endorsementPolicy: POLICY,
        },
        ...overrides,
    });
    const approve = async (org: Org, version: string, sequence: number, packageId: string) => {
        const result = await approveForMyOrg({
            peer: clientEndpoint(org.peers[0], org),
            identity: org.admin,
            channel: network.channel,
            definition: { name: "basic", version, sequence, endorsementPolicy: POLICY },
            packageId,
        });
        assert.equal(result.validationCode, 0);
    };

    before(async () => {
        network = await startNetwork({ clientAuthRequired: true });
        [org1, org2] = network.orgs;
        for (const org of [org1, org2]) {
            for (const pkg of [package1, package2]) {
                await installChaincode({
                    peer: clientEndpoint(org.peers[0], org),
                    identity: org.admin,
                    packageBytes: pkg.bytes,
                });
            }
        }
    });

    after(async () => {
        await network?.stop();
    });

    it("is undefined while nothing is committed; the plan is the first sequence", async () => {
        assert.equal(await lookupLiveRelease(query()), undefined);
        assert.deepEqual((await lookupChannelPlan(query())).plan, {
            sequence: 1,
            change: `sequence 1: the first definition of basic on ${network.channel}`,
        });
    });

    it("names the committed package and its address; the same definition with a new package switches in this update", async () => {
        await approve(org1, "1.0", 1, package1.packageId);
        await approve(org2, "1.0", 1, package1.packageId);
        const committed = await commitDefinition({
            peers: [clientEndpoint(org1.peers[0], org1), clientEndpoint(org2.peers[0], org2)],
            identity: org1.admin,
            channel: network.channel,
            definition: { name: "basic", version: "1.0", sequence: 1, endorsementPolicy: POLICY },
        });
        assert.equal(committed.validationCode, 0);
        const heightBefore = await getChannelHeight({
            peer: clientEndpoint(org1.peers[0], org1),
            identity: org1.admin,
            channel: network.channel,
        });

        const live = await lookupLiveRelease(query());
        const { content, clientTls, ...identity } = live!;
        assert.deepEqual(identity, {
            packageId: package1.packageId,
            address: ADDRESS_1_0,
            sequence: 1,
            replacedInThisUpdate: true,
        });
        // What the release key is made of, and the client certificate, as the peer returns the installed package.
        assert.deepEqual(content, {
            label: "basic_1.0",
            type: "ccaas",
            dialTimeout: "5s",
            tls: "mutual",
            indexFiles: {},
        });
        assert.equal(clientTls?.certPem.trim(), pki.clientCertPem.trim());
        assert.equal(clientTls?.keyPem.trim(), pki.clientKeyPem.trim());
        assert.equal(
            clientTls?.commonName,
            new X509Certificate(pki.clientCertPem).subject
                .split("\n")
                .find((part) => part.startsWith("CN="))
                ?.slice(3),
        );
        // What a preview shows for the approvals and the commit: read from the peer, no transaction.
        assert.deepEqual((await lookupChannelPlan(query())).plan, {
            sequence: 1,
            change: "sequence 1: the committed definition, unchanged",
        });
        const upgraded = (await lookupChannelPlan(query({ version: "1.1" }))).plan;
        assert.deepEqual(upgraded, {
            sequence: 2,
            change: 'sequence 1 → 2: version ("1.0" vs "1.1") (committed vs declared)',
        });
        const heightAfter = await getChannelHeight({
            peer: clientEndpoint(org1.peers[0], org1),
            identity: org1.admin,
            channel: network.channel,
        });
        assert.equal(heightAfter, heightBefore, "the look-up sent a transaction");
    });

    it("keeps the live package while another org has not approved the new definition, and for a stack that does not commit", async () => {
        await approve(org1, "1.1", 2, package2.packageId);
        const pending = await lookupLiveRelease(query({ version: "1.1" }));
        assert.equal(pending?.packageId, package1.packageId, "org1's peers run 1.0 until the commit");
        assert.equal(pending?.replacedInThisUpdate, false);

        assert.equal(
            (await lookupLiveRelease(query({ version: "1.1", approvedInThisUpdate: ["Org2MSP"] })))
                ?.replacedInThisUpdate,
            true,
            "a stack that approves for Org2 itself sends that approval before its commit",
        );

        await approve(org2, "1.1", 2, package2.packageId);
        assert.equal(
            (await lookupLiveRelease(query({ version: "1.1" })))?.replacedInThisUpdate,
            true,
            "the commit can go in now",
        );
        assert.equal((await lookupLiveRelease(query({ version: "1.1", commits: false })))?.replacedInThisUpdate, false);
        assert.equal(
            (await lookupLiveRelease(query({ version: "1.1", requiredApprovals: ["Org1MSP", "Org2MSP", "Org3MSP"] })))
                ?.replacedInThisUpdate,
            false,
            "an org that has not approved (here one the channel does not have) holds the commit back",
        );
    });

    describe("ExternalChaincode reads it itself: a library user's stack (Pulumi mocks, the real peers)", () => {
        let mocks: MockRecorder;
        const orgArgs = (org: Org): FabricOrgArgs => ({
            mspId: org.mspId,
            peers: [{ endpoint: org.peers[0].endpoint, hostOverride: org.peers[0].hostOverride }],
            peerTlsCaPem: org.peers[0].tlsCaPem,
            adminCertPem: org.admin.certPem,
            adminKeyPem: org.admin.keyPem,
            clientTlsCertPem: org.clientTls.certPem,
            clientTlsKeyPem: org.clientTls.keyPem,
        });
        const declare = async (
            name: string,
            version: string,
            lifecycle: { commit?: boolean; otherOrgs?: Org[] } = {},
        ) => {
            const chaincode = new ExternalChaincode(name, {
                chaincodeName: "basic",
                chaincodeVersion: version,
                namespace: "hlf-org1",
                image: "registry.example.com/basic:1.1",
                tls: { clientAuth: true },
                lifecycle: {
                    channel: network.channel,
                    org: orgArgs(org1),
                    endorsementPolicy: POLICY,
                    commit: lifecycle.commit,
                    otherOrgs: lifecycle.otherOrgs?.map(orgArgs),
                },
            });
            await registrationsSettled();
            return {
                chaincode,
                servers: (await chaincode.releases).map((release) => `${release.role} ${release.key}`),
            };
        };
        const height = () =>
            getChannelHeight({
                peer: clientEndpoint(org1.peers[0], org1),
                identity: org1.admin,
                channel: network.channel,
            });

        before(() => {
            mocks = installMocks();
        });

        it("keeps the server of the release the peers run beside a new one, as the program does, with no transaction", async () => {
            const before = await height();
            // Org1 and Org2 approved 1.1 at sequence 2 (above); 1.2 is approved by neither, so 1.0 stays live.
            const { chaincode, servers } = await declare("library", "1.2");
            assert.deepEqual(servers, [`declared ${chaincode.releaseKey}`, "live 0000aaaa"]);
            const live = mocks.resources.find(
                (r) => r.type === "kubernetes:apps/v1:Deployment" && r.inputs.metadata.name === "basic-0000aaaa",
            );
            const env = Object.fromEntries(
                live!.inputs.spec.template.spec.containers[0].env.map((e: { name: string; value: string }) => [
                    e.name,
                    e.value,
                ]),
            );
            assert.equal(
                env.CHAINCODE_ID,
                package1.packageId,
                "the live server registers as the package the peers run",
            );
            const approval = mocks.resources.find((r) => r.name === "library-lifecycle-approval");
            assert.equal(approval?.inputs.plannedSequence, 2, "the approval carries the planned sequence");
            assert.match(await promiseOf(chaincode.releaseSummary), /starts beside release 0000aaaa/);
            assert.equal(await height(), before, "the read sent a transaction");
        });

        it("retires the live release in the same update when it approves for every other required org itself (otherOrgs) and commits", async () => {
            // 1.3 is approved by nobody; this stack approves for Org1 and Org2, then commits.
            assert.deepEqual(
                (await declare("both-orgs", "1.3", { otherOrgs: [org2] })).servers.map(
                    (server) => server.split(" ")[0],
                ),
                ["declared"],
            );
            assert.deepEqual(
                (await declare("approve-only", "1.3", { commit: false })).servers.map((server) => server.split(" ")[0]),
                ["declared", "live"],
            );
        });
    });

    it("a peer that cannot be reached is named with the cause", async () => {
        await assert.rejects(
            lookupLiveRelease(
                query({ peer: { ...clientEndpoint(org1.peers[0], org1), address: "127.0.0.1:1" }, timeoutSeconds: 3 }),
            ),
            (err: Error) => /127\.0\.0\.1:1/.test(err.message),
        );
    });
});
