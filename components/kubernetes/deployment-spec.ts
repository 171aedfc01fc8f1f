/**
 * The chaincode server's Deployment, as a pure function of its settings: the
 * hardening (non-root, read-only root, no capabilities, no API token), the
 * probes and the rollout timing that keep the peers' calls served. Tested
 * without Pulumi (test/unit/deployment-spec.test.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { TLS_CERT_FILE, TLS_CLIENT_CA_FILE, TLS_KEY_FILE, TLS_MOUNT_PATH } from "./environment";

/** How long endpoint changes take to reach every node's Service routing and policy rules, with margin. */
export const ENDPOINT_SETTLE_SECONDS = 5;

const SPREAD_TOPOLOGIES = ["topology.kubernetes.io/zone", "kubernetes.io/hostname"];

export interface DeploymentSpecInputs {
    readonly name: string;
    readonly namespace: pulumi.Input<string>;
    /** Every object's labels; `selector` is a part of them. */
    readonly labels: Record<string, string>;
    readonly selector: Record<string, string>;
    readonly replicas: number;
    readonly port: number;
    readonly runAsUser: number;
    readonly resources: { cpuRequest: string; memoryRequest: string; cpuLimit: string; memoryLimit: string };
    readonly serviceAccountName: pulumi.Input<string>;
    readonly imagePullSecrets?: readonly string[];
    /** The image reference, pinned by digest where one is known. */
    readonly image: pulumi.Input<string>;
    readonly imagePullPolicy: pulumi.Input<string>;
    readonly env: pulumi.Input<k8s.types.input.core.v1.EnvVar[]>;
    readonly podAnnotations: pulumi.Input<Record<string, string>>;
    /** The TLS Secret mounted read-only at TLS_MOUNT_PATH; undefined without TLS. */
    readonly tls?: { readonly secretName: pulumi.Input<string>; readonly withClientCa: boolean };
}

export function deploymentSpec(inputs: DeploymentSpecInputs): k8s.apps.v1.DeploymentArgs {
    const { labels, selector, resources } = inputs;
    return {
        metadata: { name: inputs.name, namespace: inputs.namespace, labels },
        spec: {
            replicas: inputs.replicas,
            // A new pod counts as available (and an old one goes) only once kube-proxy and the
            // NetworkPolicy enforcer have had time to route to it: peers never meet an empty Service.
            minReadySeconds: ENDPOINT_SETTLE_SECONDS,
            selector: { matchLabels: selector },
            template: {
                metadata: { labels, annotations: inputs.podAnnotations },
                spec: {
                    serviceAccountName: inputs.serviceAccountName,
                    automountServiceAccountToken: false,
                    enableServiceLinks: false,
                    imagePullSecrets: inputs.imagePullSecrets?.map((secretName) => ({ name: secretName })),
                    securityContext: {
                        runAsNonRoot: true,
                        runAsUser: inputs.runAsUser,
                        runAsGroup: inputs.runAsUser,
                        fsGroup: inputs.runAsUser,
                        seccompProfile: { type: "RuntimeDefault" },
                    },
                    // Replicas on different zones and nodes, where the cluster has them.
                    topologySpreadConstraints: SPREAD_TOPOLOGIES.map((topologyKey) => ({
                        maxSkew: 1,
                        topologyKey,
                        whenUnsatisfiable: "ScheduleAnyway",
                        labelSelector: { matchLabels: selector },
                    })),
                    containers: [
                        {
                            name: "chaincode",
                            image: inputs.image,
                            imagePullPolicy: inputs.imagePullPolicy,
                            ports: [{ name: "grpc", containerPort: inputs.port, protocol: "TCP" }],
                            env: inputs.env,
                            // A terminating pod is dropped from the Service at once, but nodes learn that a moment
                            // later: it keeps serving meanwhile, then SIGTERM lets calls in flight finish.
                            lifecycle: { preStop: { sleep: { seconds: ENDPOINT_SETTLE_SECONDS } } },
                            // Probed every second: a rollout waits for Ready, and a TCP connect costs the server nothing.
                            readinessProbe: {
                                tcpSocket: { port: inputs.port },
                                initialDelaySeconds: 1,
                                periodSeconds: 1,
                                failureThreshold: 3,
                            },
                            livenessProbe: {
                                tcpSocket: { port: inputs.port },
                                initialDelaySeconds: 10,
                                periodSeconds: 10,
                                failureThreshold: 6,
                            },
                            resources: {
                                requests: { cpu: resources.cpuRequest, memory: resources.memoryRequest },
                                limits: { cpu: resources.cpuLimit, memory: resources.memoryLimit },
                            },
                            securityContext: {
                                runAsNonRoot: true,
                                allowPrivilegeEscalation: false,
                                readOnlyRootFilesystem: true,
                                capabilities: { drop: ["ALL"] },
                            },
                            volumeMounts: [
                                { name: "tmp", mountPath: "/tmp" },
                                ...(inputs.tls ? [{ name: "tls", mountPath: TLS_MOUNT_PATH, readOnly: true }] : []),
                            ],
                        },
                    ],
                    volumes: [
                        { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
                        ...(inputs.tls
                            ? [
                                  {
                                      name: "tls",
                                      secret: {
                                          secretName: inputs.tls.secretName,
                                          defaultMode: 0o440,
                                          items: tlsItems(inputs.tls.withClientCa),
                                      },
                                  },
                              ]
                            : []),
                    ],
                },
            },
        },
    };
}

/** The Secret's keys under the file names the chaincode server reads. */
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
