import { type ArgumentShapes, checkArgumentObject, checkArgumentShapes } from "../validation/argument-shapes";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { readChannelPlan } from "../release/channel-read";
import {
    ChaincodeLifecycle,
    type ChaincodeLifecycleArgs,
    checkLifecycleArgs,
    LIFECYCLE_SHAPES,
    LIFECYCLE_ARGUMENTS,
} from "../lifecycle/chaincode-lifecycle";
import { smokeCheckArgs } from "../lifecycle/fabric-resource-args";
import type { ChannelPlan } from "../release/live-release";
import { buildChaincodePackage, type ChaincodePackage, type CouchDbIndexInput } from "../packaging";
import { couchDbIndexFiles } from "../packaging/couchdb-indexes";
import { DEFAULT_DIAL_TIMEOUT } from "../packaging/connection-json";
import { peerNamespacesOf } from "../kubernetes/peer-access";
import { ownedNamespaceLabels } from "../kubernetes/pod-security";
import { ChaincodeSmokeCheck } from "../lifecycle/providers";
import {
    defaultAddressTemplate,
    declaredClientCertificate,
    indexFileDigests,
    liveIssuedItsCertificate,
    MAX_RELEASE_SERVICE_NAME,
    type PlannedRelease,
    planReleases,
    releaseAddress,
    type ReleaseContent,
    releaseKeyOf,
    releaseServerName,
    checkAddressTemplate,
} from "../release/release-plan";
import {
    type ChaincodeServerTls,
    ChaincodeService,
    type ChaincodeServiceArgs,
    DEFAULT_CHAINCODE_PORT,
    checkServiceArgs,
} from "../kubernetes/chaincode-service";
import {
    ChaincodeTls,
    hostOfAddress,
    type KeyAlgorithm,
    ReleaseCertificates,
    checkTlsArgs,
} from "../tls/chaincode-tls";
import { InvalidSettingError } from "../validation/errors";
import {
    checkSeconds,
    checkChaincodeLabel,
    checkChaincodeName,
    checkChaincodeVersion,
    checkGoDuration,
    checkHostPort,
    checkSubjectAltName,
} from "../validation/fabric";
import { checkDnsLabel, checkIntegerInRange, checkServiceName, KUBERNETES_NAMESPACES } from "../validation/kubernetes";
import { checkArgs } from "../validation/resource-error";
import { childSettingNames, namerOf, namingSettings, type SettingNames } from "../setting-names";

export interface ChaincodeTlsSettings {
    /** Serve TLS to the peer. Defaults to true. */
    readonly enabled?: boolean;
    /** Mutual TLS: the peer presents a client certificate the server verifies. Defaults to true. */
    readonly clientAuth?: boolean;
    /** Defaults to "ECDSA" (P-256). */
    readonly algorithm?: KeyAlgorithm;
    /** Defaults to 87600 (10 years). */
    readonly caValidityHours?: number;
    /** Defaults to 8760 (1 year). */
    readonly validityHours?: number;
    /** Server leaf: renew this many hours before it expires. Defaults to 720 (30 days). */
    readonly earlyRenewalHours?: number;
    /** Lifetime of the peer's client certificate (inside the package). Defaults to caValidityHours. */
    readonly clientValidityHours?: number;
    /** Generation of the client certificate: raise it to renew the certificate through a new release. Defaults to 1. */
    readonly clientGeneration?: number;
    /** More SANs for the server certificate. Defaults to none. */
    readonly extraSans?: pulumi.Input<pulumi.Input<string>[]>;
    /**
     * A CA shared with other chaincodes that issues this chaincode's
     * certificates instead of a CA of its own; its algorithm and lifetime
     * apply. Every server of the group then accepts the peer client
     * certificate of any chaincode in it. Switching between shared and own is
     * a new release (a new package, served beside the live one). Defaults to
     * a CA of its own.
     */
    readonly ca?: ChaincodeTls;
}

/** Workload settings passed through to ChaincodeService unchanged. */
type WorkloadArgs = Pick<
    ChaincodeServiceArgs,
    | "createNamespace"
    | "image"
    | "imageDigest"
    | "replicas"
    | "resources"
    | "runAsUser"
    | "env"
    | "secretEnv"
    | "imagePullSecrets"
    | "peerAccess"
    | "serviceType"
    | "loadBalancerSubnet"
>;

