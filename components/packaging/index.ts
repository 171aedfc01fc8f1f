/** Deterministic chaincode-as-a-service packages: pure functions, no Pulumi. */
export {
    buildChaincodePackage,
    computePackageId,
    CODE_PACKAGE_FILE,
    CONNECTION_FILE,
    METADATA_FILE,
    type ChaincodePackage,
    type ChaincodePackageInput,
} from "./package";
export {
    DEFAULT_DIAL_TIMEOUT,
    type ChaincodeClientAuthInput,
    type ChaincodeConnectionInput,
    type ChaincodeServerTlsInput,
    type ConnectionJson,
} from "./connection-json";
export { CHAINCODE_PACKAGE_TYPES, type ChaincodePackageType } from "./metadata";
export { couchDbIndexPath, type CouchDbIndexInput } from "./couchdb-indexes";
export {
    readChaincodePackage,
    ChaincodePackageFormatError,
    type ReadChaincodePackage,
    type ReadCouchDbIndex,
} from "./reader";
export { readTar, TarFormatError, type TarEntry } from "./tar";
