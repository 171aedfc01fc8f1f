import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import { deploymentSpec } from "./deployment-spec";
import { secretEnvironment } from "./secret-environment";
import { chaincodeEnvironment, managedEnvironmentNames } from "./environment";
import { type KeepOption, keepOptions } from "./keep";
import {
    describePeerAccess,
    type PeerAccess,
    peerAccessPolicySpec,
    type PeerAccessSettings,
    checkPeerAccess,
} from "./peer-access";
import { ownedNamespaceLabels } from "./pod-security";
import { InvalidSettingError } from "../validation/errors";
import {
    imageWithDigest,
    parseLabelSelector,
    checkDnsLabel,
    checkDnsSubdomain,
    checkImageDigest,
    checkImageReference,
    checkIntegerInRange,
    checkQuantity,
    checkRequestWithinLimit,
    checkServiceName,
} from "../validation/kubernetes";
import type { NameOf } from "../setting-names";
import { checkArgs } from "../validation/resource-error";

/** TLS material the chaincode server serves with. */
export interface ChaincodeServerTls {
    /** Server certificate PEM (public). */
    readonly certPem: pulumi.Input<string>;
    /** Server private key PEM; kept secret. */
    readonly keyPem: pulumi.Input<string>;
    /** CA that signs the peers' client certificates; set for mutual TLS. */
    readonly clientCaPem?: pulumi.Input<string>;
}

export interface ResourceSettings {
    /** Defaults to "100m". */
    readonly cpuRequest?: string;
    /** Defaults to "128Mi". */
    readonly memoryRequest?: string;
    /** Defaults to "500m". */
    readonly cpuLimit?: string;
    /** Defaults to "512Mi". */
    readonly memoryLimit?: string;
}

export interface ChaincodeServiceArgs {
    /** Chaincode name, used in labels. */
    readonly chaincodeName: string;
    /** Chaincode version, used in the app.kubernetes.io/version label. Defaults to none. */
    readonly chaincodeVersion?: string;
    /** Namespace of every object. */
    readonly namespace: string;
    /** Create the namespace (false: it exists already). Defaults to true. */
    readonly createNamespace?: boolean;
    /** Name of the Service and Deployment; the DNS name peers dial. */
    readonly serviceName: string;
    /** Container image of the chaincode server. */
    readonly image: pulumi.Input<string>;
    /** Pin the image by this digest ("sha256:..."). Defaults to none (the tag is used). */
    readonly imageDigest?: string;
    /** Defaults to 1. */
    readonly replicas?: number;
    /** Port the chaincode server listens on. Defaults to 9999. */
    readonly port?: number;
    /** The installed package ID, passed to the server as CHAINCODE_ID. */
    readonly packageId: pulumi.Input<string>;
    /** Serve TLS; omit for a plain-text server. */
    readonly tls?: ChaincodeServerTls;
    /** Container requests and limits. */
    readonly resources?: ResourceSettings;
    /** UID the container runs as (non-root). Defaults to 10001. */
    readonly runAsUser?: number;
    /** Extra environment variables; they win over the generated ones. */
    readonly env?: Readonly<Record<string, string>>;
    /**
     * Environment variables whose values are secrets: they live in a
     * Kubernetes Secret the pods read (valueFrom.secretKeyRef), never in the
     * Deployment, and a change restarts the pods. Names as for `env`, not in
     * both. Defaults to none.
     */
    readonly secretEnv?: Readonly<Record<string, pulumi.Input<string>>>;
    /** Names of image pull Secrets in the namespace. Defaults to none. */
    readonly imagePullSecrets?: readonly string[];
    /** Which peers may connect. */
    readonly peerAccess?: PeerAccess;
    /** The release this server belongs to (label fabric-ccaas.io/release). Defaults to none. */
    readonly releaseKey?: string;
    /**
     * "ClusterIP" for peers in the cluster; "InternalLoadBalancer" for peers
     * outside it (another VNet, on premises) through an Azure internal load
     * balancer that keeps their source address. Defaults to "ClusterIP".
     */
    readonly serviceType?: ServiceType;
    /** Subnet of the cluster's VNet the internal load balancer takes its address from. Defaults to the nodes' subnet. */
    readonly loadBalancerSubnet?: string;
    /** Host name peers outside the cluster dial; published by ExternalDNS (annotation) with an internal load balancer. Defaults to none. */
    readonly externalHost?: string;
    /**
     * The channel runs this server: what only a newer version of this library
     * adds to its pods and policy (service account, spread, pull policy, the
     * policy's default peers) waits for the next release, so an upgrade of the
     * library restarts nothing. Defaults to false.
     */
    readonly running?: boolean;
}