export interface ExternalChaincodeArgs extends WorkloadArgs {
    /** Chaincode name on the channel. */
    readonly chaincodeName: string;
    /** Chaincode version string. Defaults to "1.0". */
    readonly chaincodeVersion?: string;
    /** Package label. Defaults to "<chaincodeName>_<chaincodeVersion>". */
    readonly label?: string;
    /** metadata.json type: "ccaas" (Fabric's built-in builder) or "external" (a custom builder). Defaults to "ccaas". */
    readonly packageType?: "ccaas" | "external";
    /** Namespace of the chaincode server. Defaults to "hlf-chaincode". */
    readonly namespace?: string;
    /** Service and Deployment name. Defaults to the chaincode name in DNS form. */
    readonly serviceName?: string;
    /** Port of the chaincode server. Defaults to 9999. */
    readonly port?: number;
    /** host:port the peers dial, with {release} in the host (each release has its own address). Defaults to "<serviceName>-{release}.<namespace>:<port>". */
    readonly address?: string;
    /** How long the peer waits to connect. Defaults to "10s". */
    readonly dialTimeout?: string;
    readonly tls?: ChaincodeTlsSettings;
    /** CouchDB indexes carried in the package (public state or per collection). Defaults to none. */
    readonly couchDbIndexes?: readonly CouchDbIndexInput[];
    /** Install, approve and commit on Fabric. Defaults to none: package and Kubernetes only. */
    readonly lifecycle?: Omit<ChaincodeLifecycleArgs, "plan" | "approvalsWaitFor" | "settingNames">;
    /** After the commit and rollout, evaluate a read-only function through every peer of the org (a stack that only approves: once the definition is committed). Defaults to on with a lifecycle. */
    readonly smokeCheck?: SmokeCheckSettings;
    /**
     * What the channel runs for this chaincode and the sequence planned, as
     * lookupChannelPlan reads it: the release the org's peers run keeps its
     * server while it differs from the declared one. Defaults to reading it
     * here, with a lifecycle, from the org's first peer (read-only queries, in
     * preview too); without a lifecycle, to nothing committed. Pass it when
     * the program read it already.
     */
    readonly channelPlan?: ChannelPlan;
    /**
     * How your users name these arguments, when not by their paths: a failed
     * check, here or in any Fabric resource of this chaincode, names the
     * setting as mapped (e.g. the program maps `lifecycle.timeoutSeconds` to
     * its config key `fabricTimeoutSeconds`). Defaults to the argument paths
     * (`lifecycle.org.peers[0].endpoint`).
     */
    readonly settingNames?: SettingNames;
}

export interface SmokeCheckSettings {
    /** Defaults to true. */
    readonly enabled?: boolean;
    /** Read-only function to evaluate. Defaults to "GetAllAssets". */
    readonly fn?: string;
    /** Its arguments. Defaults to none. */
    readonly args?: readonly string[];
    /** How long the peer may take to reach the chaincode, seconds. Defaults to 60. */
    readonly waitSeconds?: number;
    /**
     * Without a commit of its own (commit: false): how long to wait for the
     * commit before the check is left pending for the next update. Set it when
     * this same program commits (another ExternalChaincode). Defaults to 0.
     */
    readonly commitWaitSeconds?: number;
}

/** One release as declared: its key, server and (for the declared one) package. */
export interface ChaincodeRelease {
    readonly key: string;
    readonly role: PlannedRelease["role"];
    /** host:port in its connection.json. */
    readonly address: string;
    readonly service: ChaincodeService;
}

export const DEFAULT_NAMESPACE = "hlf-chaincode";

/** The Service and Deployment name of a chaincode when none is given: its name in DNS form. */
export function defaultServiceName(chaincodeName: string): string {
    return chaincodeName.toLowerCase().replace(/_/g, "-");
}

/**
 * Chaincode as a service end to end: the CA, the deterministic package of
 * the declared release (its ID known before anything is installed) and a
 * server per release on Kubernetes. The release the channel still runs keeps
 * its server, unchanged, until the declared one is live.
 *
 * @example
 * ```ts
 * const basic = new ExternalChaincode("basic", {
 *     chaincodeName: "basic",
 *     chaincodeVersion: "1.1",
 *     image: "myacr.azurecr.io/basic:1.1",
 *     namespace: "hlf-org1",
 *     lifecycle: { channel: "mychannel", org: { mspId: "Org1MSP", peers: [{ endpoint: "peer0.org1:7051" }], peerTlsCaPem, adminCertPem, adminKeyPem } },
 * }, { providers: [cluster] });
 * export const packageId = basic.packageId;
 * ```
 */
