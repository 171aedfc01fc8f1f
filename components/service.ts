import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import {
    chaincodeEnvironment,
    managedEnvironmentNames,
    TLS_CERT_FILE,
    TLS_CLIENT_CA_FILE,
    TLS_KEY_FILE,
    TLS_MOUNT_PATH,
} from "./environment";
import { type KeepOption, keepOptions } from "./keep";
import { InvalidSettingError } from "./validation/errors";
import {
    imageWithDigest,
    parseLabelSelector,
    requireCidr,
    requireDnsLabel,
    requireDnsSubdomain,
    requireImageDigest,
    requireImageReference,
    requireIntegerInRange,
    requireQuantity,
} from "./validation/kubernetes";
import { validateArgs } from "./validation/resourceError";

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

export interface PeerAccess {
    /** Create a NetworkPolicy that admits only the peers. Defaults to true. */
    readonly enabled?: boolean;
    /** Labels ("key=value") of the peer pods. Defaults to ["app.kubernetes.io/component=peer"]. */
    readonly peerPodSelector?: readonly string[];
    /** Labels ("key=value") of the peers' namespaces. Defaults to any namespace. */
    readonly peerNamespaceSelector?: readonly string[];
    /** CIDR blocks of peers outside the cluster. Defaults to none. */
    readonly peerCidrs?: readonly string[];
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
    /** Names of image pull Secrets in the namespace. Defaults to none. */
    readonly imagePullSecrets?: readonly string[];
    /** Which peers may connect. */
    readonly peerAccess?: PeerAccess;
    /** The release this server belongs to (label fabric-ccaas.io/release). Defaults to none. */
    readonly releaseKey?: string;
}

/** Options of a chaincode server; `keep` leaves every object as the state has it. */
export type ChaincodeServiceOptions = pulumi.ComponentResourceOptions & KeepOption;

export const DEFAULT_CHAINCODE_PORT = 9999;
const TLS_CERT_HASH_ANNOTATION = "fabric-ccaas.io/tls-cert-sha256";
export const RELEASE_LABEL = "fabric-ccaas.io/release";

/**
 * The chaincode server on Kubernetes: Namespace, TLS Secret, a hardened
 * Deployment whose CHAINCODE_ID is the package ID, a ClusterIP Service, and a
 * NetworkPolicy that admits only the peers.
 */
export class ChaincodeService extends pulumi.ComponentResource {
    public readonly namespace: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    public readonly deploymentName: pulumi.Output<string>;
    /** Cluster-internal FQDN of the Service. */
    public readonly serviceFqdn: pulumi.Output<string>;
    public readonly port: number;