export type ServiceType = "ClusterIP" | "InternalLoadBalancer";
export const SERVICE_TYPES: readonly ServiceType[] = ["ClusterIP", "InternalLoadBalancer"];

/** Options of a chaincode server; `keep` leaves every object as the state has it. */
export type ChaincodeServiceOptions = pulumi.ComponentResourceOptions & KeepOption;

export const DEFAULT_CHAINCODE_PORT = 9999;
const TLS_CERT_HASH_ANNOTATION = "fabric-ccaas.io/tls-cert-sha256";
const SECRET_ENV_REVISION_ANNOTATION = "fabric-ccaas.io/secret-env-revision";
export const RELEASE_LABEL = "fabric-ccaas.io/release";

/**
 * The chaincode server on Kubernetes: Namespace (restricted Pod Security),
 * TLS Secret, a token-less ServiceAccount, a hardened Deployment whose
 * CHAINCODE_ID is the package ID, a Service, a PodDisruptionBudget with more
 * than one replica, and a NetworkPolicy that admits only the peers.
 *
 * @example
 * ```ts
 * new ChaincodeService("basic-server", {
 *     chaincodeName: "basic",
 *     namespace: "hlf-org1",
 *     serviceName: "basic",
 *     image: "myacr.azurecr.io/basic:1.0",
 *     packageId: "basic_1.0:3f0a…",
 *     replicas: 2,
 * }, { providers: [cluster] });
 * ```
 */
