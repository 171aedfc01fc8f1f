/**
 * The configuration files of a real node's programs, as text. Pure: what
 * each file says is decided here and checked by the unit tier; the node
 * writes them to its own folder.
 */
import type { NodeAddresses } from "./addresses";
import type { NodeLayout } from "./layout";

/** The node's name in the API (its kubelet's hostname override). */
export const NODE_NAME = "ccaas-node";
export const CLUSTER_DOMAIN = "cluster.local";
/** Debian's containernetworking-plugins puts the CNI plugins here (containerd defaults to /opt/cni/bin). */
export const CNI_PLUGINS_DIR = "/usr/lib/cni";
/** The sandbox ("pause") image the node makes itself: nothing can be pulled. */
export const PAUSE_IMAGE = "localhost/ccaas/pause:1";

export function containerdConfig(layout: NodeLayout): string {
    return `version = 2
root = ${toml(layout.containerdRoot)}
state = ${toml(layout.containerdState)}

[grpc]
  address = ${toml(layout.containerdSocket)}

[plugins."io.containerd.internal.v1.opt"]
  path = ${toml(`${layout.containerdRoot}/opt`)}

[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = ${toml(PAUSE_IMAGE)}
  # The CRI gives each sandbox oom_score_adj -998; a process may not go below its own, so runc fails without this.
  restrict_oom_score_adj = true
  netns_mounts_under_state_dir = true
  stream_server_address = "127.0.0.1"

[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = ${toml(CNI_PLUGINS_DIR)}
  conf_dir = ${toml(layout.cniConfig)}

[plugins."io.containerd.grpc.v1.cri".containerd]
  snapshotter = "overlayfs"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
  runtime_type = "io.containerd.runc.v2"

[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
  # runc, not crun: Debian's crun refuses hybrid cgroup hierarchies.
  BinaryName = "runc"
  Root = ${toml(`${layout.containerdState}/runc`)}
  SystemdCgroup = false

[plugins."io.containerd.grpc.v1.cri".registry]
  config_path = ${toml(layout.containerdRegistries)}
`;
}

/** containerd's hosts.toml for the node's registry: plain HTTP on the node's own address, never leaving the node. */
export function registryHostsToml(addresses: NodeAddresses): string {
    const url = `http://${addresses.registryHost}`;
    return `server = ${toml(url)}

[host.${toml(url)}]
  capabilities = ["pull", "resolve"]
`;
}

/** The pod network: one bridge, host-local addresses from the node's pod range, the default route through the bridge. */
export function cniConfig(addresses: NodeAddresses, layout: NodeLayout): string {
    return `${JSON.stringify(
        {
            cniVersion: "1.0.0",
            name: "ccaas-pods",
            plugins: [
                {
                    type: "bridge",
                    bridge: "cni0",
                    isGateway: true,
                    ipMasq: false,
                    hairpinMode: true,
                    ipam: {
                        type: "host-local",
                        dataDir: layout.cniState,
                        ranges: [[{ subnet: addresses.podCidr, gateway: addresses.podGateway }]],
                        routes: [{ dst: "0.0.0.0/0" }],
                    },
                },
            ],
        },
        null,
        2,
    )}\n`;
}

export interface KubeletFiles {
    readonly caFile: string;
    readonly servingCertFile: string;
    readonly servingKeyFile: string;
}

