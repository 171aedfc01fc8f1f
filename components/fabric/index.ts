/**
 * Fabric client library: identities, signed proposals, endorsement,
 * transaction submission, the `_lifecycle` functions, chaincode calls and
 * the policy language. No Pulumi imports: the dynamic providers and the
 * tests use it directly.
 */
export * from "./fabric-errors";
export { InvalidSettingError } from "../validation/errors";
export { createSigningIdentity, IdentityPem, SigningIdentity, checkSigningKeyPem } from "./identity";
export { asSigningIdentity, IdentityInput } from "./identity-input";
export {
    createHsmSigningIdentity,
    HsmKey,
    HsmSettingNames,
    IdentityHsm,
    checkHsmCertificate,
    checkHsmField,
    checkHsmKey,
} from "./hsm-identity";
export { fabricSigner, signForFabric } from "./signing";
export { computeTxId, buildSignedProposal, BuiltProposal, ProposalSpec } from "./proposal";
export { Endpoint, CallOptions, DEFAULT_TIMEOUT_SECONDS, Connections, withConnections } from "./grpc-connection";
export { endorse, EndorsedProposal, isSuccessStatus } from "./endorse";
export { buildTransactionEnvelope } from "./transaction";
export { SubmitOptions, submitAndWait } from "./submit";
export { OrderingService, orderingServiceOf, readOrderingService, bftQuorum } from "./ordering-service";
export { DEFAULT_COMMIT_TIMEOUT_SECONDS, GatewayCall, withGateway } from "./gateway";
export { CommitResult, validationCodeName } from "./commit-result";
export * from "./lifecycle-calls";
export * from "./chaincode";
export {
    parsePolicy,
    PolicySyntaxError,
    POLICY_ROLES,
    PolicyRole,
    PolicyRule,
    PolicyGate,
    PolicyPrincipal,
} from "./policy-parser";
export {
    compileSignaturePolicy,
    compileApplicationPolicy,
    encodeApplicationPolicy,
    encodeEndorsementPolicy,
    formatApplicationPolicy,
    formatSignaturePolicy,
    isChannelPolicyReference,
    channelPolicyReferenceProblem,
    DEFAULT_ENDORSEMENT_POLICY_REFERENCE,
} from "./policy-encoding";
export {
    CollectionConfig,
    encodeCollections,
    decodeCollections,
    collectionsFromCliJson,
    CliCollectionJson,
} from "./collections";
export {
    ChaincodeDefinition,
    EncodedDefinition,
    encodeDefinition,
    definitionDifferences,
    checkNameAndVersion,
    checkDefinitionName,
    DEFAULT_ENDORSEMENT_PLUGIN,
    DEFAULT_VALIDATION_PLUGIN,
} from "./chaincode-definition";