export class ExternalChaincode extends pulumi.ComponentResource {
    /** label:sha256 of the declared package; what the peer reports after install. */
    public readonly packageId: pulumi.Output<string>;
    public readonly label: string;
    /** Key of the declared release (names its server and address). */
    public readonly releaseKey: string;
    /** host:port in the declared package's connection.json. */
    public readonly address: string;
    public readonly namespace: pulumi.Output<string>;
    /** The Namespace this chaincode created; undefined with createNamespace: false. */
    public readonly namespaceResource: k8s.core.v1.Namespace | undefined;
    /** The declared release's Service and Deployment name. */
    public readonly serviceName: pulumi.Output<string>;
    /** Public CA certificate the peer trusts for this chaincode. */
    public readonly caCertPem: pulumi.Output<string> | undefined;
    /** The package file, base64; secret when it carries the peer's client key. */
    public readonly packageBase64: pulumi.Output<string>;
    public readonly tls: ChaincodeTls | undefined;
    /**
     * The servers are declared once the channel is read, so these resolve
     * then: the declared release's server, every server declared (the
     * declared release first, then the live one while it differs), and the
     * declared release's certificates (undefined without TLS).
     */
    public readonly service: Promise<ChaincodeService>;
    public readonly releases: Promise<readonly ChaincodeRelease[]>;
    public readonly certificates: Promise<ReleaseCertificates | undefined>;
    /** The declared server's load balancer address; undefined with a ClusterIP Service. */
    public readonly loadBalancerAddress: pulumi.Output<string | undefined>;
    /** What the release plan means, as logged for the operator. */
    public readonly releaseSummary: pulumi.Output<string>;
    /** Undefined without a lifecycle. */
    public readonly lifecycle: ChaincodeLifecycle | undefined;
    /** The check through the org's first peer; undefined without a lifecycle or when disabled. */
    public readonly smokeCheck: ChaincodeSmokeCheck | undefined;
    /** One check per peer of the org, the first peer's first; empty without a lifecycle or when disabled. */
    public readonly smokeChecks: readonly ChaincodeSmokeCheck[] = [];

