/** A real single-node Kubernetes cluster for the full-stack tier and the demo (see docs/testing.md). */
export { type NodeAddresses, nodeAddresses } from "./addresses";
export { NODE_NAME } from "./config-files";
export { hostChanges, type HostSnapshot, hostSnapshot } from "./host-state";
export type { NodeImages } from "./images";
export { RealNode, type RealNodeOptions } from "./node";
export { describeMissing, type MissingPart, missingNodePrerequisites } from "./prerequisites";
export {
    COMPONENT_LABEL,
    fabricPodPlacer,
    NETWORK_NAMESPACE_LABEL,
    ORDERER_NAMESPACE,
    peerNamespace,
} from "./fabric-pods";
