import { generateKeyPairSync } from "node:crypto";
import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CONFIG_KEYS, readSettings } from "../../config/settings";
import { describeValue, InvalidSettingError } from "../../components/validation/errors";
import { testPki } from "../support/pki";
import { BASE_STACK, orgStack } from "./support/stacks";

/*
 * Every bad input a user can write in Pulumi.<stack>.yaml, each refused by
 * readSettings (before anything is read from Fabric or declared) with the key
 * as written, the value as shown and what is accepted. The figure of
 * "distinct bad inputs" in docs/configuration.md and the README is the length of BAD_INPUTS.
 */

const pki = testPki();
const base = BASE_STACK;
const org = orgStack();
const ADMIN_GROUP = "0b8d9c52-1f3e-4a6b-9d2c-7e5f4a3b2c1d";
const aks = {
    ...base,
    aksCreate: "true",
    aksLocation: "westeurope",
    aksAdminGroupObjectIds: JSON.stringify([ADMIN_GROUP]),
};
const build = { imageBuild: "true", imageRegistry: "fabricccaas", imageBuildContext: "chaincode/asset-transfer-basic" };
const kubeconfig = (contexts: string[]) =>
    JSON.stringify({
        apiVersion: "v1",
        clusters: [{ name: "c", cluster: { server: "https://127.0.0.1:6443" } }],
        users: [{ name: "u", user: { token: "t0k3n" } }],
        contexts: contexts.map((name) => ({ name, context: { cluster: "c", user: "u" } })),
        "current-context": contexts[0],
    });
/** A second org this stack acts for (otherOrgs), with one field overridden. */
const other = (fields: Record<string, unknown>) =>
    JSON.stringify([
        {
            mspId: "Org2MSP",
            peers: [{ endpoint: "peer0.org2.example.com:9051" }],
            peerTlsCaPem: pki.caCertPem,
            adminCertPem: pki.clientCertPem,
            adminKeyPem: pki.clientKeyPem,
            ...fields,
        },
    ]);
const peer = (fields: Record<string, unknown>) =>
    JSON.stringify([{ endpoint: "peer0.org2.example.com:9051", mspId: "Org2MSP", ...fields }]);

interface BadInput {
    /** Settings on top of a valid stack. */
    readonly config: Record<string, string>;
    readonly key: string;
    /** The value as the message shows it. */
    readonly shown: string;
    /** Part of what the message says is accepted. */
    readonly accepted: string;
}

const bad = (config: Record<string, string>, key: string, shown: string, accepted: string): BadInput => ({
    config,
    key,
    shown,
    accepted,
});
const HIDDEN = "(a secret, not shown)";
const KEY = "(a private key, not shown)";
/** A key type Fabric MSPs do not verify. */
const RSA_KEY = generateKeyPairSync("rsa", { modulusLength: 2048 })
    .privateKey.export({ type: "pkcs8", format: "pem" })
    .toString();

/** Files that some rows name: a collections file with a misspelled field, an index folder without an index. */
const FILES = mkdtempSync(join(tmpdir(), "bad-input-"));
const MISSPELLED_COLLECTION = join(FILES, "collections_config.json");
writeFileSync(
    MISSPELLED_COLLECTION,
    JSON.stringify([{ name: "c1", policy: "OR('Org1MSP.member')", maxPeerCount: 1, memberOnlyWirte: true }]),
);
const NO_INDEXES = join(FILES, "indexes");
mkdirSync(join(NO_INDEXES, "looks-like.json"), { recursive: true });
process.on("exit", () => rmSync(FILES, { recursive: true, force: true }));