export class ChaincodeService extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly deploymentName: pulumi.Output<string>;
    /** Cluster-internal FQDN of the Service. */
    public readonly serviceFqdn: pulumi.Output<string>;
    /** The internal load balancer's address; undefined with a ClusterIP Service. */
    public readonly loadBalancerAddress: pulumi.Output<string> | undefined;
    public readonly port: number;

    constructor(name: string, args: ChaincodeServiceArgs, opts?: ChaincodeServiceOptions) {
        const { keep, ...componentOpts } = opts ?? {};
        super("fabric-ccaas:index:ChaincodeService", name, {}, componentOpts);
        const s = checkArgs(this, () => checkServiceArgs(args));
        const child = { parent: this };
        // A component's dependsOn does not hold back its children: each object waits itself.
        const childOptions = (props: object, derived?: string[], held: string[] = []) => {
            const options = keepOptions(props, { parent: this, keep, dependsOn: componentOpts.dependsOn }, derived);
            return held.length && !keep ? { ...options, ignoreChanges: held } : options;
        };
        const running = args.running ?? false;

        const namespace =
            (args.createNamespace ?? true)
                ? new k8s.core.v1.Namespace(
                      `${name}-ns`,
                      { metadata: { name: s.namespace, labels: ownedNamespaceLabels(s.commonLabels) } },
                      child,
                  ).metadata.name
                : pulumi.output(s.namespace);

        const selector = {
            "app.kubernetes.io/name": args.chaincodeName,
            "app.kubernetes.io/instance": s.serviceName,
        };
        const labels = {
            ...s.commonLabels,
            ...selector,
            ...(args.releaseKey ? { [RELEASE_LABEL]: args.releaseKey } : {}),
        };

        let tlsSecret: k8s.core.v1.Secret | undefined;
        if (args.tls) {
            const stringData: Record<string, pulumi.Input<string>> = {
                "tls.crt": args.tls.certPem,
                "tls.key": pulumi.secret(args.tls.keyPem),
            };
            if (args.tls.clientCaPem !== undefined) stringData["client-ca.crt"] = args.tls.clientCaPem;
            // Named by its contents: the Kubernetes provider replaces a Secret whose data changes, and one replaced
            // under the same name goes first and takes the Deployment with it (an outage). A new name makes a renewal
            // a new Secret beside the old one, the Deployment rolls onto it, and the old one goes last.
            const secretName = pulumi
                .all([args.tls.certPem, args.tls.clientCaPem ?? ""])
                .apply(
                    ([certPem, clientCaPem]) =>
                        `${s.serviceName}-tls-${sha256Hex(`${certPem}\n${clientCaPem}`).slice(0, 10)}`,
                );
            const secretProps = {
                metadata: { name: secretName, namespace, labels },
                type: "kubernetes.io/tls",
                stringData,
            };
            tlsSecret = new k8s.core.v1.Secret(`${name}-tls`, secretProps, childOptions(secretProps, ["data"]));
        }

        // The server's own identity, with no API token: it never talks to the API server.
        const accountProps: k8s.core.v1.ServiceAccountArgs = {
            metadata: { name: s.serviceName, namespace, labels },
            automountServiceAccountToken: false,
        };
        const account = new k8s.core.v1.ServiceAccount(`${name}-account`, accountProps, childOptions(accountProps));

        const envSecret = s.secretEnvNames.length
            ? secretEnvironment(
                  `${name}-env`,
                  { name: `${s.serviceName}-env`, namespace, labels },
                  args.secretEnv ?? {},
                  childOptions,
              )
            : undefined;
        const env = pulumi.all([args.packageId, envSecret?.metadata.name]).apply(([packageId, secretName]) => [
            ...chaincodeEnvironment({
                packageId,
                port: s.port,
                tls: !!args.tls,
                clientAuth: !!args.tls?.clientCaPem,
                extra: args.env,
            }),
            ...s.secretEnvNames.map((variable) => ({
                name: variable,
                valueFrom: { secretKeyRef: { name: secretName as string, key: variable } },
            })),
        ]);
        // A renewed certificate must restart the pods; the hash of the public cert does that. A changed secret
        // variable does through the Secret's resourceVersion (a hash of the values would tell of them).
        const podAnnotations = pulumi
            .all([args.tls?.certPem, envSecret?.metadata.resourceVersion])
            .apply(([certPem, envRevision]) => ({
                ...(certPem === undefined ? {} : { [TLS_CERT_HASH_ANNOTATION]: sha256Hex(certPem) }),
                ...(envRevision === undefined ? {} : { [SECRET_ENV_REVISION_ANNOTATION]: envRevision }),
            }));
        const image = pulumi
            .output(args.image)
            .apply((reference) => imageWithDigest(checkImageReference("image", reference), s.imageDigest));

        const deploymentProps = deploymentSpec({
            name: s.serviceName,
            namespace,
            labels,
            selector,
            replicas: s.replicas,
            port: s.port,
            runAsUser: s.runAsUser,
            resources: s.resources,
            serviceAccountName: account.metadata.name,
            imagePullSecrets: args.imagePullSecrets,
            image,
            imagePullPolicy: image.apply(pullPolicyOf),
            env,
            podAnnotations,
            tls: tlsSecret && { secretName: tlsSecret.metadata.name, withClientCa: !!args.tls?.clientCaPem },
        });
        const deployment = new k8s.apps.v1.Deployment(
            `${name}-deployment`,
            deploymentProps,
            childOptions(deploymentProps, [], running ? HELD_POD_FIELDS : []),
        );

        if (s.replicas > 1) {
            // A node drain or cluster upgrade takes one replica at a time.
            const budgetProps: k8s.policy.v1.PodDisruptionBudgetArgs = {
                metadata: { name: s.serviceName, namespace, labels },
                spec: { maxUnavailable: 1, selector: { matchLabels: selector } },
            };
            new k8s.policy.v1.PodDisruptionBudget(`${name}-budget`, budgetProps, childOptions(budgetProps));
        }

        const internalLoadBalancer = s.serviceType === "InternalLoadBalancer";
        const serviceProps: k8s.core.v1.ServiceArgs = {
            metadata: { name: s.serviceName, namespace, labels, annotations: serviceAnnotations(s, args.externalHost) },
            spec: {
                type: internalLoadBalancer ? "LoadBalancer" : "ClusterIP",
                // The peers' own addresses reach the pods, so peerCidrs in the NetworkPolicy match them.
                externalTrafficPolicy: internalLoadBalancer ? "Local" : undefined,
                selector,
                ports: [{ name: "grpc", port: s.port, targetPort: s.port, protocol: "TCP" }],
            },
        };
        const service = new k8s.core.v1.Service(`${name}-service`, serviceProps, childOptions(serviceProps));

        if (s.peerAccess) {
            void pulumi.log.info(`${s.serviceName}: the NetworkPolicy ${describePeerAccess(s.peerAccess)}`, this);
            const policyProps: k8s.networking.v1.NetworkPolicyArgs = {
                metadata: { name: `${s.serviceName}-peers`, namespace, labels },
                spec: peerAccessPolicySpec(s.peerAccess, selector, s.port),
            };
            // On a running server, who is admitted changes only when the user changes it.
            const held = running
                ? ["spec.policyTypes", "spec.egress", ...(s.peerAccess.defaulted ? ["spec.ingress"] : [])]
                : [];
            new k8s.networking.v1.NetworkPolicy(`${name}-peers`, policyProps, childOptions(policyProps, [], held));
        }

        this.namespace = namespace;
        this.serviceName = service.metadata.name;
        this.deploymentName = deployment.metadata.name;
        this.serviceFqdn = pulumi.interpolate`${service.metadata.name}.${namespace}.svc.cluster.local`;
        this.loadBalancerAddress = internalLoadBalancer
            ? service.status.apply(
                  (status) =>
                      status?.loadBalancer?.ingress?.[0]?.ip ?? status?.loadBalancer?.ingress?.[0]?.hostname ?? "",
              )
            : undefined;
        this.port = s.port;
        this.registerOutputs({
            namespace: this.namespace,
            serviceName: this.serviceName,
            deploymentName: this.deploymentName,
            serviceFqdn: this.serviceFqdn,
            loadBalancerAddress: this.loadBalancerAddress,
        });
    }
}

