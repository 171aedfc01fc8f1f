/** A local Kubernetes for the full-stack tier: kwok control plane plus a local runner for the chaincode Deployment. */
export { KwokCluster, type KwokClusterOptions } from "./cluster";
export { LocalKubelet, type LocalPodStart } from "./local-kubelet";
export { missingToolchainBinaries, toolchainBinDir, toolchainEnv } from "./toolchain";
export { ServiceProxy, type ServiceRoute } from "./service-proxy";
