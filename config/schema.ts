/**
 * Every key of the program's namespace, declared once: its kind (type and
 * form), default, meaning, whether it is a secret, whether an item of
 * `chaincodes` may set it, and which other setting it needs. The key lists,
 * the settings' value types, the configuration reference in
 * docs/configuration.md and the list in Pulumi.yaml's comment come from here
 * (`npm run config:reference` writes the two files; a unit test fails when
 * they are stale). What a value means to Kubernetes or Fabric is checked by
 * the library's own checks, under these keys (config-names.ts).
 */
import * as z from "zod";
import { AKS_NETWORK_POLICIES } from "../components/azure/aks-cluster";
import { AKS_LOGINS } from "../components/azure/aks-kubeconfig";
import { IMAGE_BUILD_TOOLS } from "../components/chaincode/chaincode-image";
import { SERVICE_TYPES } from "../components/kubernetes/chaincode-service";
import {
    autoOrCount,
    choice,
    flag,
    nameBeforeEquals,
    object,
    objectList,
    strictFields,
    stringList,
    text,
    textFields,
    type ValueKind,
    wholeNumber,
} from "./value-kinds";

/** Another setting a key means something only with; set without it, the key is refused, not ignored. */
export interface Condition {
    /** The key it depends on. */
    readonly key: string;
    /** Holds when that key is set, or when its value (its default when unset) equals `equals`. */
    readonly holds: "set" | { readonly equals: string | boolean; readonly whenUnset: string | boolean };
    /** What the message says is accepted. */
    readonly accepted: string;
}

/** The dependencies, in the order they are checked (the first that fails is reported). */
export const CONDITIONS = {
    tls: {
        key: "tls",
        holds: { equals: true, whenUnset: true },
        accepted: "to be set only with tls: true (without TLS there are no certificates)",
    },
    clientAuth: {
        key: "clientAuth",
        holds: { equals: true, whenUnset: true },
        accepted: "to be set only with clientAuth: true (without mutual TLS the peer has no client certificate)",
    },
    networkPolicy: {
        key: "networkPolicy",
        holds: { equals: true, whenUnset: true },
        accepted: "to be set only with networkPolicy: true (they select who the NetworkPolicy admits)",
    },
    givenImage: {
        key: "imageBuild",
        holds: { equals: false, whenUnset: false },
        accepted: "to be set only with an image you give (imageBuild pins the built image itself)",
    },
    existingCluster: {
        key: "aksCreate",
        holds: { equals: false, whenUnset: false },
        accepted:
            "to be set only with an existing cluster (aksCreate is true: the stack uses the new cluster's own kubeconfig)",
    },
    smokeCheck: {
        key: "smokeCheck",
        holds: { equals: true, whenUnset: true },
        accepted: "to be set only with smokeCheck: true",
    },
    hsmSigner: {
        key: "signer",
        holds: { equals: "hsm", whenUnset: "pem" },
        accepted: "to be set only with signer: hsm (the admin's key in an HSM)",
    },
    pemSigner: {
        key: "signer",
        holds: { equals: "pem", whenUnset: "pem" },
        accepted: "to be set only with signer: pem (with signer: hsm the key stays in the HSM)",
    },
    commit: {
        key: "commit",
        holds: { equals: true, whenUnset: true },
        accepted: "to be set only with commit: true (the committing stack names them)",
    },
    imageBuild: {
        key: "imageBuild",
        holds: { equals: true, whenUnset: false },
        accepted: "to be set only together with imageBuild: true",
    },
    channel: { key: "channel", holds: "set", accepted: "to be set only together with channel (the lifecycle)" },
    aksCreate: {
        key: "aksCreate",
        holds: { equals: true, whenUnset: false },
        accepted: "to be set only together with aksCreate: true",
    },
} as const satisfies Record<string, Condition>;

type ConditionName = keyof typeof CONDITIONS;

/** The parts of the reference, in order. */
export const SECTIONS = {
    chaincode: "Chaincodes and packages",
    tls: "TLS between the peer and the chaincode server",
    image: "Image",
    kubernetes: "Kubernetes",
    cluster: "An existing cluster",
    aks: "A new AKS cluster",
    fabric: "Fabric lifecycle",
    smoke: "Smoke check",
} as const;

