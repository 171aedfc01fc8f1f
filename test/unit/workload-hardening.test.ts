/*
 * The workload around the pod (mocks): restricted Pod Security on the
 * namespace the stack owns, a token-less ServiceAccount, a disruption budget
 * and spread with replicas, a pull policy that follows the image reference,
 * a NetworkPolicy with no egress that admits only the peers' namespaces, an
 * internal load balancer for peers outside the cluster, and a running server
 * that a library upgrade does not restart.
 */
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { installMocks, promiseOf, registrationsSettled, type RecordedResource } from "./support/pulumiMocks";

const mocks = installMocks();
import { ExternalChaincode, type ExternalChaincodeArgs } from "../../components/chaincode/external-chaincode";
import { peerNamespacesOf } from "../../components/kubernetes/peer-access";
import { testPki } from "../support/pki";

const DIGEST = `sha256:${"1f".repeat(32)}`;

async function declare(name: string, args: Partial<ExternalChaincodeArgs> = {}) {
    const cc = new ExternalChaincode(name, {
        chaincodeName: "basic",
        namespace: name,
        image: "registry.example.com/basic:1.0",
        ...args,
    });
    await promiseOf(cc.packageId);
    await registrationsSettled();
    const resources = mocks.resources.filter((r) => r.name === name || r.name.startsWith(`${name}-`));
    const ofType = (type: string) => resources.filter((r) => r.type === type);
    return { cc, resources, ofType, one: (type: string) => single(ofType(type), type) };
}

function single(found: RecordedResource[], type: string): RecordedResource {
    assert.equal(found.length, 1, `one ${type}: ${found.map((r) => r.name)}`);
    return found[0];
}

const NAMESPACE = "kubernetes:core/v1:Namespace";
const DEPLOYMENT = "kubernetes:apps/v1:Deployment";
const ACCOUNT = "kubernetes:core/v1:ServiceAccount";
const BUDGET = "kubernetes:policy/v1:PodDisruptionBudget";
const POLICY = "kubernetes:networking.k8s.io/v1:NetworkPolicy";
const SERVICE = "kubernetes:core/v1:Service";