    constructor(name: string, args: ChaincodeServiceArgs, opts?: ChaincodeServiceOptions) {
        const { keep, ...componentOpts } = opts ?? {};
        super("fabric-ccaas:index:ChaincodeService", name, {}, componentOpts);
        const s = validateArgs(this, () => validateServiceArgs(args));
        const child = { parent: this };
        // A component's dependsOn does not hold back its children: each object waits itself.
        const childOptions = (props: object, derived?: string[]) => keepOptions(props, { parent: this, keep, dependsOn: componentOpts.dependsOn }, derived);

        const namespace = args.createNamespace ?? true
            ? new k8s.core.v1.Namespace(`${name}-ns`, { metadata: { name: s.namespace, labels: s.commonLabels } }, child)
                  .metadata.name
            : pulumi.output(s.namespace);

        const selector = {
            "app.kubernetes.io/name": args.chaincodeName,
            "app.kubernetes.io/instance": s.serviceName,
        };
        const labels = { ...s.commonLabels, ...selector, ...(args.releaseKey ? { [RELEASE_LABEL]: args.releaseKey } : {}) };

        let tlsSecret: k8s.core.v1.Secret | undefined;
        if (args.tls) {
            const stringData: Record<string, pulumi.Input<string>> = {
                "tls.crt": args.tls.certPem,
                "tls.key": pulumi.secret(args.tls.keyPem),
            };
            if (args.tls.clientCaPem !== undefined) stringData["client-ca.crt"] = args.tls.clientCaPem;
            const secretProps = { metadata: { name: `${s.serviceName}-tls`, namespace, labels }, type: "kubernetes.io/tls", stringData };
            tlsSecret = new k8s.core.v1.Secret(`${name}-tls`, secretProps, childOptions(secretProps, ["data"]));
        }

        const env = pulumi.output(args.packageId).apply((packageId) =>
            chaincodeEnvironment({
                packageId,
                port: s.port,
                tls: !!args.tls,
                clientAuth: !!args.tls?.clientCaPem,
                extra: args.env,
            }),
        );
        // A renewed certificate must restart the pods; the hash of the public cert does that.
        const podAnnotations = args.tls
            ? pulumi.output(args.tls.certPem).apply((pem) => ({ [TLS_CERT_HASH_ANNOTATION]: sha256Hex(pem) }))
            : {};

        const deploymentProps: k8s.apps.v1.DeploymentArgs = {
                metadata: { name: s.serviceName, namespace, labels },
                spec: {
                    replicas: s.replicas,
                    selector: { matchLabels: selector },
                    template: {
                        metadata: { labels, annotations: podAnnotations },
                        spec: {
                            automountServiceAccountToken: false,
                            enableServiceLinks: false,
                            imagePullSecrets: args.imagePullSecrets?.map((secretName) => ({ name: secretName })),
                            securityContext: {
                                runAsNonRoot: true,
                                runAsUser: s.runAsUser,
                                runAsGroup: s.runAsUser,
                                fsGroup: s.runAsUser,
                                seccompProfile: { type: "RuntimeDefault" },
                            },
                            containers: [
                                {
                                    name: "chaincode",
                                    image: pulumi.output(args.image).apply((image) =>
                                        imageWithDigest(requireImageReference("image", image), s.imageDigest),
                                    ),
                                    ports: [{ name: "grpc", containerPort: s.port, protocol: "TCP" }],
                                    env,
                                    readinessProbe: {
                                        tcpSocket: { port: s.port },
                                        initialDelaySeconds: 2,
                                        periodSeconds: 5,
                                        failureThreshold: 3,
                                    },
                                    livenessProbe: {
                                        tcpSocket: { port: s.port },
                                        initialDelaySeconds: 10,
                                        periodSeconds: 10,
                                        failureThreshold: 6,
                                    },
                                    resources: {
                                        requests: { cpu: s.resources.cpuRequest, memory: s.resources.memoryRequest },
                                        limits: { cpu: s.resources.cpuLimit, memory: s.resources.memoryLimit },
                                    },
                                    securityContext: {
                                        runAsNonRoot: true,
                                        allowPrivilegeEscalation: false,
                                        readOnlyRootFilesystem: true,
                                        capabilities: { drop: ["ALL"] },
                                    },
                                    volumeMounts: [
                                        { name: "tmp", mountPath: "/tmp" },
                                        ...(tlsSecret ? [{ name: "tls", mountPath: TLS_MOUNT_PATH, readOnly: true }] : []),
                                    ],
                                },
                            ],
                            volumes: [
                                { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
                                ...(tlsSecret
                                    ? [
                                          {
                                              name: "tls",
                                              secret: {
                                                  secretName: tlsSecret.metadata.name,
                                                  defaultMode: 0o440,
                                                  items: tlsItems(!!args.tls?.clientCaPem),
                                              },
                                          },
                                      ]
                                    : []),
                            ],
                        },
                    },
                },
            };
        const deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, deploymentProps, childOptions(deploymentProps));

        const serviceProps: k8s.core.v1.ServiceArgs = {
            // The Kubernetes provider's Service wait adds a fixed 10 s "settle" after every change of its
            // endpoints; the Deployment's rollout wait already proves the pods ready, and the smoke check the path.
            metadata: { name: s.serviceName, namespace, labels, annotations: { "pulumi.com/skipAwait": "true" } },
            spec: {
                type: "ClusterIP",
                selector,
                ports: [{ name: "grpc", port: s.port, targetPort: s.port, protocol: "TCP" }],
            },
        };
        const service = new k8s.core.v1.Service(`${name}-service`, serviceProps, childOptions(serviceProps));

        if (s.networkPolicy) {
            const from: k8s.types.input.networking.v1.NetworkPolicyPeer[] = [
                {
                    podSelector: { matchLabels: s.networkPolicy.pods },
                    namespaceSelector: { matchLabels: s.networkPolicy.namespaces },
                },
                ...s.networkPolicy.cidrs.map((cidr) => ({ ipBlock: { cidr } })),
            ];
            const policyProps: k8s.networking.v1.NetworkPolicyArgs = {
                metadata: { name: `${s.serviceName}-peers`, namespace, labels },
                spec: {
                    podSelector: { matchLabels: selector },
                    policyTypes: ["Ingress"],
                    ingress: [{ from, ports: [{ protocol: "TCP", port: s.port }] }],
                },
            };
            new k8s.networking.v1.NetworkPolicy(`${name}-peers`, policyProps, childOptions(policyProps));
        }

        this.namespace = namespace;
        this.serviceName = service.metadata.name;
        this.deploymentName = deployment.metadata.name;
        this.serviceFqdn = pulumi.interpolate`${service.metadata.name}.${namespace}.svc.cluster.local`;
        this.port = s.port;
        this.registerOutputs({
            namespace: this.namespace,
            serviceName: this.serviceName,
            deploymentName: this.deploymentName,
            serviceFqdn: this.serviceFqdn,
        });
    }
}

