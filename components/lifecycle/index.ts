/** The Fabric lifecycle: install, approve, commit and smoke-check, as one component and as resources of their own. */
export { ChaincodeLifecycle, type ChaincodeLifecycleArgs, type FabricOrgArgs } from "./chaincode-lifecycle";
export {
    ChaincodeApproval,
    type ChaincodeApprovalArgs,
    ChaincodeDefinition,
    type ChaincodeDefinitionArgs,
    ChaincodeInstall,
    type ChaincodeInstallArgs,
    ChaincodeSmokeCheck,
    type ChaincodeSmokeCheckArgs,
    type CollectionArgs,
    type DefinitionArgs,
    type HsmKeyArgs,
    type OrdererArgs,
    type OrdererConnectionArgs,
    type PeerArgs,
    type PeerConnectionArgs,
    type SignerArgs,
    type TransportArgs,
} from "./providers";
