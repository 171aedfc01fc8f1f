/**
 * The outcome of a submitted transaction as a committing peer reports it.
 */
import { peer } from "@hyperledger/fabric-protos";
import { TransactionInvalidError } from "./fabric-errors";

export interface CommitResult {
    readonly txId: string;
    readonly blockNumber: number;
    /** peer.TxValidationCode; 0 = VALID. */
    readonly validationCode: number;
    /** The peer that reported it. */
    readonly endpoint: string;
}

export function validationCodeName(code: number): string {
    const entry = Object.entries(peer.TxValidationCode).find(([, value]) => value === code);
    return entry ? entry[0] : `UNKNOWN_${code}`;
}

/** Throws unless the transaction committed as VALID. */
export function requireValid(result: CommitResult): CommitResult {
    if (result.validationCode !== peer.TxValidationCode.VALID) {
        throw new TransactionInvalidError(
            result.txId,
            result.validationCode,
            validationCodeName(result.validationCode),
            result.endpoint,
        );
    }
    return result;
}