describe("the workload around the chaincode pod (mocks)", () => {
    it("labels the namespace it creates for restricted Pod Security, and leaves a namespace it does not own alone", async () => {
        const owned = await declare("psa-owned");
        const labels = owned.one(NAMESPACE).inputs.metadata.labels;
        for (const mode of ["enforce", "audit", "warn"])
            assert.equal(labels[`pod-security.kubernetes.io/${mode}`], "restricted", mode);
        const foreign = await declare("psa-foreign", { createNamespace: false });
        assert.equal(foreign.ofType(NAMESPACE).length, 0);
    });

    it("runs the server under its own ServiceAccount, which carries no API token", async () => {
        const { one } = await declare("account");
        const account = one(ACCOUNT).inputs;
        assert.equal(account.automountServiceAccountToken, false);
        const pod = one(DEPLOYMENT).inputs.spec.template.spec;
        assert.equal(pod.serviceAccountName, account.metadata.name);
        assert.equal(pod.automountServiceAccountToken, false);
    });

    it("adds a PodDisruptionBudget only with more than one replica, and spreads replicas over zones and nodes", async () => {
        assert.equal((await declare("single")).ofType(BUDGET).length, 0);
        const { one } = await declare("spread", { replicas: 3 });
        const deployment = one(DEPLOYMENT).inputs;
        const budget = one(BUDGET).inputs;
        assert.equal(budget.spec.maxUnavailable, 1);
        assert.deepEqual(budget.spec.selector.matchLabels, deployment.spec.selector.matchLabels);
        const spread = deployment.spec.template.spec.topologySpreadConstraints;
        assert.deepEqual(
            spread.map((c: any) => c.topologyKey),
            ["topology.kubernetes.io/zone", "kubernetes.io/hostname"],
        );
        for (const constraint of spread) {
            assert.equal(constraint.whenUnsatisfiable, "ScheduleAnyway", "a one-zone cluster still schedules");
            assert.deepEqual(constraint.labelSelector.matchLabels, deployment.spec.selector.matchLabels);
        }
    });

    it("pulls an image named by digest if not present, and one named by tag on every start", async () => {
        const container = async (name: string, args: Partial<ExternalChaincodeArgs>) =>
            (await declare(name, args)).one(DEPLOYMENT).inputs.spec.template.spec.containers[0];
        const pinned = await container("pull-digest", { imageDigest: DIGEST });
        assert.equal(pinned.image, `registry.example.com/basic:1.0@${DIGEST}`);
        assert.equal(pinned.imagePullPolicy, "IfNotPresent");
        assert.equal((await container("pull-tag", {})).imagePullPolicy, "Always");
        assert.equal(
            (await container("pull-in-reference", { image: `registry.example.com/basic@${DIGEST}` })).imagePullPolicy,
            "IfNotPresent",
        );
    });

    it("lets the server dial nothing and admits by default only peer pods of its own namespace and of the peers' in-cluster endpoints", async () => {
        const pki = testPki();
        const org = {
            mspId: "Org1MSP",
            peers: [
                { endpoint: "peer0-org1.hlf-peers.svc.cluster.local:7051" },
                { endpoint: "peer1.org1.example.com:7051" },
            ],
            peerTlsCaPem: pki.caCertPem,
            adminCertPem: pki.clientCertPem,
            adminKeyPem: pki.clientKeyPem,
        };
        const { one } = await declare("policy-default", {
            lifecycle: { channel: "mychannel", org, commit: false },
            channelPlan: {},
        });
        const spec = one(POLICY).inputs.spec;
        assert.deepEqual(spec.policyTypes, ["Ingress", "Egress"]);
        assert.deepEqual(spec.egress, []);
        const from = spec.ingress[0].from[0];
        assert.deepEqual(from.podSelector.matchLabels, { "app.kubernetes.io/component": "peer" });
        assert.deepEqual(from.namespaceSelector, {
            matchExpressions: [
                { key: "kubernetes.io/metadata.name", operator: "In", values: ["hlf-peers", "policy-default"] },
            ],
        });
        assert.deepEqual(spec.ingress[0].ports, [{ protocol: "TCP", port: 9999 }]);
    });

    it("admits the namespaces the user selects instead, any namespace with an empty selector, and peer CIDRs", async () => {
        const labelled = (
            await declare("policy-labels", {
                peerAccess: {
                    peerNamespaceSelector: ["app.kubernetes.io/part-of=hlf-operator"],
                    peerCidrs: ["10.20.0.0/24"],
                },
            })
        ).one(POLICY);
        assert.deepEqual(labelled.inputs.spec.ingress[0].from, [
            {
                podSelector: { matchLabels: { "app.kubernetes.io/component": "peer" } },
                namespaceSelector: { matchLabels: { "app.kubernetes.io/part-of": "hlf-operator" } },
            },
            { ipBlock: { cidr: "10.20.0.0/24" } },
        ]);
        const any = (await declare("policy-any", { peerAccess: { peerNamespaceSelector: [] } })).one(POLICY);
        assert.deepEqual(any.inputs.spec.ingress[0].from[0].namespaceSelector, { matchLabels: {} });
    });

    it("reads a peer's namespace only from the cluster's service names", () => {
        assert.deepEqual(
            peerNamespacesOf([
                "peer0.hlf.svc:7051",
                "peer1.org-b.svc.cluster.local:7051",
                "peer0.org1.example.com:7051",
                "127.0.0.1:7051",
                "peer0.hlf.svc.cluster.local:7051",
            ]),
            ["hlf", "org-b"],
        );
    });

    it("serves peers outside the cluster through an Azure internal load balancer at the address the package names", async () => {
        const address = "basic-{release}.chaincode.example.internal:7052";
        const { cc, one, resources } = await declare("ilb", {
            serviceType: "InternalLoadBalancer",
            loadBalancerSubnet: "chaincode-subnet",
            address,
            port: 7052,
        });
        const service = one(SERVICE).inputs;
        const host = `basic-${cc.releaseKey}.chaincode.example.internal`;
        assert.equal(service.spec.type, "LoadBalancer");
        assert.equal(
            service.spec.externalTrafficPolicy,
            "Local",
            "the peers' source addresses reach the NetworkPolicy",
        );
        assert.deepEqual(service.metadata.annotations, {
            "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
            "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": "chaincode-subnet",
            "external-dns.alpha.kubernetes.io/hostname": host,
        });
        assert.equal(cc.address, `${host}:7052`);
        const csr = resources.find((r) => r.name.endsWith("-tls-server-csr"))!;
        assert.ok(csr.inputs.dnsNames.includes(host), `the server certificate names ${host}: ${csr.inputs.dnsNames}`);
    });

    it("refuses an internal load balancer without an address peers outside the cluster can dial, and a subnet without one", async () => {
        assert.throws(
            () =>
                new ExternalChaincode("ilb-no-address", {
                    chaincodeName: "basic",
                    image: "registry.example.com/basic:1.0",
                    serviceType: "InternalLoadBalancer",
                }),
            /invalid address: \(not set\); expected the host:port peers outside the cluster dial, with \{release\} in the host/,
        );
        assert.throws(
            () =>
                new ExternalChaincode("subnet-no-ilb", {
                    chaincodeName: "basic",
                    image: "registry.example.com/basic:1.0",
                    loadBalancerSubnet: "chaincode-subnet",
                }),
            /invalid loadBalancerSubnet: "chaincode-subnet"; expected to be set only with serviceType: InternalLoadBalancer/,
        );
        assert.throws(
            () =>
                new ExternalChaincode("bad-type", {
                    chaincodeName: "basic",
                    image: "registry.example.com/basic:1.0",
                    serviceType: "NodePort" as never,
                }),
            /invalid serviceType: "NodePort"; expected one of ClusterIP, InternalLoadBalancer/,
        );
    });

    it("holds what a library upgrade adds on the server the channel runs, so the upgrade restarts nothing; a new release gets it all", async () => {
        const first = await declare("held-probe");
        const live = {
            packageId: await promiseOf(first.cc.packageId),
            address: first.cc.address,
            sequence: 1,
            replacedInThisUpdate: false,
        };
        const running = await declare("upgraded", {
            namespace: "held-probe",
            createNamespace: false,
            channelPlan: { liveRelease: live },
        });
        assert.equal(running.cc.releaseKey, first.cc.releaseKey, "the same release");
        assert.deepEqual(running.one(DEPLOYMENT).ignoreChanges, [
            "spec.template.spec.serviceAccountName",
            "spec.template.spec.topologySpreadConstraints",
            "spec.template.spec.containers[0].imagePullPolicy",
        ]);
        assert.deepEqual(
            running.one(POLICY).ignoreChanges,
            ["spec.policyTypes", "spec.egress", "spec.ingress"],
            "the default peers too",
        );
        const chosen = await declare("chosen", {
            namespace: "held-probe",
            createNamespace: false,
            channelPlan: { liveRelease: live },
            peerAccess: { peerNamespaceSelector: ["team=fabric"] },
        });
        assert.deepEqual(
            chosen.one(POLICY).ignoreChanges,
            ["spec.policyTypes", "spec.egress"],
            "peers the user chose reach the running server",
        );
        for (const resource of first.resources)
            assert.deepEqual(resource.ignoreChanges, [], `${resource.name}: nothing held on a new release`);
    });
});