export interface KeyDeclaration<Output = unknown> {
    readonly kind: ValueKind<Output>;
    readonly section: keyof typeof SECTIONS;
    /** The default as the reference states it (Markdown), or what makes the key required. */
    readonly default: string;
    /** What the key means (Markdown, one line). */
    readonly doc: string;
    /** Stored encrypted (`pulumi config set --secret`); its value never appears in a message. */
    readonly secret?: boolean;
    /** An item of `chaincodes` may set it for itself; the stack's value is every item's default. */
    readonly perChaincode?: boolean;
    /** The settings it means something only with. */
    readonly onlyWith?: readonly ConditionName[];
}

/** Where the admin's private key is: in the config (PEM) or in an HSM, through PKCS#11. */
export const SIGNERS = ["pem", "hsm"] as const;

const declare = <Output>(declaration: KeyDeclaration<Output>): KeyDeclaration<Output> => declaration;

const LIFECYCLE: readonly ConditionName[] = ["channel"];
const PEER_FIELDS = textFields({ endpoint: true, tlsCaPem: false, hostOverride: false });
const ORDERER_FIELDS = textFields({ endpoint: true, tlsCaPem: true, hostOverride: false });
const BY_ENDPOINT = { by: (item: { endpoint: string }) => item.endpoint, what: "endpoint" };
const distinctItems = (what: string) => ({ by: (item: string) => item, what });
const BY_LABEL_KEY = { by: nameBeforeEquals, what: "label key" };
const BY_VARIABLE_NAME = { by: nameBeforeEquals, what: "NAME" };

const CHAINCODES_ACCEPTED =
    "a list of chaincodes, each an object of chaincode keys (chaincodeName, chaincodeVersion, image, channel, namespace, ...)";