    constructor(name: string, args: ExternalChaincodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fabric-ccaas:index:ExternalChaincode", name, {}, opts);
        // Check what every child will check, so a bad setting stops the graph before any child exists.
        const s = checkArgs(this, () => checkExternalChaincodeArgs(args));
        const { tlsEnabled, tlsArgs } = s;
        const sharedCa = tlsEnabled ? args.tls?.ca : undefined;

        // The namespace outlives every release; it was the first server's child before releases existed.
        const namespaceResource =
            (args.createNamespace ?? true)
                ? new k8s.core.v1.Namespace(
                      `${name}-ns`,
                      { metadata: { name: s.namespace, labels: ownedNamespaceLabels(s.commonLabels) } },
                      { parent: this, aliases: [{ name: `${name}-server-ns`, parent: legacyServiceUrn(name, this) }] },
                  )
                : undefined;
        const ownTls =
            tlsEnabled && !sharedCa
                ? new ChaincodeTls(`${name}-tls`, { serviceName: s.serviceName, ...tlsArgs }, { parent: this })
                : undefined;
        this.tls = sharedCa ?? ownTls;

        // The servers wait for what the channel runs; the program must not end before they are declared.
        const channelPlan: Promise<ChannelPlan> =
            args.channelPlan !== undefined || !args.lifecycle
                ? Promise.resolve(args.channelPlan ?? {})
                : readChannelPlan({ chaincodeName: args.chaincodeName, version: s.version, lifecycle: args.lifecycle });
        const declaring = channelPlan.then((read) => declareReleases(this, name, args, s, read, ownTls, opts));
        const declared = (async () => {
            const stillRunning = pulumi.runtime.rpcKeepAlive();
            try {
                return await declaring;
            } finally {
                stillRunning();
            }
        })();
        const fromDeclared = <T>(pick: (releases: DeclaredReleases) => pulumi.Input<T>): pulumi.Output<T> =>
            pulumi.output(declared.then(pick)) as pulumi.Output<T>;

        const chaincodePackage: pulumi.Output<ChaincodePackage> = pulumi
            .all([this.tls?.caCertPem, fromDeclared((d) => d.clientCertPem), fromDeclared((d) => d.clientKeyPem)])
            .apply(([rootCertPem, clientCertPem, clientKeyPem]) =>
                buildChaincodePackage({
                    label: s.label,
                    type: args.packageType ?? "ccaas",
                    address: s.address,
                    dialTimeout: args.dialTimeout,
                    tls: rootCertPem
                        ? {
                              rootCertPem,
                              clientAuth: clientCertPem && clientKeyPem ? { clientCertPem, clientKeyPem } : undefined,
                          }
                        : undefined,
                    couchDbIndexes: args.couchDbIndexes,
                }),
            );
        // The ID is a hash: public even when the package holds the client key.
        this.packageId = pulumi.unsecret(chaincodePackage.packageId);
        this.packageBase64 = chaincodePackage.apply((pkg) => pkg.bytes.toString("base64"));
        this.service = declared.then((d) => d.releases[0].service);
        this.releases = declared.then((d) => d.releases);
        this.certificates = declared.then((d) => d.certificates);
        this.releaseSummary = fromDeclared((d) => d.summary);

        // install on every peer -> (declared server, approval) -> commit -> smoke check. Where the peers run
        // another release now, the approval (and so the commit) moves them only once the new server is available.
        this.lifecycle = args.lifecycle
            ? new ChaincodeLifecycle(
                  `${name}-lifecycle`,
                  {
                      ...args.lifecycle,
                      chaincodeName: args.chaincodeName,
                      version: s.version,
                      packageBase64: this.packageBase64,
                      packageId: this.packageId,
                      plan: channelPlan.then((read) => read.plan),
                      approvalsWaitFor: declared.then((d) => (d.switchesRelease ? [d.releases[0].service] : [])),
                      settingNames: lifecycleSettingNames(args),
                  },
                  { parent: this },
              )
            : undefined;

        const smoke = args.smokeCheck ?? {};
        const lifecycle = this.lifecycle;
        if (lifecycle && (smoke.enabled ?? true)) {
            const definition = lifecycle.definition;
            // A stack that only approves checks once another stack commits.
            const sequence = definition ? definition.committedSequence : lifecycle.approvedSequence;
            const checks = smokeCheckArgs(name, {
                chaincodeName: args.chaincodeName,
                lifecycle: args.lifecycle!,
                fn: smoke.fn,
                args: smoke.args,
                waitSeconds: smoke.waitSeconds,
                commitWaitSeconds: smoke.commitWaitSeconds,
                expectedPackageId: this.packageId,
                chaincodeAddress: s.address,
                // A new package, sequence or server certificate re-runs the check.
                triggers: [
                    this.packageId,
                    sequence.apply(String),
                    fromDeclared((d) => d.certificates?.serverCertPem ?? ""),
                ],
                awaitSequence: definition ? undefined : lifecycle.approvedSequence,
                settingNames: args.settingNames,
            });
            this.smokeChecks = checks.map(
                (check) =>
                    new ChaincodeSmokeCheck(check.name, check.args, {
                        parent: this,
                        dependsOn: [definition ?? lifecycle.approval, this.service],
                    }),
            );
            this.smokeCheck = this.smokeChecks[0];
        }

        this.label = s.label;
        this.releaseKey = s.releaseKey;
        this.address = s.address;
        this.namespaceResource = namespaceResource;
        this.serviceName = fromDeclared((d) => d.releases[0].service.serviceName);
        this.namespace = namespaceResource?.metadata.name ?? fromDeclared((d) => d.releases[0].service.namespace);
        this.loadBalancerAddress = fromDeclared((d) => d.releases[0].service.loadBalancerAddress);
        this.caCertPem = this.tls?.caCertPem;
        this.registerOutputs({
            packageId: this.packageId,
            label: this.label,
            releaseKey: this.releaseKey,
            address: this.address,
            namespace: this.namespace,
            serviceName: this.serviceName,
            caCertPem: this.caCertPem,
        });
    }
}

/** The servers of one chaincode, declared from what the channel runs. */
interface DeclaredReleases {
    readonly releases: readonly ChaincodeRelease[];
    readonly certificates: ReleaseCertificates | undefined;
    readonly summary: string;
    /** The approval moves the peers off a server they run now. */
    readonly switchesRelease: boolean;
    /** The client certificate and key the declared package carries: the live package's, or the declared release's own. */
    readonly clientCertPem: pulumi.Input<string> | undefined;
    readonly clientKeyPem: pulumi.Input<string> | undefined;
}

/**
 * The release plan from what the channel runs, then the certificates and a
 * server per release. Runs once the constructor has returned, so the
 * component's own fields (its CA, namespace and lifecycle) are set.
 */