/**
 * Pod fields a newer library version may add: held on a running server, so an upgrade rolls it only where it
 * must (once, from versions that named the TLS Secret after the server alone: see the Secret's name).
 */
const HELD_POD_FIELDS = [
    "spec.template.spec.serviceAccountName",
    "spec.template.spec.topologySpreadConstraints",
    "spec.template.spec.containers[0].imagePullPolicy",
];

/** A digest names fixed bytes, kept once pulled; a tag can move, so it is pulled on every start. */
export function pullPolicyOf(image: string): "IfNotPresent" | "Always" {
    return /@sha256:[0-9a-f]{64}$/.test(image) ? "IfNotPresent" : "Always";
}

function serviceAnnotations(s: ServiceSettings, externalHost: string | undefined): Record<string, string> {
    if (s.serviceType === "ClusterIP") {
        // The Kubernetes provider's Service wait adds a fixed 10 s "settle" after every change of its
        // endpoints; the Deployment's rollout wait already proves the pods ready, and the smoke check the path.
        return { "pulumi.com/skipAwait": "true" };
    }
    // Without skipAwait the up waits for the load balancer's address.
    return {
        "service.beta.kubernetes.io/azure-load-balancer-internal": "true",
        ...(s.loadBalancerSubnet
            ? { "service.beta.kubernetes.io/azure-load-balancer-internal-subnet": s.loadBalancerSubnet }
            : {}),
        ...(externalHost ? { "external-dns.alpha.kubernetes.io/hostname": externalHost } : {}),
    };
}

