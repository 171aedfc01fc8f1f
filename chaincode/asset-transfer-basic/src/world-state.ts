/** One entry of a range query, as the peer returns it. */
export interface WorldStateEntry {
    readonly key: string;
    readonly value: Uint8Array;
}

/**
 * The only ledger calls the asset logic makes. fabric-shim's ChaincodeStub
 * satisfies it structurally (checked by the compiler where the contract
 * hands `ctx.stub` over), and unit tests supply an in-memory double.
 */
export interface WorldState {
    /** Resolves to an empty array when the key is absent. */
    getState(key: string): Promise<Uint8Array>;
    putState(key: string, value: Uint8Array): Promise<void>;
    deleteState(key: string): Promise<void>;
    /** Keys in [startKey, endKey) in ascending order; "" leaves that end open. */
    getStateByRange(startKey: string, endKey: string): AsyncIterable<WorldStateEntry>;
}