export const BAD_INPUTS: readonly BadInput[] = [
    // The chaincode and its package
    bad({ ...base, chaincodeName: "my cc" }, "chaincodeName", '"my cc"', "a chaincode name"),
    bad({ ...base, chaincodeName: "-cc" }, "chaincodeName", '"-cc"', "a chaincode name"),
    bad({ ...base, chaincodeVersion: "1 0" }, "chaincodeVersion", '"1 0"', "a chaincode version"),
    bad({ ...base, label: "_basic" }, "label", '"_basic"', "a package label"),
    bad({ ...base, packageType: "docker" }, "packageType", '"docker"', "one of ccaas, external"),
    bad(
        { ...base, couchDbIndexDir: "no/such/dir" },
        "couchDbIndexDir",
        '"no/such/dir"',
        "a directory of CouchDB index .json files",
    ),
    bad({ ...base, address: "basic.hlf:9999" }, "address", '"basic.hlf:9999"', "with {release} in the host"),
    bad({ ...base, address: "basic-{release}.hlf" }, "address", "*", "host:port"),
    bad({ ...base, dialTimeout: "10" }, "dialTimeout", '"10"', "a positive Go duration"),
    bad({ ...base, dialTimeout: "-5s" }, "dialTimeout", '"-5s"', "a positive Go duration"),
    // Kubernetes
    bad({ ...base, namespace: "HLF" }, "namespace", '"HLF"', "a DNS label"),
    bad({ ...base, createNamespace: "yes" }, "createNamespace", '"yes"', "true or false"),
    bad({ ...base, namespace: "kube-system" }, "namespace", '"kube-system"', "a namespace of the chaincode's own"),
    bad({ ...base, serviceName: "Basic_CC" }, "serviceName", '"Basic_CC"', "a Service name"),
    bad({ ...base, serviceName: "1basic" }, "serviceName", '"1basic"', "a Service name: 1-63 lower-case letters"),
    bad({ ...base, serviceName: "a".repeat(60) }, "serviceName", "*", "at most"),
    // Without a serviceName the Service is named after the chaincode: the refusal names chaincodeName.
    bad({ ...base, chaincodeName: "1basic" }, "chaincodeName", '"1basic"', "a name whose Service name (1basic"),
    bad({ ...base, chaincodeName: "a".repeat(60) }, "chaincodeName", "*", "at most"),
    bad({ ...base, port: "99a" }, "port", '"99a"', "a whole number"),
    bad({ ...base, port: "70000" }, "port", "70000", "a whole number from 1 to 65535"),
    bad({ image: "Registry/Basic:1" }, "image", '"Registry/Basic:1"', "a container image reference"),
    bad({}, "image", "(not set)", "the chaincode server's container image"),
    bad({ ...base, imageDigest: "sha256:abc" }, "imageDigest", '"sha256:abc"', "an image digest"),
    bad({ ...base, replicas: "101" }, "replicas", "101", "a whole number from 0 to 100"),
    bad({ ...base, replicas: "1.5" }, "replicas", '"1.5"', "a whole number"),
    bad({ ...base, cpuRequest: "lots" }, "cpuRequest", '"lots"', "a Kubernetes quantity"),
    bad({ ...base, memoryRequest: "128MB" }, "memoryRequest", '"128MB"', "a Kubernetes quantity"),
    bad({ ...base, cpuLimit: "1 core" }, "cpuLimit", '"1 core"', "a Kubernetes quantity"),
    bad({ ...base, memoryLimit: "-1Gi" }, "memoryLimit", '"-1Gi"', "a Kubernetes quantity"),
    bad({ ...base, cpuRequest: "2", cpuLimit: "1500m" }, "cpuRequest", '"2"', "at most cpuLimit (1500m)"),
    bad(
        { ...base, memoryRequest: "1Gi", memoryLimit: "512Mi" },
        "memoryRequest",
        '"1Gi"',
        "at most memoryLimit (512Mi)",
    ),
    bad(
        { ...org, replicas: "0" },
        "replicas",
        "0",
        "at least 1 while the smoke check runs (a server must answer it); smokeCheck: false",
    ),
    bad({ ...base, runAsUser: "0" }, "runAsUser", "0", "a whole number from 1"),
    bad({ ...base, env: '["NOVALUE"]' }, "env[0]", '"NOVALUE"', "NAME=value"),
    bad({ ...base, env: '["1A=b"]' }, "env", '"1A"', "variable names"),
    bad({ ...base, env: '"LOG=debug"' }, "env", "*", "a list of strings"),
    bad(
        { ...base, env: '["CHAINCODE_ID=basic_1.0:abc"]' },
        "env",
        '"CHAINCODE_ID"',
        "a variable the Deployment does not set itself",
    ),
    bad({ ...base, imagePullSecrets: '["ACR Pull"]' }, "imagePullSecrets[0]", '"ACR Pull"', "a Kubernetes object name"),
    bad({ ...base, imagePullSecrets: "[7]" }, "imagePullSecrets[0]", "7", "a string"),
    bad({ ...base, networkPolicy: "maybe" }, "networkPolicy", '"maybe"', "true or false"),
    bad({ ...base, peerPodSelector: '["no-equals"]' }, "peerPodSelector", '"no-equals"', "label terms"),
    bad({ ...base, peerNamespaceSelector: '["=x"]' }, "peerNamespaceSelector", '"=x"', "label terms"),
    bad({ ...base, peerCidrs: '["10.0.0.0/33"]' }, "peerCidrs", '"10.0.0.0/33"', "a CIDR block"),
    bad({ ...base, kubeconfig: "not a kubeconfig" }, "kubeconfig", HIDDEN, "the contents of a kubeconfig"),
    bad({ ...base, kubeconfig: '{"apiVersion": "v1", "clusters": []}' }, "kubeconfig", HIDDEN, "it has no clusters"),
    bad(
        { ...base, kubeconfig: kubeconfig(["dev"]), kubeContext: "prod" },
        "kubeContext",
        '"prod"',
        "a context of the kubeconfig: dev",
    ),
    bad({ ...base, clusterIdentifier: "my cluster" }, "clusterIdentifier", '"my cluster"', "a stable cluster name"),
    // TLS
    bad({ ...base, tls: "yes" }, "tls", '"yes"', "true or false"),
    bad({ ...base, clientAuth: "1" }, "clientAuth", '"1"', "true or false"),
    bad({ ...base, tlsAlgorithm: "DSA" }, "tlsAlgorithm", '"DSA"', "one of ECDSA, RSA"),
    bad({ ...base, tlsCaValidityHours: "0" }, "tlsCaValidityHours", "0", "a whole number from 1 to 876000"),
    bad({ ...base, tlsValidityHours: "100000" }, "tlsValidityHours", "100000", "at most tlsCaValidityHours"),
    bad({ ...base, tlsEarlyRenewalHours: "9000" }, "tlsEarlyRenewalHours", "9000", "a whole number from 0 to 8759"),
    bad({ ...base, tlsClientValidityHours: "-5" }, "tlsClientValidityHours", "-5", "a whole number from 1"),
    bad({ ...base, tlsClientGeneration: "0" }, "tlsClientGeneration", "0", "a whole number from 1 to 1000000"),
    bad({ ...base, tlsExtraSans: '["cc.example.com","bad host"]' }, "tlsExtraSans[1]", '"bad host"', "a DNS name"),
    bad({ ...base, tlsExtraSans: "a.example.com" }, "tlsExtraSans", '"a.example.com"', "a list of strings"),
    bad({ ...base, tlsExtraSans: "[5]" }, "tlsExtraSans[0]", "5", "a string"),
    // AKS
    bad({ ...base, aksCreate: "yes" }, "aksCreate", '"yes"', "true or false"),
    bad({ ...aks, aksLocation: "West Europe" }, "aksLocation", '"West Europe"', "an Azure region name"),
    bad({ ...base, aksCreate: "true" }, "aksLocation", "(not set)", "an Azure region such as 'westeurope'"),
    bad({ ...aks, aksResourceGroup: "rg with space!" }, "aksResourceGroup", '"rg with space!"', "1-90 letters"),
    bad(
        { ...aks, aksKubernetesVersion: "latest" },
        "aksKubernetesVersion",
        '"latest"',
        "a Kubernetes version AKS offers",
    ),
    bad({ ...aks, aksNodeCount: "0" }, "aksNodeCount", "0", "a whole number from 1 to 100"),
    bad({ ...aks, aksVmSize: "Standard D2" }, "aksVmSize", '"Standard D2"', "an Azure VM size"),
    bad({ ...aks, aksNetworkPolicy: "weave" }, "aksNetworkPolicy", '"weave"', "one of azure, calico, cilium, none"),
    bad(
        { ...base, aksCreate: "true", aksLocation: "westeurope" },
        "aksAdminGroupObjectIds",
        "(not set)",
        "the object IDs of the Entra ID groups whose members administer the cluster",
    ),
    bad(
        { ...aks, aksAdminGroupObjectIds: JSON.stringify(["admins"]) },
        "aksAdminGroupObjectIds[0]",
        '"admins"',
        "the object ID of an Entra ID group, a GUID",
    ),
    bad({ ...aks, aksLogin: "devicecode" }, "aksLogin", '"devicecode"', "one of azurecli, workloadidentity, spn, msi"),
    bad(
        { ...aks, aksAdminGroupObjectIds: "[]", aksDisableLocalAccounts: "false", aksLogin: "azurecli" },
        "aksLogin",
        '"azurecli"',
        "to be set only with aksAdminGroupObjectIds",
    ),
    bad(
        { ...aks, aksAuthorizedIpRanges: JSON.stringify(["203.0.113.0/33"]) },
        "aksAuthorizedIpRanges[0]",
        '"203.0.113.0/33"',
        "a CIDR block",
    ),
    bad(
        { ...aks, aksAuthorizedIpRanges: JSON.stringify(["203.0.113.0/24"]), aksPrivateCluster: "true" },
        "aksAuthorizedIpRanges",
        '["203.0.113.0/24"]',
        "to be set only without aksPrivateCluster",
    ),
    bad(
        { ...aks, aksRegistryName: "acr" },
        "aksRegistryName",
        '"acr"',
        "a new Azure Container Registry name: 5-50 letters or digits",
    ),
    bad(
        { ...aks, aksRegistryId: "fabricccaas" },
        "aksRegistryId",
        '"fabricccaas"',
        "the resource ID of an Azure Container Registry",
    ),
    bad(
        { ...aks, aksRegistryName: "fabricccaas", aksRegistryId: "/subscriptions/x" },
        "aksRegistryId",
        '"/subscriptions/x"',
        "to be set only without aksRegistryName",
    ),
    bad(
        { ...base, aksRegistryName: "fabricccaas" },
        "aksRegistryName",
        '"fabricccaas"',
        "to be set only together with aksCreate: true",
    ),
    bad({ ...base, serviceType: "NodePort" }, "serviceType", '"NodePort"', "one of ClusterIP, InternalLoadBalancer"),
    bad(
        { ...base, serviceType: "InternalLoadBalancer" },
        "address",
        "(not set)",
        "the host:port peers outside the cluster dial",
    ),
    bad(
        { ...base, loadBalancerSubnet: "chaincode" },
        "loadBalancerSubnet",
        '"chaincode"',
        "to be set only with serviceType: InternalLoadBalancer",
    ),
    bad(
        { ...base, aksLocation: "westeurope" },
        "aksLocation",
        '"westeurope"',
        "to be set only together with aksCreate: true",
    ),
    // Image build
    bad({ ...base, imageBuild: "on" }, "imageBuild", '"on"', "true or false"),
    bad({ ...build, imageBuildTool: "podman" }, "imageBuildTool", '"podman"', "one of az-acr, docker"),
    bad(
        { ...build, imageBuildContext: "no/such/dir" },
        "imageBuildContext",
        '"no/such/dir"',
        "a folder that holds a Dockerfile",
    ),
    bad({ ...build, imageRegistry: "a b" }, "imageRegistry", '"a b"', "an Azure Container Registry name"),
    bad({ ...build, imageRepository: "Basic" }, "imageRepository", '"Basic"', "a lower-case repository path"),
    bad({ ...build, ...base }, "image", '"registry.example.com/basic:1.0"', "no image when imageBuild is true"),
    bad({ ...base, imageRegistry: "acr" }, "imageRegistry", '"acr"', "to be set only together with imageBuild: true"),
    // Settings that contradict another
    bad({ ...aks, kubeconfig: kubeconfig(["dev"]) }, "kubeconfig", HIDDEN, "to be set only with an existing cluster"),
    bad({ ...aks, kubeContext: "dev" }, "kubeContext", '"dev"', "to be set only with an existing cluster"),
    bad(
        { ...aks, clusterIdentifier: "prod" },
        "clusterIdentifier",
        '"prod"',
        "to be set only with an existing cluster",
    ),
    bad(
        { ...base, tls: "false", tlsExtraSans: '["cc.example.com"]' },
        "tlsExtraSans",
        '["cc.example.com"]',
        "to be set only with tls: true",
    ),
    bad({ ...base, tls: "false", tlsAlgorithm: "RSA" }, "tlsAlgorithm", '"RSA"', "to be set only with tls: true"),
    bad(
        { ...base, clientAuth: "false", tlsClientGeneration: "2" },
        "tlsClientGeneration",
        "2",
        "to be set only with clientAuth: true",
    ),
    bad(
        { ...base, networkPolicy: "false", peerPodSelector: '["app=peer"]' },
        "peerPodSelector",
        '["app=peer"]',
        "to be set only with networkPolicy: true",
    ),
    bad(
        { ...base, networkPolicy: "false", peerCidrs: '["10.0.0.0/8"]' },
        "peerCidrs",
        '["10.0.0.0/8"]',
        "to be set only with networkPolicy: true",
    ),
    bad(
        { ...build, imageDigest: `sha256:${"a".repeat(64)}` },
        "imageDigest",
        "*",
        "to be set only with an image you give",
    ),
    bad(
        { ...org, smokeCheck: "false", smokeFunction: "ReadAsset" },
        "smokeFunction",
        '"ReadAsset"',
        "to be set only with smokeCheck: true",
    ),
    bad({ ...org, commit: "false", commitPeers: peer({}) }, "commitPeers", "*", "to be set only with commit: true"),
    // The Fabric lifecycle
    bad({ ...org, channel: "MyChannel" }, "channel", '"MyChannel"', "a channel name"),
    bad({ ...org, mspId: "Org_1MSP" }, "mspId", '"Org_1MSP"', "an MSP ID of letters, digits, '.' and '-'"),
    bad({ ...base, mspId: "Org1MSP" }, "mspId", '"Org1MSP"', "to be set only together with channel"),
    bad({ ...base, smokeWaitSeconds: "30" }, "smokeWaitSeconds", "30", "to be set only together with channel"),
    bad({ ...org, peers: "[]" }, "peers", "[]", "a list of the org's peers"),
    bad({ ...org, peers: '[{"endpoint": "peer0"}]' }, "peers[0].endpoint", '"peer0"', "host:port"),
    bad({ ...org, peers: '[{"endpoint": 7051}]' }, "peers[0].endpoint", "7051", "a string"),
    bad({ ...org, peers: '[{"endpoint": "p:7051", "tls": "x"}]' }, "peers[0].tls", '"x"', "no such field"),
    bad(
        { ...org, peers: '[{"endpoint": "p:7051", "hostOverride": "bad host"}]' },
        "peers[0].hostOverride",
        '"bad host"',
        "a DNS name",
    ),
    bad({ ...org, peers: '[{"endpoint": "p:7051", "tlsCaPem": "not pem"}]' }, "peers[0].tlsCaPem", '"not pem"', "PEM"),
    bad({ ...org, peerTlsCaPem: "not pem" }, "peerTlsCaPem", '"not pem"', "PEM"),
    bad({ ...org, adminCertPem: "CERT" }, "adminCertPem", '"CERT"', "PEM"),
    bad(
        { ...org, adminCertPem: pki.expiredCertPem, adminKeyPem: pki.expiredKeyPem },
        "adminCertPem",
        "(certificate CN=expired-admin, expired 2020-01-02T00:00:00.000Z)",
        "expired on 2020-01-02T00:00:00.000Z; renew it",
    ),
    bad(
        { ...org, peerTlsCaPem: pki.expiredCertPem },
        "peerTlsCaPem",
        "(certificate CN=expired-admin, expired 2020-01-02T00:00:00.000Z)",
        "a certificate valid now",
    ),
    bad({ ...org, adminKeyPem: pki.unrelatedKeyPem }, "adminKeyPem", KEY, "the private key of the certificate"),
    bad(
        { ...org, adminKeyPem: RSA_KEY },
        "adminKeyPem",
        KEY,
        "an ECDSA P-256 or P-384 private key, or an Ed25519 one (Fabric 3.0 or later)",
    ),
    bad(
        { ...org, clientTlsCertPem: pki.clientCertPem },
        "clientTlsKeyPem",
        "(not set)",
        "clientTlsCertPem and the secret clientTlsKeyPem together",
    ),
    bad(
        { ...org, clientTlsCertPem: pki.clientCertPem, clientTlsKeyPem: pki.unrelatedKeyPem },
        "clientTlsKeyPem",
        KEY,
        "the private key of the certificate",
    ),
    bad({ ...org, orderer: '{"endpoint": "orderer", "tlsCaPem": "x"}' }, "orderer.endpoint", '"orderer"', "host:port"),
    bad({ ...org, orderer: '{"endpoint": "o:7050"}' }, "orderer.tlsCaPem", "(not set)", "a string"),
    bad(
        { ...org, orderer: JSON.stringify({ endpoint: "o:7050", tlsCaPem: pki.caCertPem, hostOverride: "bad host" }) },
        "orderer.hostOverride",
        '"bad host"',
        "a DNS name",
    ),
    bad(
        { ...org, orderers: '[{"endpoint": "orderer", "tlsCaPem": "x"}]' },
        "orderers[0].endpoint",
        '"orderer"',
        "host:port",
    ),
    bad(
        {
            ...org,
            orderers: JSON.stringify([{ endpoint: "o0:7050", tlsCaPem: pki.caCertPem }, { endpoint: "o1:7050" }]),
        },
        "orderers[1].tlsCaPem",
        "(not set)",
        "a string",
    ),
    bad(
        { ...org, orderers: JSON.stringify([{ endpoint: "o:7050", tlsCaPem: "not pem" }]) },
        "orderers[0].tlsCaPem",
        '"not pem"',
        "PEM",
    ),
    bad({ ...org, orderers: "[]" }, "orderers", "[]", "a list of at least one orderer"),
    bad(
        {
            ...org,
            orderer: JSON.stringify({ endpoint: "o:7050", tlsCaPem: pki.caCertPem }),
            orderers: JSON.stringify([{ endpoint: "o:7050", tlsCaPem: pki.caCertPem }]),
        },
        "orderers",
        '"(1 orderers)"',
        "either orderer or orderers, not both",
    ),
    bad({ ...org, endorsementPolicy: "OR(Org1MSP.member)" }, "endorsementPolicy", "*", "quoted"),
    bad({ ...org, sequence: "latest" }, "sequence", '"latest"', '"auto" or a whole number from 1'),
    bad({ ...org, sequence: "0" }, "sequence", '"0"', '"auto" or a whole number from 1'),
    bad({ ...org, initRequired: "no" }, "initRequired", '"no"', "true or false"),
    bad({ ...org, commit: "maybe" }, "commit", '"maybe"', "true or false"),
    bad(
        { ...org, collectionsFile: "no/such/collections.json" },
        "collectionsFile",
        '"no/such/collections.json"',
        "a readable collections_config.json file",
    ),
    bad({ ...org, commitPeers: peer({ endpoint: "p" }) }, "commitPeers[0].endpoint", '"p"', "host:port"),
    bad({ ...org, commitPeers: peer({ mspId: "Org 2" }) }, "commitPeers[0].mspId", '"Org 2"', "an MSP ID"),
    bad(
        { ...org, commitPeers: peer({ mspId: "Org1MSP" }) },
        "commitPeers[0].mspId",
        '"Org1MSP"',
        "a peer of another org",
    ),
    bad(
        { ...org, commitPeers: peer({ hostOverride: "bad host" }) },
        "commitPeers[0].hostOverride",
        '"bad host"',
        "a DNS name",
    ),
    bad(
        { ...org, commitPeers: JSON.stringify([{ endpoint: "p:9051" }]) },
        "commitPeers[0].mspId",
        "(not set)",
        "a string",
    ),
    bad({ ...org, otherOrgs: "not a list" }, "otherOrgs", HIDDEN, "a structured value"),
    bad(
        { ...org, otherOrgs: '{"mspId": "Org2MSP"}' },
        "otherOrgs",
        HIDDEN,
        "a list of objects with fields mspId, peers, adminCertPem, adminKeyPem",
    ),
    bad({ ...org, otherOrgs: other({ mspId: "Org 2" }) }, "otherOrgs[0].mspId", '"Org 2"', "an MSP ID"),
    bad(
        { ...org, otherOrgs: other({ mspId: "Org1MSP" }) },
        "otherOrgs[0].mspId",
        '"Org1MSP"',
        "an org not listed before",
    ),
    bad({ ...org, otherOrgs: other({ peers: [] }) }, "otherOrgs[0].peers", "[]", "at least one peer"),
    bad(
        { ...org, otherOrgs: other({ peers: [{ endpoint: "peer0" }] }) },
        "otherOrgs[0].peers[0].endpoint",
        '"peer0"',
        "host:port",
    ),
    bad(
        { ...org, otherOrgs: other({ peers: [{ endpoint: "p:1", tls: true }] }) },
        "otherOrgs[0].peers[0].tls",
        HIDDEN,
        "no such field",
    ),
    bad(
        { ...org, otherOrgs: other({ adminKeyPem: pki.unrelatedKeyPem }) },
        "otherOrgs[0].adminKeyPem",
        KEY,
        "the private key of the certificate",
    ),
    bad({ ...org, otherOrgs: other({ adminKeyPem: 7 }) }, "otherOrgs[0].adminKeyPem", HIDDEN, "a string"),
    // A misspelled field of the secret otherOrgs may hold a secret: named, its value not shown.
    bad({ ...org, otherOrgs: other({ adminHsmPim: "492817" }) }, "otherOrgs[0].adminHsmPim", HIDDEN, "no such field"),
    bad({ ...org, otherOrgs: other({ peerTlsCaPem: "not pem" }) }, "otherOrgs[0].peerTlsCaPem", '"not pem"', "PEM"),
    bad(
        { ...org, otherOrgs: other({ clientTlsCertPem: pki.clientCertPem }) },
        "otherOrgs[0].clientTlsKeyPem",
        "(not set)",
        "together, or neither",
    ),
    bad(
        { ...org, otherOrgs: other({}), commitPeers: peer({}) },
        "commitPeers[0].mspId",
        '"Org2MSP"',
        "a peer of another org",
    ),
    bad({ ...base, otherOrgs: other({}) }, "otherOrgs", HIDDEN, "only together with channel"),
    // Several chaincodes
    bad({ ...base, chaincodes: '{"chaincodeName": "a"}' }, "chaincodes", "*", "a list of chaincodes"),
    bad({ ...base, chaincodes: "[]" }, "chaincodes", "[]", "a list of chaincodes"),
    bad({ ...base, chaincodes: '[{"chaincodeName": "a"}, "b"]' }, "chaincodes[1]", '"b"', "a list of chaincodes"),
    bad(
        { ...base, chaincodes: '[{"chaincodeVersion": "2"}]' },
        "chaincodes[0].chaincodeName",
        "(not set)",
        "each item names its own",
    ),
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a", "mspId": "Org1MSP"}]' },
        "chaincodes[0].mspId",
        '"Org1MSP"',
        "a key a chaincode sets for itself",
    ),
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a"}, {"chaincodeName": "b", "chaincodeVersion": "2 0"}]' },
        "chaincodes[1].chaincodeVersion",
        '"2 0"',
        "a chaincode version",
    ),
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a"}, {"chaincodeName": "b", "port": 0}]' },
        "chaincodes[1].port",
        "0",
        "a whole number from 1 to 65535",
    ),
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a"}, {"chaincodeName": "a", "namespace": "other"}]' },
        "chaincodes[1].chaincodeName",
        '"a"',
        "a name no other chaincode of the stack has (chaincodes[0] has it)",
    ),
    bad(
        {
            ...base,
            chaincodes: '[{"chaincodeName": "a", "serviceName": "cc"}, {"chaincodeName": "b", "serviceName": "cc"}]',
        },
        "chaincodes[1].serviceName",
        '"cc"',
        "a Service name not used in its namespace by chaincodes[0]",
    ),
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a", "tls": false, "clientAuth": true}]' },
        "chaincodes[0].clientAuth",
        "true",
        "only with tls: true",
    ),
    bad({ ...base, port: "80x", chaincodes: '[{"chaincodeName": "a"}]' }, "port", '"80x"', "a whole number"),
    bad(
        {
            ...base,
            tlsSharedCa: "true",
            chaincodes: '[{"chaincodeName": "a"}, {"chaincodeName": "b", "tlsAlgorithm": "RSA"}]',
        },
        "chaincodes[1].tlsAlgorithm",
        '"RSA"',
        "ECDSA, as chaincodes[0] has: every chaincode with tlsSharedCa: true uses the one shared CA",
    ),
    bad(
        {
            ...base,
            chaincodes:
                '[{"chaincodeName": "a", "tlsSharedCa": true}, {"chaincodeName": "b", "tlsSharedCa": true, "tlsCaValidityHours": 100000}]',
        },
        "chaincodes[1].tlsCaValidityHours",
        "100000",
        "87600, as chaincodes[0] has",
    ),
    bad({ ...base, tls: "false", tlsSharedCa: "true" }, "tlsSharedCa", "true", "only with tls: true"),
    bad(
        { ...org, chaincodes: '[{"chaincodeName": "a", "channel": "My Channel"}]' },
        "chaincodes[0].channel",
        '"My Channel"',
        "a channel name",
    ),
    bad({ ...org, requiredApprovals: '["Org1MSP","Org 2"]' }, "requiredApprovals[1]", '"Org 2"', "an MSP ID"),
    bad(
        { ...org, requiredApprovals: '["Org1MSP","Org1MSP"]' },
        "requiredApprovals[1]",
        '"Org1MSP"',
        "each MSP ID once",
    ),
    bad({ ...org, approvalStacks: '["a/b/c/d"]' }, "approvalStacks", '"a/b/c/d"', "stack names"),
    bad(
        { ...org, commit: "false", approvalStacks: '["o/p/s"]' },
        "approvalStacks",
        "*",
        "only in the committing stack",
    ),
    bad({ ...org, fabricTimeoutSeconds: "0" }, "fabricTimeoutSeconds", "0", "a whole number from 1 to 3600"),
    bad({ ...org, smokeCheck: "sometimes" }, "smokeCheck", '"sometimes"', "true or false"),
    bad({ ...org, smokeFunction: "Get All" }, "smokeFunction", '"Get All"', "a chaincode function name"),
    bad({ ...org, smokeArgs: "[1]" }, "smokeArgs[0]", "1", "a string"),
    bad({ ...org, smokeWaitSeconds: "0" }, "smokeWaitSeconds", "0", "a whole number from 1 to 3600"),

    // Values Kubernetes or Fabric would refuse later: addresses that only look like IPv6, a CA or a bundle as an identity
    bad({ ...base, peerCidrs: '["abc:/64"]' }, "peerCidrs", '"abc:/64"', "a CIDR block"),
    bad({ ...aks, aksAuthorizedIpRanges: '["1:2:3:4:5:6:7:8:9/64"]' }, "aksAuthorizedIpRanges[0]", "*", "a CIDR block"),
    bad({ ...org, adminCertPem: pki.caCertPem }, "adminCertPem", "*", "not a CA's"),
    bad(
        { ...org, adminCertPem: pki.clientCertPem + pki.caCertPem },
        "adminCertPem",
        "(a bundle of 2 certificates)",
        "not a bundle",
    ),
    bad(
        { ...org, clientTlsCertPem: pki.caCertPem, clientTlsKeyPem: pki.clientKeyPem },
        "clientTlsCertPem",
        "*",
        "not a CA's",
    ),
    // Values that would change meaning silently
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a", "namespace": null}]' },
        "chaincodes[0].namespace",
        "null",
        "a string",
    ),
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a", "chaincodeVersion": 1.0}]' },
        "chaincodes[0].chaincodeVersion",
        "1",
        "quote a version",
    ),
    bad({ ...org, collectionsFile: MISSPELLED_COLLECTION }, "collectionsFile", "*", "collections[0].memberOnlyWirte"),
    bad({ ...base, couchDbIndexDir: NO_INDEXES }, "couchDbIndexDir", "*", "holds none"),
    // Repeats
    bad(
        { ...org, peers: '[{"endpoint": "p0:7051"}, {"endpoint": "p0:7051"}]' },
        "peers[1]",
        "*",
        "each endpoint once (peers[0] is the same)",
    ),
    bad(
        {
            ...org,
            orderers: JSON.stringify([
                { endpoint: "o:7050", tlsCaPem: pki.caCertPem },
                { endpoint: "o:7050", tlsCaPem: pki.caCertPem },
            ]),
        },
        "orderers[1]",
        "*",
        "each endpoint once",
    ),
    bad(
        { ...org, commitPeers: `${peer({}).slice(0, -1)},${peer({}).slice(1)}` },
        "commitPeers[1]",
        "*",
        "each endpoint once",
    ),
    bad({ ...base, env: '["A=1", "B=2", "A=3"]' }, "env[2]", '"A=3"', "each NAME once (env[0] is the same)"),
    bad(
        { ...base, peerPodSelector: '["app=peer", "app=hlf-peer"]' },
        "peerPodSelector[1]",
        '"app=hlf-peer"',
        "each label key once",
    ),
    bad({ ...base, tlsExtraSans: '["a.example.com", "a.example.com"]' }, "tlsExtraSans[1]", "*", "each name once"),
    bad(
        { ...org, otherOrgs: `${other({ mspId: "Org2MSP" }).slice(0, -1)},${other({ mspId: "Org2MSP" }).slice(1)}` },
        "otherOrgs[1]",
        HIDDEN,
        "each MSP ID once",
    ),
    // Messages that name the key the user wrote
    bad(
        { ...org, channel: "", chaincodes: '[{"chaincodeName": "a", "channel": "mychannel"}, {"chaincodeName": "b"}]' },
        "chaincodes[1].channel",
        "(not set)",
        "the stack sets mspId for every chaincode",
    ),
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a", "replica": 2}]' },
        "chaincodes[0].replica",
        "2",
        "did you mean replicas?",
    ),
    bad(
        { ...base, chaincodes: '[{"chaincodeName": "a", "aksLocation": "westeurope"}]' },
        "chaincodes[0].aksLocation",
        '"westeurope"',
        "aksLocation is the stack's",
    ),
    bad({ ...base, replicas: "1".repeat(400) }, "replicas", "*", "a whole number"),
];