function declareReleases(
    component: ExternalChaincode,
    name: string,
    args: ExternalChaincodeArgs,
    s: ReturnType<typeof checkExternalChaincodeArgs>,
    read: ChannelPlan,
    ownTls: ChaincodeTls | undefined,
    opts: pulumi.ComponentResourceOptions | undefined,
): DeclaredReleases {
    const liveRelease = read.liveRelease;
    const plan = planReleases(args.chaincodeName, s.addressTemplate, s.releaseKey, liveRelease, s.legacyAddress);
    const sharedCa = s.tlsEnabled ? args.tls?.ca : undefined;
    // The own CA stays, beside a shared one, while it parents the certificates of the server from before releases.
    const keepsLegacyServer = plan.releases.some((release) => release.role === "live" && !release.key);
    const legacyCa =
        sharedCa && keepsLegacyServer
            ? new ChaincodeTls(`${name}-tls`, { serviceName: s.serviceName, ...s.tlsArgs }, { parent: component })
            : undefined;
    const certificateParent = ownTls ?? legacyCa;
    const tls = component.tls;

    const releaseNames = (key: string) => ({
        serverName: key ? releaseServerName(s.serviceName, key) : s.serviceName,
        address: key ? releaseAddress(s.addressTemplate, key) : s.legacyAddress,
        // The first server, from before releases, keeps its resource names.
        prefix: key ? `${name}-${key}` : name,
    });
    const certificatesOf = (key: string, keep: boolean, issueClientCertificate: boolean) => {
        if (!tls) return undefined;
        const names = releaseNames(key);
        return new ReleaseCertificates(
            `${names.prefix}-tls`,
            tls,
            s.leafSettings!,
            {
                serverName: names.serverName,
                namespace: s.namespace,
                address: names.address,
                extraSans: args.tls?.extraSans,
                issueClientCertificate,
            },
            { parent: key ? component : (certificateParent ?? component), keep },
        );
    };
    const serverTlsOf = (certificates: ReleaseCertificates | undefined): ChaincodeServerTls | undefined =>
        certificates && {
            certPem: certificates.serverCertPem,
            keyPem: certificates.serverKeyPem,
            clientCaPem: s.tlsArgs.clientAuth ? tls!.caCertPem : undefined,
        };

    const serverNameOf = (key: string) => releaseNames(key).serverName;
    const clientCertificate = declaredClientCertificate(
        s.releaseKey,
        s.releaseContent,
        liveRelease,
        plan.liveKey,
        serverNameOf,
    );
    const certificates = certificatesOf(s.releaseKey, false, clientCertificate.from === "own");
    // A preview shows the package ID only once the client certificate inside the package exists.
    const issuesClientCertificate =
        s.releaseContent.tls === "mutual" && clientCertificate.from === "own" && plan.liveKey !== s.releaseKey;
    void pulumi.log.info(
        issuesClientCertificate
            ? `${plan.summary}; its package holds a client certificate issued for this release, so its package ID is known once that certificate exists`
            : plan.summary,
        component,
    );

    // What the component was told to wait for (e.g. a Namespace another chaincode creates), its servers wait for.
    const namespaceDependencies = [
        ...(component.namespaceResource ? [component.namespaceResource] : []),
        ...dependenciesOf(opts?.dependsOn),
    ];
    // A new release's server starts once every peer of the org holds its package.
    const serverDependencies = [...namespaceDependencies, ...(component.lifecycle?.installs ?? [])];
    const releases = plan.releases.map((release): ChaincodeRelease => {
        const names = releaseNames(release.key);
        const keep = release.role === "live";
        // A live server needs only its server certificate; its client certificate is kept where its resources issued it.
        const releaseCertificates = keep
            ? certificatesOf(release.key, true, liveIssuedItsCertificate(liveRelease, release.key, serverNameOf))
            : certificates;
        const packageId = keep ? release.packageId! : component.packageId;
        // The declared release's server the channel runs already: a library upgrade restarts nothing of it.
        const running = !keep && plan.liveKey === release.key;
        const service = new ChaincodeService(
            `${names.prefix}-server`,
            {
                ...serviceArgs(
                    args,
                    s,
                    names.serverName,
                    packageId,
                    serverTlsOf(releaseCertificates),
                    release.key || undefined,
                ),
                running,
                externalHost: hostOfAddress(names.address),
            },
            { parent: component, dependsOn: keep ? namespaceDependencies : serverDependencies, keep },
        );
        return { key: release.key, role: release.role, address: names.address, service };
    });
    const [clientCertPem, clientKeyPem] =
        clientCertificate.from === "live"
            ? [clientCertificate.certPem, pulumi.secret(clientCertificate.keyPem)]
            : [certificates?.clientCertPem, certificates?.clientKeyPem];
    return {
        releases,
        certificates,
        summary: plan.summary,
        switchesRelease: plan.liveKey !== undefined && plan.liveKey !== s.releaseKey,
        clientCertPem,
        clientKeyPem,
    };
}