function sha256Hex(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

interface ServiceSettings {
    namespace: string;
    serviceName: string;
    imageDigest?: string;
    /** The secretEnv variables' names, sorted (their values stay Inputs). */
    secretEnvNames: string[];
    replicas: number;
    port: number;
    runAsUser: number;
    resources: Required<ResourceSettings>;
    commonLabels: Record<string, string>;
    peerAccess?: PeerAccessSettings;
    serviceType: ServiceType;
    loadBalancerSubnet?: string;
}

/** Checks every plain argument; throws InvalidSettingError naming the setting. */
export function checkServiceArgs(args: ChaincodeServiceArgs, nameOf: NameOf = (path) => path): ServiceSettings {
    const namespace = checkDnsLabel("namespace", args.namespace);
    const serviceName = checkServiceName("serviceName", args.serviceName);
    if (typeof args.image === "string") checkImageReference("image", args.image);
    const imageDigest = args.imageDigest === undefined ? undefined : checkImageDigest("imageDigest", args.imageDigest);
    const replicas = checkIntegerInRange("replicas", args.replicas ?? 1, 0, 100);
    const port = checkIntegerInRange("port", args.port ?? DEFAULT_CHAINCODE_PORT, 1, 65535);
    const runAsUser = checkIntegerInRange("runAsUser", args.runAsUser ?? 10001, 1, 2147483647);
    const resources = {
        cpuRequest: checkQuantity("resources.cpuRequest", args.resources?.cpuRequest ?? "100m"),
        memoryRequest: checkQuantity("resources.memoryRequest", args.resources?.memoryRequest ?? "128Mi"),
        cpuLimit: checkQuantity("resources.cpuLimit", args.resources?.cpuLimit ?? "500m"),
        memoryLimit: checkQuantity("resources.memoryLimit", args.resources?.memoryLimit ?? "512Mi"),
    };
    for (const kind of ["cpu", "memory"] as const) {
        const quantity = (part: "Request" | "Limit") => ({
            setting: nameOf(`resources.${kind}${part}`),
            value: resources[`${kind}${part}`],
            given: args.resources?.[`${kind}${part}`] !== undefined,
        });
        checkRequestWithinLimit(quantity("Request"), quantity("Limit"));
    }
    const commonLabels: Record<string, string> = {
        "app.kubernetes.io/component": "chaincode",
        "app.kubernetes.io/part-of": "hyperledger-fabric",
        "app.kubernetes.io/managed-by": "pulumi",
    };
    // Label values are checked like any selector term.
    parseLabelSelector("chaincodeName", [`app.kubernetes.io/name=${args.chaincodeName}`]);
    if (args.chaincodeVersion !== undefined) {
        Object.assign(
            commonLabels,
            parseLabelSelector("chaincodeVersion", [`app.kubernetes.io/version=${args.chaincodeVersion}`]),
        );
    }
    const managed = managedEnvironmentNames();
    const secretEnvNames = Object.keys(args.secretEnv ?? {}).sort();
    const variables: Array<[setting: string, name: string, value: unknown]> = [
        ...Object.entries(args.env ?? {}).map(([key, value]): [string, string, unknown] => ["env", key, value]),
        ...secretEnvNames.map((key): [string, string, unknown] => ["secretEnv", key, "(secret)"]),
    ];
    for (const [setting, key, value] of variables) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || typeof value !== "string") {
            throw new InvalidSettingError(setting, key, "variable names of letters, digits and '_' with string values");
        }
        // A server registering under another ID than the package's makes the peer wait 300 s, then fail.
        if (managed.includes(key)) {
            throw new InvalidSettingError(
                setting,
                key,
                `a variable the Deployment does not set itself; it sets ${managed.join(", ")} from the package ID, port and TLS settings`,
            );
        }
    }
    const twice = secretEnvNames.find((variable) => variable in (args.env ?? {}));
    if (twice !== undefined)
        throw new InvalidSettingError("secretEnv", twice, "a variable not also in env (one value, plain or secret)");
    (args.imagePullSecrets ?? []).forEach((secret, i) => {
        checkDnsSubdomain(`imagePullSecrets[${i}]`, secret);
    });
    const peerAccess = checkPeerAccess(args.peerAccess ?? {}, namespace);
    const serviceType = args.serviceType ?? "ClusterIP";
    if (!SERVICE_TYPES.includes(serviceType))
        throw new InvalidSettingError("serviceType", serviceType, `one of ${SERVICE_TYPES.join(", ")}`);
    const loadBalancerSubnet = args.loadBalancerSubnet;
    if (loadBalancerSubnet !== undefined) {
        if (serviceType !== "InternalLoadBalancer") {
            throw new InvalidSettingError(
                "loadBalancerSubnet",
                loadBalancerSubnet,
                "to be set only with serviceType: InternalLoadBalancer",
            );
        }
        if (!/^[A-Za-z0-9]([A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/.test(loadBalancerSubnet)) {
            throw new InvalidSettingError(
                "loadBalancerSubnet",
                loadBalancerSubnet,
                "an Azure subnet name of the cluster's VNet (1-80 letters, digits, '_', '.', '-')",
            );
        }
    }
    return {
        namespace,
        serviceName,
        imageDigest,
        secretEnvNames,
        replicas,
        port,
        runAsUser,
        resources,
        commonLabels,
        peerAccess,
        serviceType,
        loadBalancerSubnet,
    };
}
