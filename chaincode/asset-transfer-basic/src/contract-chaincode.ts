import { JSONSerializer } from "fabric-contract-api";
import type { ChaincodeInterface } from "fabric-shim";
import { contracts } from "./index";

type ChaincodeFromContractClass = new (
    contractClasses: unknown[],
    serializers: { transaction: string; serializers: Record<string, unknown> },
    metadata: object,
    title: string,
    version: string,
) => ChaincodeInterface;

/**
 * The contracts wrapped as a chaincode (Init/Invoke). fabric-shim 2.5.8 does
 * not export this adapter; its own `server` command builds it exactly so
 * (lib/contract-spi/bootstrap.js), with the default JSON serializer and
 * metadata generated from the decorators.
 */
export function createContractChaincode(title: string, version: string): ChaincodeInterface {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const ChaincodeFromContract = require("fabric-shim/lib/contract-spi/chaincodefromcontract") as ChaincodeFromContractClass;
    const serializers = { transaction: "jsonSerializer", serializers: { jsonSerializer: JSONSerializer } };
    // A fresh array: the adapter appends its system contract to the list it is given.
    return new ChaincodeFromContract([...contracts], serializers, {}, title, version);
}
