/** The toolchain's environment for Node callers (Kubernetes, Pulumi and their plugins); the real node is testenv/node. */
export { missingToolchainBinaries, toolchainBinDir, toolchainEnv } from "./toolchain";