/** URN of the server component that owned the namespace before releases. */
function legacyServiceUrn(name: string, parent: pulumi.Resource): pulumi.Output<string> {
    return pulumi.createUrn(`${name}-server`, "fabric-ccaas:index:ChaincodeService", parent);
}

function serviceArgs(
    args: ExternalChaincodeArgs,
    s: ReturnType<typeof checkChaincodeArgs>,
    serverName: string,
    packageId: pulumi.Input<string>,
    tls: ChaincodeServerTls | undefined,
    releaseKey?: string,
): ChaincodeServiceArgs {
    return {
        chaincodeName: args.chaincodeName,
        chaincodeVersion: s.version,
        namespace: s.namespace,
        createNamespace: false,
        serviceName: serverName,
        releaseKey,
        image: args.image,
        imageDigest: args.imageDigest,
        replicas: args.replicas,
        resources: args.resources,
        runAsUser: args.runAsUser,
        env: args.env,
        secretEnv: args.secretEnv,
        imagePullSecrets: args.imagePullSecrets,
        peerAccess: {
            ...args.peerAccess,
            peerNamespaces: peerNamespacesOf(args.lifecycle?.org.peers.map((peer) => peer.endpoint as string) ?? []),
        },
        serviceType: args.serviceType,
        loadBalancerSubnet: args.loadBalancerSubnet,
        port: s.port,
        packageId,
        tls,
    };
}

/** The CA and leaf settings ChaincodeTls gets; a shared CA's own algorithm and lifetime apply. */
function tlsArgsOf(args: ExternalChaincodeArgs) {
    const tlsEnabled = args.tls?.enabled ?? true;
    const ca = args.tls?.ca?.settings;
    return {
        algorithm: ca?.algorithm ?? args.tls?.algorithm,
        clientAuth: tlsEnabled && (args.tls?.clientAuth ?? true),
        caValidityHours: ca?.caValidityHours ?? args.tls?.caValidityHours,
        validityHours: args.tls?.validityHours,
        earlyRenewalHours: args.tls?.earlyRenewalHours,
        clientValidityHours: args.tls?.clientValidityHours,
    };
}

/** Where ExternalChaincode walks an object or a list, or needs text now (the lifecycle's own are checked with it). */
const EXTERNAL_CHAINCODE_SHAPES: ArgumentShapes = {
    chaincodeName: "text!",
    image: "text or Output!",
    resources: "object",
    env: "object",
    secretEnv: "object",
    imagePullSecrets: "list",
    peerAccess: "object",
    "peerAccess.peerCidrs": "list",
    "peerAccess.peerPodSelector": "list",
    "peerAccess.peerNamespaceSelector": "list",
    tls: "object",
    "tls.extraSans": "list",
    couchDbIndexes: "list",
    "couchDbIndexes[]": "object",
    smokeCheck: "object",
    "smokeCheck.args": "list",
    settingNames: "object",
    lifecycle: "object",
    ...Object.fromEntries(Object.entries(LIFECYCLE_SHAPES).map(([path, shape]) => [`lifecycle.${path}`, shape])),
};

/**
 * Every check ExternalChaincode and its children make, in one call: the
 * program runs it before reading anything from Fabric. Throws
 * InvalidSettingError naming the setting.
 */
export function checkExternalChaincodeArgs(args: ExternalChaincodeArgs) {
    checkArgumentObject(args);
    const nameOf = namerOf(args.settingNames);
    return namingSettings(nameOf, () => {
        checkArgumentShapes(args, EXTERNAL_CHAINCODE_SHAPES);
        const own = checkChaincodeArgs(args);
        const service = checkServiceArgs(serviceArgs(args, own, own.serverName, "", undefined), nameOf);
        const tlsEnabled = args.tls?.enabled ?? true;
        if (tlsEnabled && args.tls?.ca) checkSharedCa(args.tls, args.tls.ca);
        const tlsArgs = tlsArgsOf(args);
        const tlsNameOf = namerOf(args.settingNames, "tls.");
        const leafSettings = tlsEnabled ? namingSettings(tlsNameOf, () => checkTlsArgs(tlsArgs, tlsNameOf)) : undefined;
        if (args.lifecycle) {
            const lifecycle = args.lifecycle;
            namingSettings(namerOf(lifecycleSettingNames(args)), () => checkLifecycleArgs(lifecycle));
        }
        checkSmokeCheck(args.smokeCheck ?? {});
        if (args.lifecycle && (args.smokeCheck?.enabled ?? true) && args.replicas === 0) {
            throw new InvalidSettingError(
                "replicas",
                0,
                `at least 1 while the smoke check runs (a server must answer it); ${nameOf("smokeCheck.enabled")}: false deploys no server without failing`,
            );
        }
        return { ...own, commonLabels: service.commonLabels, tlsEnabled, tlsArgs, leafSettings };
    });
}

