/**
 * Where a real node keeps everything: one folder, so that containerd, the
 * kubelet and the registry never touch the system's own paths
 * (/etc/containerd, /var/lib/containerd, /run/containerd, /var/lib/kubelet)
 * and two nodes never collide.
 */
import { join } from "node:path";

export interface NodeLayout {
    readonly root: string;
    readonly pki: string;
    readonly logs: string;
    readonly etcdData: string;
    readonly containerdRoot: string;
    readonly containerdState: string;
    readonly containerdSocket: string;
    readonly containerdConfig: string;
    /** hosts.toml per registry (containerd's config_path). */
    readonly containerdRegistries: string;
    readonly cniConfig: string;
    readonly cniState: string;
    readonly kubeletRoot: string;
    readonly kubeletConfig: string;
    readonly podLogs: string;
    readonly kubeProxyConfig: string;
    readonly corefile: string;
    readonly registryConfig: string;
    readonly registryData: string;
    /** The resolv.conf pods with dnsPolicy Default get: the node has no resolver of its own. */
    readonly resolvConf: string;
    /** containers-storage and registries for the image tools (buildah, podman) run inside the node's mount namespace. */
    readonly imageStorage: string;
    readonly imageStorageRun: string;
    readonly containersConfig: string;
    readonly kubeconfigs: string;
    /** The node's record, for `attach` from another process. */
    readonly stateFile: string;
}

export function nodeLayout(root: string): NodeLayout {
    const containerd = join(root, "containerd");
    return {
        root,
        pki: join(root, "pki"),
        logs: join(root, "logs"),
        etcdData: join(root, "etcd"),
        containerdRoot: join(containerd, "root"),
        containerdState: join(containerd, "state"),
        containerdSocket: join(containerd, "state", "containerd.sock"),
        containerdConfig: join(containerd, "config.toml"),
        containerdRegistries: join(containerd, "certs.d"),
        cniConfig: join(root, "cni", "net.d"),
        cniState: join(root, "cni", "state"),
        kubeletRoot: join(root, "kubelet"),
        kubeletConfig: join(root, "kubelet-config.yaml"),
        podLogs: join(root, "pod-logs"),
        kubeProxyConfig: join(root, "kube-proxy-config.yaml"),
        corefile: join(root, "Corefile"),
        registryConfig: join(root, "registry.yaml"),
        registryData: join(root, "registry"),
        resolvConf: join(root, "resolv.conf"),
        imageStorage: join(root, "images", "storage"),
        imageStorageRun: join(root, "images", "run"),
        containersConfig: join(root, "images", "config"),
        kubeconfigs: join(root, "kubeconfig"),
        stateFile: join(root, "node.json"),
    };
}