export function kubeletConfig(
    addresses: NodeAddresses,
    layout: NodeLayout,
    cgroupRoot: string,
    files: KubeletFiles,
): string {
    return `apiVersion: kubelet.config.k8s.io/v1beta1
kind: KubeletConfiguration
address: ${addresses.nodeIp}
readOnlyPort: 0
healthzBindAddress: 127.0.0.1
authentication:
  anonymous:
    enabled: false
  webhook:
    enabled: true
  x509:
    clientCAFile: ${yaml(files.caFile)}
authorization:
  mode: Webhook
tlsCertFile: ${yaml(files.servingCertFile)}
tlsPrivateKeyFile: ${yaml(files.servingKeyFile)}
containerRuntimeEndpoint: ${yaml(`unix://${layout.containerdSocket}`)}
# No systemd on these machines; the node's pods live in a cgroup subtree of their own.
cgroupDriver: cgroupfs
cgroupRoot: ${yaml(cgroupRoot)}
failSwapOn: false
clusterDomain: ${CLUSTER_DOMAIN}
clusterDNS:
  - ${addresses.dnsServiceIp}
resolvConf: ${yaml(layout.resolvConf)}
podLogsDir: ${yaml(layout.podLogs)}
serializeImagePulls: false
# A busy test disk is no reason to evict or to collect the images the node built.
evictionHard:
  memory.available: "100Mi"
  nodefs.available: "1%"
  imagefs.available: "1%"
imageGCHighThresholdPercent: 100
imageGCLowThresholdPercent: 99
# Pods report ready and their removals finish within a test's patience.
syncFrequency: 10s
nodeStatusUpdateFrequency: 5s
`;
}

export function kubeProxyConfig(addresses: NodeAddresses, kubeconfig: string): string {
    return `apiVersion: kubeproxy.config.k8s.io/v1alpha1
kind: KubeProxyConfiguration
clientConnection:
  kubeconfig: ${yaml(kubeconfig)}
hostnameOverride: ${NODE_NAME}
mode: iptables
clusterCIDR: ${addresses.podCidr}
healthzBindAddress: 127.0.0.1:10256
metricsBindAddress: 127.0.0.1:10249
nodePortAddresses:
  - ${addresses.nodeIp}/32
# nf_conntrack_max is the machine's, not the node's: leave it and the timeouts alone.
conntrack:
  maxPerCore: 0
  min: 0
  tcpEstablishedTimeout: 0s
  tcpCloseWaitTimeout: 0s
iptables:
  minSyncPeriod: 0s
  syncPeriod: 30s
`;
}

/** Cluster DNS for the node's zone only: a name outside it gets no answer from anywhere else. */
export function corefile(addresses: NodeAddresses, kubeconfig: string): string {
    return `.:53 {
    bind ${addresses.nodeIp}
    errors
    ready 127.0.0.1:8181
    kubernetes ${CLUSTER_DOMAIN} in-addr.arpa ip6.arpa {
        kubeconfig ${kubeconfig}
        pods insecure
        fallthrough in-addr.arpa ip6.arpa
    }
    cache 5
}
`;
}

export function registryConfig(addresses: NodeAddresses, layout: NodeLayout): string {
    return `version: 0.1
log:
  level: warn
storage:
  filesystem:
    rootdirectory: ${yaml(layout.registryData)}
  delete:
    enabled: true
http:
  addr: ${addresses.registryHost}
`;
}

/** registries.conf for buildah and podman inside the node: its registry speaks plain HTTP, and nothing else may be searched. */
export function containersRegistries(addresses: NodeAddresses): string {
    return `unqualified-search-registries = []

[[registry]]
location = ${toml(addresses.registryHost)}
insecure = true
`;
}

/**
 * containers.conf for podman and buildah inside the node's mount namespace
 * (which keeps the host's network, so builds reach the package registries):
 *   - the host's network for every container and build step, never a bridge
 *     of their own, which would put a bridge and iptables rules on the host;
 *   - the limits this process has: podman's defaults raise them (nofile
 *     1048576), which needs CAP_SYS_RESOURCE, and a sandboxed root lacks it.
 */
export function containersConf(limits: { nofile: number; nproc: number }): string {
    return `[containers]
netns = "host"
default_ulimits = ["nofile=${limits.nofile}:${limits.nofile}", "nproc=${limits.nproc}:${limits.nproc}"]
`;
}

export interface KubeconfigUser {
    readonly name: string;
    readonly certPem: string;
    readonly keyPem: string;
}

/** A kubeconfig with everything embedded, so its contents alone reach the cluster (e.g. as a Pulumi secret). */
export function kubeconfig(server: string, caPem: string, user: KubeconfigUser): string {
    const b64 = (pem: string) => Buffer.from(pem).toString("base64");
    return `apiVersion: v1
kind: Config
clusters:
  - name: ${NODE_NAME}
    cluster:
      server: ${server}
      certificate-authority-data: ${b64(caPem)}
users:
  - name: ${user.name}
    user:
      client-certificate-data: ${b64(user.certPem)}
      client-key-data: ${b64(user.keyPem)}
contexts:
  - name: ${NODE_NAME}
    context:
      cluster: ${NODE_NAME}
      user: ${user.name}
current-context: ${NODE_NAME}
`;
}

/**
 * What the API must hold before the node's add-ons start: their RBAC, the
 * cluster DNS Service (CoreDNS runs on the node's address, so its
 * endpoints are given, not selected).
 */
export function systemManifests(addresses: NodeAddresses): string {
    return `apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ccaas:coredns
rules:
  - apiGroups: [""]
    resources: [endpoints, services, pods, namespaces]
    verbs: [list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [list, watch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ccaas:coredns
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ccaas:coredns
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: User
    name: ccaas:coredns
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: ccaas:kube-router
rules:
  - apiGroups: [""]
    resources: [namespaces, pods, services, nodes, endpoints]
    verbs: [get, list, watch]
  - apiGroups: [networking.k8s.io]
    resources: [networkpolicies]
    verbs: [get, list, watch]
  - apiGroups: [discovery.k8s.io]
    resources: [endpointslices]
    verbs: [get, list, watch]
  - apiGroups: [""]
    resources: [events]
    verbs: [create, patch]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata:
  name: ccaas:kube-router
roleRef:
  apiGroup: rbac.authorization.k8s.io
  kind: ClusterRole
  name: ccaas:kube-router
subjects:
  - apiGroup: rbac.authorization.k8s.io
    kind: User
    name: ccaas:kube-router
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels:
    k8s-app: kube-dns
spec:
  clusterIP: ${addresses.dnsServiceIp}
  ports:
${dnsPorts("    ")}---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: kube-dns-node
  namespace: kube-system
  labels:
    kubernetes.io/service-name: kube-dns
    endpointslice.kubernetes.io/managed-by: ccaas-node
addressType: IPv4
endpoints:
  - addresses: [${addresses.nodeIp}]
    conditions:
      ready: true
ports:
${dnsPorts("  ")}`;
}

/** DNS over UDP and TCP, as the Service and its endpoints list them. */
function dnsPorts(indent: string): string {
    return ["udp", "tcp"]
        .map(
            (protocol) =>
                `${indent}- name: ${protocol === "udp" ? "dns" : "dns-tcp"}\n${indent}  port: 53\n${indent}  protocol: ${protocol.toUpperCase()}\n`,
        )
        .join("");
}

function toml(value: string): string {
    return JSON.stringify(value);
}

function yaml(value: string): string {
    return JSON.stringify(value);
}
