/** A local Kubernetes for the full-stack tier: kwok control plane plus a local runner for the chaincode Deployment. */
export { KwokCluster, type KwokClusterOptions } from "./cluster";
export { LocalKubelet, type LocalPodStart } from "./local-kubelet";
export { LOCAL_PLATFORM_BINARIES, missingToolchainBinaries, toolchainBinDir, toolchainEnv } from "./toolchain";
export { ServiceProxy, type ServiceRoute } from "./service-proxy";
