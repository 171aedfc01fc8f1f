/**
 * The library: the components and resources another Pulumi stack declares,
 * and the pure parts (packager, Fabric client) it may use on their own.
 * Importing it declares nothing; the program (index.ts at the root) is the
 * one place that reads config and declares resources.
 */
export {
    ExternalChaincode,
    type ExternalChaincodeArgs,
    type ChaincodeTlsSettings,
    type SmokeCheckSettings,
    type ChaincodeRelease,
    checkExternalChaincodeArgs,
} from "./externalChaincode";
export { declareChaincodes, type ChaincodeSetMember } from "./chaincodeSet";
export { ChaincodeTls, ReleaseCertificates, type ChaincodeTlsArgs, type KeyAlgorithm } from "./tls";
export { ChaincodeService, type ChaincodeServiceArgs, type ChaincodeServerTls, type ResourceSettings, type ServiceType } from "./service";
export { type PeerAccess, peerNamespacesOf } from "./peerAccess";
export {
    ChaincodeLifecycle,
    type ChaincodeLifecycleArgs,
    type FabricOrgArgs,
} from "./lifecycle";
export { AksCluster, type AksClusterArgs } from "./aks";
export { ChaincodeImage, type ChaincodeImageArgs } from "./imageBuild";
export { existingClusterProvider, type ExistingClusterArgs } from "./kubernetesTarget";
export { lookupChannelPlan, lookupLiveRelease, type ChannelPlan, type LiveReleaseQuery } from "./liveRelease";
export type { LiveRelease } from "./release";
export * from "./providers";
export { InvalidSettingError } from "./validation/errors";
/** The deterministic chaincode packager (no Pulumi imports). */
export * as packaging from "./packaging";
/** The Fabric lifecycle and chaincode client over gRPC (no Pulumi imports). */
export * as fabric from "./fabric";
