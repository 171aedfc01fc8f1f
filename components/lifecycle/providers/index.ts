/**
 * Pulumi dynamic resources for the Fabric chaincode lifecycle: install on a
 * peer, approve for an org, commit the definition, smoke-check the running
 * chaincode. Each is also exported as its plain provider object (used by
 * tests and by callers composing their own resources).
 */
export {
    ChaincodeInstall,
    ChaincodeInstallArgs,
    chaincodeInstallProvider,
    ChaincodeInstallInputs,
    ChaincodeInstallOutputs,
} from "./install";
export {
    ChaincodeApproval,
    ChaincodeApprovalArgs,
    chaincodeApprovalProvider,
    ChaincodeApprovalInputs,
    ChaincodeApprovalOutputs,
} from "./approval";
export {
    ChaincodeDefinition,
    ChaincodeDefinitionArgs,
    chaincodeDefinitionProvider,
    ChaincodeDefinitionInputs,
    ChaincodeDefinitionOutputs,
} from "./definition";
export {
    ChaincodeSmokeCheck,
    ChaincodeSmokeCheckArgs,
    chaincodeSmokeCheckProvider,
    ChaincodeSmokeCheckInputs,
    ChaincodeSmokeCheckOutputs,
    DEFAULT_SMOKE_FUNCTION,
    DEFAULT_SMOKE_WAIT_SECONDS,
    smokeCheckHints,
} from "./smoke-check";
export {
    CollectionArgs,
    DefinitionArgs,
    HsmKeyArgs,
    OrdererArgs,
    OrdererConnectionArgs,
    PeerArgs,
    PeerConnectionArgs,
    SignerArgs,
    TransportArgs,
} from "./resource-args";
