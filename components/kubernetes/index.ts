/** The chaincode server on Kubernetes: Deployment, Service, NetworkPolicy, Secret, and the cluster they go to. */
export {
    ChaincodeService,
    type ChaincodeServiceArgs,
    type ChaincodeServerTls,
    type ResourceSettings,
    type ServiceType,
} from "./chaincode-service";
export type { PeerAccess } from "./peer-access";
export { existingClusterProvider, type ExistingClusterArgs } from "./cluster-target";