/** The lifecycle's arguments as this component's users name them: under `lifecycle.`, its chaincode's name and version as given here. */
function lifecycleSettingNames(args: ExternalChaincodeArgs): SettingNames {
    return childSettingNames(args.settingNames, "lifecycle.", LIFECYCLE_ARGUMENTS, {
        chaincodeName: "chaincodeName",
        version: "chaincodeVersion",
    });
}

/** A chaincode on a shared CA takes its key type and lifetime: a different one set here is a mistake, not a wish. */
function checkSharedCa(tls: ChaincodeTlsSettings, ca: ChaincodeTls): void {
    const shared = ca.settings;
    if (tls.algorithm !== undefined && tls.algorithm !== shared.algorithm) {
        throw new InvalidSettingError(
            "tls.algorithm",
            tls.algorithm,
            `${shared.algorithm}, the algorithm of the shared CA ${ca.caName} (its leaves use its key type)`,
        );
    }
    if (tls.caValidityHours !== undefined && tls.caValidityHours !== shared.caValidityHours) {
        throw new InvalidSettingError(
            "tls.caValidityHours",
            tls.caValidityHours,
            `${shared.caValidityHours}, the lifetime of the shared CA ${ca.caName}`,
        );
    }
}

const SMOKE_FUNCTION = /^[A-Za-z0-9_.:-]{1,256}$/;

function checkSmokeCheck(smoke: SmokeCheckSettings): void {
    if (smoke.fn !== undefined && (typeof smoke.fn !== "string" || !SMOKE_FUNCTION.test(smoke.fn))) {
        throw new InvalidSettingError(
            "smokeCheck.fn",
            smoke.fn,
            "a chaincode function name (letters, digits and _ . : -, e.g. 'GetAllAssets' or 'basic:GetAllAssets')",
        );
    }
    smoke.args?.forEach((arg, i) => {
        if (typeof arg !== "string") throw new InvalidSettingError(`smokeCheck.args[${i}]`, arg, "a string");
    });
    if (smoke.waitSeconds !== undefined) checkSeconds("smokeCheck.waitSeconds", smoke.waitSeconds, 1);
    if (smoke.commitWaitSeconds !== undefined) checkSeconds("smokeCheck.commitWaitSeconds", smoke.commitWaitSeconds, 0);
}

/** The Service name a chaincode gets by default, refused under the chaincode's name. */
function checkDefaultServiceName(chaincodeName: string): string {
    const serviceName = defaultServiceName(chaincodeName);
    try {
        return checkServiceName("serviceName", serviceName);
    } catch {
        throw new InvalidSettingError(
            "chaincodeName",
            chaincodeName,
            `a name whose Service name (${serviceName}: lower case, '_' as '-') starts with a letter and has at most 63 characters, or a serviceName of its own`,
        );
    }
}

/** The resources of a dependsOn option, as a list (a promise or Output of a list cannot be passed on). */
export function dependenciesOf(
    dependsOn: pulumi.ComponentResourceOptions["dependsOn"],
): pulumi.Input<pulumi.Resource>[] {
    if (dependsOn === undefined) return [];
    if (Array.isArray(dependsOn)) return dependsOn;
    if (pulumi.Resource.isInstance(dependsOn)) return [dependsOn];
    throw new Error("ExternalChaincode: dependsOn must be a resource or a list of resources");
}

