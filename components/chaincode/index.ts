/** The chaincode as a stack declares it: its server, package and lifecycle in one component, several at once, and its image. */
export {
    ExternalChaincode,
    type ExternalChaincodeArgs,
    type ChaincodeTlsSettings,
    type SmokeCheckSettings,
    type ChaincodeRelease,
} from "./external-chaincode";
export { declareChaincodes, type ChaincodeSetMember } from "./chaincode-set";
export { ChaincodeImage, type ChaincodeImageArgs } from "./chaincode-image";