function tlsItems(withClientCa: boolean) {
    const items = [
        { key: "tls.crt", path: basename(TLS_CERT_FILE) },
        { key: "tls.key", path: basename(TLS_KEY_FILE) },
    ];
    if (withClientCa) items.push({ key: "client-ca.crt", path: basename(TLS_CLIENT_CA_FILE) });
    return items;
}

function basename(path: string): string {
    return path.slice(path.lastIndexOf("/") + 1);
}

function sha256Hex(text: string): string {
    return createHash("sha256").update(text).digest("hex");
}

interface ServiceSettings {
    namespace: string;
    serviceName: string;
    imageDigest?: string;
    replicas: number;
    port: number;
    runAsUser: number;
    resources: Required<ResourceSettings>;
    commonLabels: Record<string, string>;
    networkPolicy?: { pods: Record<string, string>; namespaces: Record<string, string>; cidrs: string[] };
}

/** Checks every plain argument; throws InvalidSettingError naming the setting. */
export function validateServiceArgs(args: ChaincodeServiceArgs): ServiceSettings {
    const namespace = requireDnsLabel("namespace", args.namespace);
    const serviceName = requireDnsLabel("serviceName", args.serviceName);
    if (typeof args.image === "string") requireImageReference("image", args.image);
    const imageDigest = args.imageDigest === undefined ? undefined : requireImageDigest("imageDigest", args.imageDigest);
    const replicas = requireIntegerInRange("replicas", args.replicas ?? 1, 0, 100);
    const port = requireIntegerInRange("port", args.port ?? DEFAULT_CHAINCODE_PORT, 1, 65535);
    const runAsUser = requireIntegerInRange("runAsUser", args.runAsUser ?? 10001, 1, 2147483647);
    const resources = {
        cpuRequest: requireQuantity("cpuRequest", args.resources?.cpuRequest ?? "100m"),
        memoryRequest: requireQuantity("memoryRequest", args.resources?.memoryRequest ?? "128Mi"),
        cpuLimit: requireQuantity("cpuLimit", args.resources?.cpuLimit ?? "500m"),
        memoryLimit: requireQuantity("memoryLimit", args.resources?.memoryLimit ?? "512Mi"),
    };
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
    for (const [key, value] of Object.entries(args.env ?? {})) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || typeof value !== "string") {
            throw new InvalidSettingError("env", key, "variable names of letters, digits and '_' with string values");
        }
        // A server registering under another ID than the package's makes the peer wait 300 s, then fail.
        if (managed.includes(key)) {
            throw new InvalidSettingError("env", key, `a variable the Deployment does not set itself; it sets ${managed.join(", ")} from the package ID, port and TLS settings`);
        }
    }
    (args.imagePullSecrets ?? []).forEach((secret, i) => {
        requireDnsSubdomain(`imagePullSecrets[${i}]`, secret);
    });
    const access = args.peerAccess ?? {};
    const networkPolicy =
        access.enabled ?? true
            ? {
                  pods: parseLabelSelector("peerPodSelector", access.peerPodSelector ?? ["app.kubernetes.io/component=peer"]),
                  namespaces: parseLabelSelector("peerNamespaceSelector", access.peerNamespaceSelector ?? []),
                  cidrs: (access.peerCidrs ?? []).map((cidr) => requireCidr("peerCidrs", cidr)),
              }
            : undefined;
    return { namespace, serviceName, imageDigest, replicas, port, runAsUser, resources, commonLabels, networkPolicy };
}