function refusal(config: Record<string, string>): InvalidSettingError {
    const secrets = { adminKeyPem: config.adminKeyPem, clientTlsKeyPem: config.clientTlsKeyPem };
    try {
        readSettings({ get: (key) => config[key] }, secrets);
    } catch (err) {
        if (err instanceof InvalidSettingError) return err;
        throw err;
    }
    throw new Error("accepted");
}

describe("bad input: each refused naming the key, the value and what is accepted", () => {
    for (const input of BAD_INPUTS) {
        const changed = Object.keys(input.config).filter(
            (key) => !(key in org) || input.config[key] !== (org as Record<string, string>)[key],
        );
        it(`${input.key} (${changed.map((key) => `${key}=${input.config[key].slice(0, 30)}`).join(", ") || "unset"})`, () => {
            const err = refusal(input.config);
            assert.equal(err.setting, input.key, err.message);
            if (input.shown !== "*") assert.equal(describeValue(err.value), input.shown, err.message);
            assert.ok(err.accepted.includes(input.accepted), `"${err.accepted}" should say "${input.accepted}"`);
            assert.equal(err.message, `invalid ${err.setting}: ${describeValue(err.value)}; expected ${err.accepted}`);
        });
    }

    it("covers at least 60 distinct bad inputs, every one under a key the program reads", () => {
        const distinct = new Set(BAD_INPUTS.map((input) => JSON.stringify(input.config)));
        assert.equal(distinct.size, BAD_INPUTS.length, "no case repeats another");
        assert.ok(BAD_INPUTS.length >= 60, `${BAD_INPUTS.length} cases`);
        const read = new Set<string>(CONFIG_KEYS);
        for (const input of BAD_INPUTS) assert.ok(read.has(input.key.split(/[.[]/)[0]), input.key);
        const root = join(__dirname, "..", "..", "..");
        const configurationDoc = readFileSync(join(root, "docs", "configuration.md"), "utf8");
        assert.match(
            configurationDoc,
            new RegExp(`exercises ${BAD_INPUTS.length} distinct bad\\s+inputs`),
            "the configuration doc's figure is this table's length",
        );
        assert.match(
            readFileSync(join(root, "README.md"), "utf8"),
            new RegExp(`; ${BAD_INPUTS.length} named bad inputs`),
            "so is the README's",
        );
    });

    it("never shows a secret's value, even when the secret is what is wrong", () => {
        const token = "t0k3n";
        const cases = [
            { ...aks, kubeconfig: kubeconfig(["dev"]) },
            { ...base, kubeconfig: `${kubeconfig(["dev"]).slice(0, -1)}` },
            { ...org, adminKeyPem: pki.unrelatedKeyPem },
        ];
        for (const config of cases) {
            const { message } = refusal(config);
            assert.ok(!message.includes(token) && !message.includes("PRIVATE KEY"), message);
        }
    });

    it("accepts a kubeconfig given as a path, checking the context in that file", () => {
        const dir = mkdtempSync(join(tmpdir(), "kubeconfig-"));
        try {
            const file = join(dir, "config");
            writeFileSync(file, kubeconfig(["dev", "prod"]));
            assert.equal(
                readSettings({ get: (key) => ({ ...base, kubeconfig: file, kubeContext: "prod" })[key] }).cluster.kind,
                "existing",
            );
            assert.equal(
                refusal({ ...base, kubeconfig: file, kubeContext: "test" }).accepted,
                "a context of the kubeconfig: dev, prod",
            );
        } finally {
            // A kubeconfig (a token in it) is not left in the machine's temp folder.
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