export const KEYS = {
    // Declared first: an item of it is checked before the keys it sets.
    chaincodes: declare({
        kind: {
            // Each item's keys are read by their own declarations (parse-values.ts); here, only its form.
            schema: z
                .array(z.record(z.string(), z.unknown(), { error: CHAINCODES_ACCEPTED }), {
                    error: CHAINCODES_ACCEPTED,
                })
                .min(1, { error: CHAINCODES_ACCEPTED }) as z.ZodType<Array<Record<string, unknown>>>,
            type: "list of objects",
            structured: true,
        },
        section: "chaincode",
        default: "one, from the keys below",
        doc: "several chaincodes in one stack: each item sets its own `chaincodeName` and any key marked *per chaincode* below; the stack-level keys are every item's defaults, and the other keys are the stack's. Names and Services may not repeat; chaincodes sharing a namespace create it once. A bad item value is named `chaincodes[i].<key>`",
    }),
    chaincodeName: declare({
        kind: text(),
        section: "chaincode",
        perChaincode: true,
        default: "`basic`",
        doc: "chaincode name on the channel (Fabric's `^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$`)",
    }),
    chaincodeVersion: declare({
        kind: text('a string (quote a version such as "1.0", or it is read as a number)'),
        section: "chaincode",
        perChaincode: true,
        default: "`1.0`",
        doc: "chaincode version",
    }),
    label: declare({
        kind: text(),
        section: "chaincode",
        perChaincode: true,
        default: "`<name>_<version>`",
        doc: "package label, Fabric's `^[[:alnum:]][[:alnum:]_.+-]*$`",
    }),
    packageType: declare({
        kind: choice(["ccaas", "external"]),
        section: "chaincode",
        perChaincode: true,
        default: "`ccaas`",
        doc: "`ccaas` (Fabric's built-in builder, ≥ 2.4.1) or `external` (custom builder)",
    }),
    couchDbIndexDir: declare({
        kind: text(),
        section: "chaincode",
        perChaincode: true,
        default: "none",
        doc: "folder of CouchDB index `.json` files packed under `META-INF/statedb/couchdb/indexes` (a sub-folder per private data collection); the fabric-samples layout, a folder holding `META-INF/statedb/couchdb/indexes`, is read the same way",
    }),
    address: declare({
        kind: text(),
        section: "chaincode",
        perChaincode: true,
        default: "`<serviceName>-{release}.<namespace>:<port>`",
        doc: "host:port the peer dials (connection.json); must contain `{release}`, which each release replaces with its key, so two packages never share an address (e.g. `basic-{release}.cc.example.com:443` behind an SNI-routing ingress)",
    }),
    dialTimeout: declare({
        kind: text(),
        section: "chaincode",
        perChaincode: true,
        default: "`10s`",
        doc: "connection.json `dial_timeout` (Go duration)",
    }),
    tls: declare({
        kind: flag(),
        section: "tls",
        perChaincode: true,
        default: "`true`",
        doc: "serve TLS (`tls_required`)",
    }),
    clientAuth: declare({
        kind: flag(),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls"],
        default: "`true`",
        doc: "mutual TLS: the peer presents a client certificate issued here",
    }),
    tlsAlgorithm: declare({
        kind: choice(["ECDSA", "RSA"]),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls"],
        default: "`ECDSA`",
        doc: "`ECDSA` (P-256) or `RSA`",
    }),
    tlsCaValidityHours: declare({
        kind: wholeNumber(),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls"],
        default: "`87600`",
        doc: "lifetime of the chaincode CA",
    }),
    tlsValidityHours: declare({
        kind: wholeNumber(),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls"],
        default: "`8760`",
        doc: "lifetime of the server certificate",
    }),
    tlsEarlyRenewalHours: declare({
        kind: wholeNumber(),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls"],
        default: "`720`",
        doc: "renew the server certificate this long before expiry on the next `pulumi up` (the pods roll; no new package)",
    }),
    tlsClientValidityHours: declare({
        kind: wholeNumber(),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls", "clientAuth"],
        default: "as `tlsCaValidityHours`",
        doc: "lifetime of the peer's client certificate, which lives inside the package: as long as the CA by default, so renewals are rare; the provider never renews it in place",
    }),
    tlsClientGeneration: declare({
        kind: wholeNumber(),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls", "clientAuth"],
        default: "`1`",
        doc: "raise it to renew the client certificate: a new release, served beside the live one until this org's peers run it",
    }),
    tlsExtraSans: declare({
        kind: stringList({ distinct: distinctItems("name") }),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls"],
        default: "none",
        doc: "more DNS names / IPs for the server certificate",
    }),
    tlsSharedCa: declare({
        kind: flag(),
        section: "tls",
        perChaincode: true,
        onlyWith: ["tls"],
        default: "`false`",
        doc: "take the certificates from one CA the stack shares among every chaincode with `tlsSharedCa: true` (one CA key to guard instead of one per chaincode; each server of the group then accepts the peer client certificate of any chaincode in it). The sharing chaincodes must agree on `tlsAlgorithm` and `tlsCaValidityHours`. Switching is a new release (new package, served beside the live one)",
    }),
    image: declare({
        kind: text(),
        section: "image",
        perChaincode: true,
        default: "required unless `imageBuild`",
        doc: "container image of the chaincode server",
    }),
    imageBuild: declare({
        kind: flag(),
        section: "image",
        default: "`false`",
        doc: "build and push the image from source first (`@pulumi/command`), tagged `src-<digest of the source>` so it rebuilds exactly when the source changes",
    }),
    imageBuildTool: declare({
        kind: choice(IMAGE_BUILD_TOOLS),
        section: "image",
        onlyWith: ["imageBuild"],
        default: "`az-acr`",
        doc: "`az-acr` (`az acr build`, no local Docker) or `docker` (`docker build` + `docker push`; Docker, or podman as `docker` (podman-docker), whose push gives the registry's digest)",
    }),
    imageBuildContext: declare({
        kind: text(),
        section: "image",
        onlyWith: ["imageBuild"],
        default: "`chaincode/asset-transfer-basic`",
        doc: "folder with the Dockerfile",
    }),
    imageBuildArgs: declare({
        kind: stringList({
            item: { pattern: /^[^=]+=/, accepted: "an item of the form NAME=value" },
            distinct: BY_VARIABLE_NAME,
        }),
        section: "image",
        onlyWith: ["imageBuild"],
        default: "none",
        doc: "Dockerfile ARGs as `NAME=value` (`--build-arg`), e.g. `NODE_IMAGE=<your Node base image>`; they are part of the image's tag",
    }),
    imageRegistry: declare({
        kind: text(),
        section: "image",
        onlyWith: ["imageBuild"],
        default: "required with `imageBuild`",
        doc: "ACR name (`az-acr`) or registry host (`docker`)",
    }),
    imageRepository: declare({
        kind: text(),
        section: "image",
        onlyWith: ["imageBuild"],
        default: "context folder name",
        doc: "repository in the registry",
    }),
    imageDigest: declare({
        kind: text(),
        section: "image",
        perChaincode: true,
        onlyWith: ["givenImage"],
        default: "none",
        doc: "pin the image by digest (`sha256:…`)",
    }),
    replicas: declare({
        kind: wholeNumber(),
        section: "kubernetes",
        perChaincode: true,
        default: "`1`",
        doc: "chaincode server replicas (0 only with `smokeCheck: false`: the check needs a server)",
    }),
    namespace: declare({
        kind: text(),
        section: "kubernetes",
        perChaincode: true,
        default: "`hlf-chaincode`",
        doc: "namespace of the chaincode server; not one Kubernetes makes itself (`default`, `kube-system`, …) while `createNamespace` is on",
    }),
    createNamespace: declare({
        kind: flag(),
        section: "kubernetes",
        perChaincode: true,
        default: "`true`",
        doc: "create the namespace (false: use an existing one)",
    }),
    serviceName: declare({
        kind: text(),
        section: "kubernetes",
        perChaincode: true,
        default: "chaincode name (lower case, `_` as `-`)",
        doc: "Service and Deployment name: a letter first, as Kubernetes requires of a Service",
    }),
    port: declare({
        kind: wholeNumber(),
        section: "kubernetes",
        perChaincode: true,
        default: "`9999`",
        doc: "chaincode server port",
    }),
    cpuRequest: declare({
        kind: text(),
        section: "kubernetes",
        perChaincode: true,
        default: "`100m`",
        doc: "container CPU request (a Kubernetes quantity), at most `cpuLimit`",
    }),
    memoryRequest: declare({
        kind: text(),
        section: "kubernetes",
        perChaincode: true,
        default: "`128Mi`",
        doc: "container memory request, at most `memoryLimit`",
    }),
    cpuLimit: declare({
        kind: text(),
        section: "kubernetes",
        perChaincode: true,
        default: "`500m`",
        doc: "container CPU limit",
    }),
    memoryLimit: declare({
        kind: text(),
        section: "kubernetes",
        perChaincode: true,
        default: "`512Mi`",
        doc: "container memory limit",
    }),
    runAsUser: declare({
        kind: wholeNumber(),
        section: "kubernetes",
        perChaincode: true,
        default: "`10001`",
        doc: "non-root UID of the container",
    }),
    env: declare({
        kind: stringList({
            item: { pattern: /^[^=]+=/, accepted: "an item of the form NAME=value" },
            distinct: BY_VARIABLE_NAME,
        }),
        section: "kubernetes",
        perChaincode: true,
        default: "none",
        doc: "extra environment variables, `NAME=value`, each name once; set with `pulumi config set --secret`, they reach the pods from a Kubernetes Secret (`valueFrom.secretKeyRef`), never as plain text in the Deployment",
    }),
    imagePullSecrets: declare({
        kind: stringList({ distinct: distinctItems("Secret") }),
        section: "kubernetes",
        perChaincode: true,
        default: "none",
        doc: "image pull Secrets in the namespace",
    }),
    networkPolicy: declare({
        kind: flag(),
        section: "kubernetes",
        perChaincode: true,
        default: "`true`",
        doc: "create a NetworkPolicy admitting only the peers, with no egress (a chaincode server dials nothing)",
    }),
    peerPodSelector: declare({
        kind: stringList({ distinct: BY_LABEL_KEY }),
        section: "kubernetes",
        perChaincode: true,
        onlyWith: ["networkPolicy"],
        default: '`["app.kubernetes.io/component=peer"]`',
        doc: "labels of the peer pods allowed in",
    }),
    peerNamespaceSelector: declare({
        kind: stringList({ distinct: BY_LABEL_KEY }),
        section: "kubernetes",
        perChaincode: true,
        onlyWith: ["networkPolicy"],
        default: "the server's namespace and those of peers dialled as `<service>.<namespace>.svc[.cluster.local]`",
        doc: "labels of the peers' namespaces; `kubernetes.io/metadata.name=<namespace>` selects one by name (Kubernetes sets it on every namespace). hlf-operator (bevel-operator-fabric) labels no namespace: name the one its `FabricPeer`s run in, and set `peerPodSelector: [app=hlf-peer]`, its peer pods' label. Hyperledger Bevel puts each org in `<org>-net`: `kubernetes.io/metadata.name=carrier-net`. `[]` admits any namespace",
    }),
    peerCidrs: declare({
        kind: stringList({ distinct: distinctItems("CIDR block") }),
        section: "kubernetes",
        perChaincode: true,
        onlyWith: ["networkPolicy"],
        default: "none",
        doc: "CIDR blocks of peers outside the cluster (with `serviceType: InternalLoadBalancer` their own addresses arrive, `externalTrafficPolicy: Local`)",
    }),
    serviceType: declare({
        kind: choice(SERVICE_TYPES),
        section: "kubernetes",
        perChaincode: true,
        default: "`ClusterIP`",
        doc: "`ClusterIP` for peers in the cluster; `InternalLoadBalancer` for peers in another VNet or on premises: each release's Service gets an Azure internal load balancer, annotated for ExternalDNS with its host; needs `address` (its host goes into the package and the server certificate)",
    }),
    loadBalancerSubnet: declare({
        kind: text(),
        section: "kubernetes",
        perChaincode: true,
        default: "the nodes' subnet",
        doc: "subnet of the cluster's VNet the internal load balancer takes its address from",
    }),
    kubeconfig: declare({
        kind: text(),
        section: "cluster",
        secret: true,
        onlyWith: ["existingCluster"],
        default: "ambient kubeconfig",
        doc: "kubeconfig of an existing cluster",
    }),
    kubeContext: declare({
        kind: text(),
        section: "cluster",
        onlyWith: ["existingCluster"],
        default: "current context",
        doc: "context in the kubeconfig",
    }),
    clusterIdentifier: declare({
        kind: text(),
        section: "cluster",
        onlyWith: ["existingCluster"],
        default: "`kubeContext` or `default`",
        doc: "stable cluster name; the Kubernetes provider is replaced only when it changes",
    }),
    aksCreate: declare({
        kind: flag(),
        section: "aks",
        default: "`false`",
        doc: "create an AKS cluster and deploy into it",
    }),
    aksLocation: declare({
        kind: text(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "required with `aksCreate`",
        doc: "Azure region",
    }),
    aksResourceGroup: declare({
        kind: text(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "a new one",
        doc: "existing resource group for the cluster",
    }),
    aksKubernetesVersion: declare({
        kind: text(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "AKS default",
        doc: "Kubernetes version",
    }),
    aksNodeCount: declare({
        kind: wholeNumber(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "`2`",
        doc: "nodes in the system pool",
    }),
    aksVmSize: declare({
        kind: text(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "`Standard_D2s_v5`",
        doc: "node VM size",
    }),
    aksNetworkPolicy: declare({
        kind: choice(AKS_NETWORK_POLICIES),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "`calico`",
        doc: "`azure`, `calico` or `cilium` (on AKS's Cilium dataplane), so the NetworkPolicy is enforced; `none` enforces nothing, and the preview warns so",
    }),
    aksRegistryName: declare({
        kind: text(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "none",
        doc: "create an Azure Container Registry of this name (Standard, no admin user); the nodes' kubelet identity gets `AcrPull` on it, and `imageBuild` pushes there",
    }),
    aksRegistryId: declare({
        kind: text(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "none",
        doc: "an existing registry's resource ID to grant `AcrPull` on instead",
    }),
    aksAdminGroupObjectIds: declare({
        kind: stringList({ distinct: distinctItems("group") }),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "none; required while local accounts are off",
        doc: "object IDs of the Entra ID groups whose members administer the cluster (managed Entra ID integration)",
    }),
    aksDisableLocalAccounts: declare({
        kind: flag(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "`true`",
        doc: "no local accounts: every sign-in goes through Entra ID",
    }),
    aksLogin: declare({
        kind: choice(AKS_LOGINS),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "`azurecli`",
        doc: "how the stack signs in (kubelogin's login mode, never interactive): `azurecli`, `workloadidentity`, `spn` or `msi`",
    }),
    aksAuthorizedIpRanges: declare({
        kind: stringList({ distinct: distinctItems("range") }),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "any address",
        doc: "CIDR blocks allowed to reach the API server",
    }),
    aksPrivateCluster: declare({
        kind: flag(),
        section: "aks",
        onlyWith: ["aksCreate"],
        default: "`false`",
        doc: "the API server has a private address in the cluster's VNet only (the runner must be in it)",
    }),
    channel: declare({
        kind: text(),
        section: "fabric",
        perChaincode: true,
        default: "none",
        doc: "channel of the definition; setting it turns the Fabric lifecycle on",
    }),
    mspId: declare({
        kind: text(),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "required with `channel`",
        doc: "MSP ID of this stack's org",
    }),
    peers: declare({
        kind: objectList(PEER_FIELDS, BY_ENDPOINT),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "required with `channel`",
        doc: "the org's peers `{endpoint, tlsCaPem?, hostOverride?}`: installed on each, and each answers a smoke check; the first endorses the approval",
    }),
    peerTlsCaPem: declare({
        kind: text(),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "none; required when a peer has no `tlsCaPem`",
        doc: "TLS CA of the org's peers, for peers without their own `tlsCaPem` (admin-signed requests go to peers over TLS only)",
    }),
    adminCertPem: declare({
        kind: text(),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "required with `channel`",
        doc: "certificate of an org admin (one leaf certificate, not a CA's)",
    }),
    adminKeyPem: declare({
        kind: text(),
        section: "fabric",
        secret: true,
        onlyWith: ["pemSigner", "channel"],
        default: "required with `channel` and `signer: pem`",
        doc: "the admin's private key (`pulumi config set --secret adminKeyPem < key.pem`): ECDSA P-256 or P-384, or Ed25519 on Fabric 3 (signed as Fabric's MSPs verify each: SHA-256 digest and low S for ECDSA, the message itself for Ed25519; proven against real peers by `test/fabric/admin-key-types.test.ts`, Ed25519 on 3.1.5, and on 2.5.16 the peer's refusal is explained)",
    }),
    signer: declare({
        kind: choice(SIGNERS),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "`pem`",
        doc: "where the admin's private key is: `pem` (`adminKeyPem`) or `hsm`, an HSM reached through PKCS#11 by the Gateway client's HSM signer (ECDSA P-256 only, as that signer signs; the certificate is `adminCertPem`). The key never leaves the HSM; the stack checks it is the certificate's key before it signs anything for a peer. Needs the npm package `pkcs11js` (an optional dependency, built by `npm ci` with a C++ compiler and Node's headers)",
    }),
    adminHsmLibrary: declare({
        kind: text(),
        section: "fabric",
        onlyWith: ["hsmSigner", "channel"],
        default: "required with `signer: hsm`",
        doc: "absolute path of the PKCS#11 library, e.g. `/usr/lib/softhsm/libsofthsm2.so`",
    }),
    adminHsmTokenLabel: declare({
        kind: text(),
        section: "fabric",
        onlyWith: ["hsmSigner", "channel"],
        default: "required with `signer: hsm`",
        doc: "label of the token that holds the key",
    }),
    adminHsmKeyId: declare({
        kind: text(),
        section: "fabric",
        onlyWith: ["hsmSigner", "channel"],
        default: "required with `signer: hsm`",
        doc: "the key's `CKA_ID`, as text (`softhsm2-util --import key.pem --id $(printf org1-admin | xxd -p) …` gives `org1-admin`)",
    }),
    adminHsmPin: declare({
        kind: text(),
        section: "fabric",
        secret: true,
        onlyWith: ["hsmSigner", "channel"],
        default: "required with `signer: hsm`",
        doc: "the token's user PIN (`pulumi config set --secret adminHsmPin`)",
    }),
    clientTlsCertPem: declare({
        kind: text(),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "none",
        doc: "client TLS certificate for peers that demand mutual TLS (with `clientTlsKeyPem`)",
    }),
    clientTlsKeyPem: declare({
        kind: text(),
        section: "fabric",
        secret: true,
        onlyWith: LIFECYCLE,
        default: "none",
        doc: "its private key",
    }),
    otherOrgs: declare({
        kind: objectList(
            {
                ...textFields({ mspId: true }),
                peers: objectList(PEER_FIELDS, BY_ENDPOINT).schema,
                ...textFields({ adminCertPem: true, adminKeyPem: false }),
                signer: choice(SIGNERS).schema.optional(),
                ...textFields({
                    adminHsmLibrary: false,
                    adminHsmTokenLabel: false,
                    adminHsmKeyId: false,
                    adminHsmPin: false,
                    peerTlsCaPem: false,
                    clientTlsCertPem: false,
                    clientTlsKeyPem: false,
                }),
            },
            { by: (org) => org.mspId, what: "MSP ID" },
        ),
        section: "fabric",
        secret: true,
        onlyWith: LIFECYCLE,
        default: "none",
        doc: "more orgs this stack acts for, when one operator holds their admins (a test network, one company's consortium): `{mspId, peers, peerTlsCaPem?, adminCertPem, adminKeyPem, clientTlsCertPem?, clientTlsKeyPem?}` each, or with the org's admin key in an HSM `signer: hsm` and `adminHsmLibrary`, `adminHsmTokenLabel`, `adminHsmKeyId`, `adminHsmPin` in place of `adminKeyPem`; the stack installs the same package on their peers, approves for each together with `mspId`'s approval, and their first peers endorse the commit (`pulumi config set --secret --path 'otherOrgs[0].adminKeyPem' < key.pem`)",
    }),
    orderer: declare({
        kind: object(ORDERER_FIELDS),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "the peer gateway",
        doc: "`{endpoint, tlsCaPem, hostOverride?}` to broadcast to the orderer instead of the gateway",
    }),
    orderers: declare({
        kind: objectList(ORDERER_FIELDS, BY_ENDPOINT),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "the peer gateway",
        doc: "several orderers instead of `orderer`, each `{endpoint, tlsCaPem, hostOverride?}`, by Fabric's gateway rules: on a BFT channel (read from the channel config) every transaction goes to all of them at once and is done when a quorum of the channel's consenters accepted it (3 of 4; list at least that many); on a Raft channel they are tried in this order until one accepts. Not with `orderer`",
    }),
    endorsementPolicy: declare({
        kind: text(),
        section: "fabric",
        perChaincode: true,
        onlyWith: LIFECYCLE,
        default: "the channel's `/Channel/Application/Endorsement`",
        doc: "policy text such as `OR('Org1MSP.member')` (AND / OR / OutOf, roles member, admin, client, peer, orderer) or a channel policy path",
    }),
    sequence: declare({
        kind: autoOrCount(),
        section: "fabric",
        perChaincode: true,
        onlyWith: LIFECYCLE,
        default: "`auto`",
        doc: "`auto`: the committed sequence, +1 only when the definition changes; or a number",
    }),
    initRequired: declare({
        kind: flag(),
        section: "fabric",
        perChaincode: true,
        onlyWith: LIFECYCLE,
        default: "`false`",
        doc: "the chaincode needs Init first",
    }),
    collectionsFile: declare({
        kind: text(),
        section: "fabric",
        perChaincode: true,
        onlyWith: LIFECYCLE,
        default: "none",
        doc: "peer-CLI `collections_config.json` with static private data collections",
    }),
    commit: declare({
        kind: flag(),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "`true`",
        doc: "this stack commits (false: install + approve only; another org's stack commits)",
    }),
    commitPeers: declare({
        kind: objectList(
            textFields({ endpoint: true, mspId: true, tlsCaPem: false, hostOverride: false }),
            BY_ENDPOINT,
        ),
        section: "fabric",
        onlyWith: ["commit", "channel"],
        default: "none: the gateway finds the other orgs' endorsers",
        doc: "one endorsing peer of each other org `{endpoint, mspId, tlsCaPem?, hostOverride?}`, endorsing the commit on exactly these peers: for networks where the committing peer's gateway cannot discover the other orgs' peers (no anchor peers, or gossip not reaching them). Without it (and without `otherOrgs`), the commit goes through the official Gateway client and the peer's gateway endorses it on peers of every org that approved, found through discovery",
    }),
    requiredApprovals: declare({
        kind: stringList({ distinct: distinctItems("MSP ID") }),
        section: "fabric",
        onlyWith: ["commit", "channel"],
        default: "every org",
        doc: "MSP IDs that must have approved before the commit",
    }),
    approvalStacks: declare({
        kind: stringList({ distinct: distinctItems("stack") }),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "none",
        doc: "other orgs' stacks (`org/project/stack`); a StackReference reads each one's `mspId` output and adds it to `requiredApprovals`",
    }),
    fabricTimeoutSeconds: declare({
        kind: wholeNumber(),
        section: "fabric",
        onlyWith: LIFECYCLE,
        default: "`30`",
        doc: "deadline of each Fabric gRPC call",
    }),
    smokeCheck: declare({
        kind: flag(),
        section: "smoke",
        perChaincode: true,
        onlyWith: LIFECYCLE,
        default: "`true`",
        doc: "after commit and rollout, evaluate a read-only function through every peer of the org (`peers`); a stack with `commit: false` checks once the definition it approved is committed (pending until then; its next `up` makes the check)",
    }),
    smokeFunction: declare({
        kind: text(),
        section: "smoke",
        perChaincode: true,
        onlyWith: ["smokeCheck", "channel"],
        default: "`GetAllAssets`",
        doc: "the read-only function the smoke check evaluates",
    }),
    smokeArgs: declare({
        kind: stringList(),
        section: "smoke",
        perChaincode: true,
        onlyWith: ["smokeCheck", "channel"],
        default: "none",
        doc: "its arguments",
    }),
    smokeWaitSeconds: declare({
        kind: wholeNumber(),
        section: "smoke",
        perChaincode: true,
        onlyWith: ["smokeCheck", "channel"],
        default: "`60`",
        doc: "how long the peer may take to reach the chaincode",
    }),
} as const;

export type ConfigKey = keyof typeof KEYS;
type OutputOf<D> = D extends KeyDeclaration<infer Output> ? Output : never;

/** The settings' values as the schema gives them: each key's own type, undefined when unset. */
export type ConfigValues = { -readonly [K in ConfigKey]?: OutputOf<(typeof KEYS)[K]> };

const keysWhere = (test: (declaration: KeyDeclaration) => boolean) =>
    (Object.keys(KEYS) as ConfigKey[]).filter((key) => test(KEYS[key] as KeyDeclaration));

/** Every key the program reads. */
export const CONFIG_KEYS: readonly ConfigKey[] = Object.keys(KEYS) as ConfigKey[];
/** The keys an item of `chaincodes` may set; the stack-level ones are its defaults. */
export const CHAINCODE_KEYS: readonly ConfigKey[] = keysWhere((declaration) => declaration.perChaincode === true);
/** Keys whose values are secret: a message about them never shows the value. */
export const SECRET_KEYS: readonly ConfigKey[] = keysWhere((declaration) => declaration.secret === true);

/** The shape of an item of `chaincodes`, for the JSON Schema of the stack file. */
export function chaincodeItemSchema() {
    return strictFields(
        Object.fromEntries(CHAINCODE_KEYS.map((key) => [key, (KEYS[key] as KeyDeclaration).kind.schema.optional()])),
    );
}
