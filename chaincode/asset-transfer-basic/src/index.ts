import { AssetTransferContract } from "./asset-transfer-contract";

export { AssetTransferContract } from "./asset-transfer-contract";

/** The contract list in the shape fabric-chaincode-node's own `server`/`start` commands load from `main`. */
export const contracts = [AssetTransferContract];