/** Checks and defaults the plain arguments; throws InvalidSettingError naming the setting. */
export function checkChaincodeArgs(args: ExternalChaincodeArgs) {
    checkChaincodeName("chaincodeName", args.chaincodeName);
    const version = checkChaincodeVersion("chaincodeVersion", args.chaincodeVersion ?? "1.0");
    const label = checkChaincodeLabel("label", args.label ?? `${args.chaincodeName}_${version}`);
    const namespace = checkDnsLabel("namespace", args.namespace ?? DEFAULT_NAMESPACE);
    if ((args.createNamespace ?? true) && (KUBERNETES_NAMESPACES as readonly string[]).includes(namespace)) {
        throw new InvalidSettingError(
            "namespace",
            namespace,
            "a namespace of the chaincode's own: Kubernetes makes this one itself, so creating it fails and destroying the stack would delete it (createNamespace: false deploys into an existing namespace)",
        );
    }
    // Without a serviceName of its own, the Service is named after the chaincode: a refusal names what the user wrote.
    const serviceName =
        args.serviceName === undefined
            ? checkDefaultServiceName(args.chaincodeName)
            : checkServiceName("serviceName", args.serviceName);
    if (serviceName.length > MAX_RELEASE_SERVICE_NAME) {
        const named = args.serviceName === undefined ? "chaincodeName" : "serviceName";
        throw new InvalidSettingError(
            named,
            named === "chaincodeName" ? args.chaincodeName : serviceName,
            `at most ${MAX_RELEASE_SERVICE_NAME} characters: each release's server is named <serviceName>-<release key>` +
                (named === "chaincodeName"
                    ? ", and the serviceName defaults to the chaincode's name (or set a shorter serviceName)"
                    : ""),
        );
    }
    const port = checkIntegerInRange("port", args.port ?? DEFAULT_CHAINCODE_PORT, 1, 65535);
    if (args.serviceType === "InternalLoadBalancer" && args.address === undefined) {
        throw new InvalidSettingError(
            "address",
            undefined,
            `the host:port peers outside the cluster dial, with {release} in the host (e.g. "${serviceName}-{release}.chaincode.example.internal:${port}"), when serviceType is InternalLoadBalancer: ` +
                "the default is a cluster-internal name; the host goes into the package and the server certificate, and is published for ExternalDNS on each release's load balancer",
        );
    }
    const addressTemplate = checkAddressTemplate(
        "address",
        args.address ?? defaultAddressTemplate(serviceName, namespace, port),
    );
    const dialTimeout = checkGoDuration("dialTimeout", args.dialTimeout ?? DEFAULT_DIAL_TIMEOUT);
    const packageType = args.packageType ?? "ccaas";
    if (!["ccaas", "external"].includes(packageType)) {
        throw new InvalidSettingError("packageType", args.packageType, "'ccaas' or 'external'");
    }
    const tlsEnabled = args.tls?.enabled ?? true;
    const extraSans = args.tls?.extraSans;
    // Items known now are checked now; Outputs are the certificate provider's to check.
    if (Array.isArray(extraSans)) {
        extraSans.forEach((san, i) => {
            if (!pulumi.Output.isInstance(san)) checkSubjectAltName(`tls.extraSans[${i}]`, san);
        });
    }
    const clientGeneration = checkIntegerInRange("tlsClientGeneration", args.tls?.clientGeneration ?? 1, 1, 1_000_000);
    const indexFiles = indexFileDigests(couchDbIndexFiles(args.couchDbIndexes ?? []));
    const releaseContent: ReleaseContent = {
        label,
        type: packageType,
        dialTimeout,
        tls: !tlsEnabled ? "none" : (args.tls?.clientAuth ?? true) ? "mutual" : "server",
        indexFiles,
        clientGeneration,
        sharedCa: tlsEnabled ? args.tls?.ca?.caName : undefined,
    };
    const releaseKey = releaseKeyOf(releaseContent);
    const address = releaseHostPort(addressTemplate, releaseKey, args.address === undefined ? namespace : undefined);
    // Where the server was before releases: kept, under its old names, while the channel runs its package.
    const legacyAddress = `${serviceName}.${namespace}:${port}`;
    return {
        version,
        label,
        namespace,
        serviceName,
        serverName: releaseServerName(serviceName, releaseKey),
        port,
        addressTemplate,
        address,
        legacyAddress,
        releaseKey,
        releaseContent,
    };
}

/**
 * A release's host:port. When the user set no address (`defaultNamespace` is
 * the namespace it was made from) and the made one is no valid host, the
 * namespace is named: it is what the user wrote.
 */
function releaseHostPort(template: string, releaseKey: string, defaultNamespace: string | undefined): string {
    const address = releaseAddress(template, releaseKey);
    try {
        return checkHostPort("address", address);
    } catch (error) {
        if (!(error instanceof InvalidSettingError) || defaultNamespace === undefined) throw error;
        throw new InvalidSettingError(
            "namespace",
            defaultNamespace,
            `a namespace that makes the default address ${address} a host the peers can dial (not all digits), or an address set`,
        );
    }
}
