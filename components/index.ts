/**
 * The library's face (`fabric-ccaas`): the components a stack declares,
 * their argument types and the lookups of what a channel runs. The Fabric
 * client and the packager have subpaths of their own (`fabric-ccaas/fabric`,
 * `fabric-ccaas/packaging`). Importing it declares nothing; the program
 * (index.ts at the root) is the one place that reads config and declares
 * resources.
 */
export * from "./chaincode";
export * from "./lifecycle";
export * from "./kubernetes";
export * from "./tls";
export * from "./release";
export * from "./azure";
export type { SettingNames } from "./setting-names";
export { InvalidSettingError } from "./validation/errors";
export { skipSourceMapsForSdkBookkeeping } from "./sdk-stack-traces";
