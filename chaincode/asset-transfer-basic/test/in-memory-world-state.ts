import type { WorldState, WorldStateEntry } from "../src/world-state";

/**
 * TEST DOUBLE of the ledger, for pure contract logic only: a Map behind the
 * four stub calls the contract makes (see src/world-state.ts). It keeps the
 * peer's observable rules the contract relies on: an absent key reads as
 * empty bytes, range queries return keys in ascending byte order over
 * [start, end) with "" meaning unbounded, stored bytes are copied. It does
 * not model transactions, endorsement or MVCC: the real peer path is tested
 * end to end against a real Fabric network (test/fabric/chaincode-e2e.test.ts
 * at the repository root).
 */
export class InMemoryWorldState implements WorldState {
    private readonly entries = new Map<string, Uint8Array>();

    async getState(key: string): Promise<Uint8Array> {
        const value = this.entries.get(key);
        return value === undefined ? new Uint8Array(0) : Uint8Array.from(value);
    }

    async putState(key: string, value: Uint8Array): Promise<void> {
        if (key === "") throw new Error("key must not be an empty string");
        this.entries.set(key, Uint8Array.from(value));
    }

    async deleteState(key: string): Promise<void> {
        this.entries.delete(key);
    }

    async *getStateByRange(startKey: string, endKey: string): AsyncIterable<WorldStateEntry> {
        const keys = [...this.entries.keys()]
            .filter((key) => (startKey === "" || compareKeys(key, startKey) >= 0) && (endKey === "" || compareKeys(key, endKey) < 0))
            .sort(compareKeys);
        for (const key of keys) {
            yield { key, value: await this.getState(key) };
        }
    }

    /** The stored bytes as text, for assertions on exactly what was written. */
    raw(key: string): string | undefined {
        const value = this.entries.get(key);
        return value === undefined ? undefined : Buffer.from(value).toString("utf8");
    }

    keys(): string[] {
        return [...this.entries.keys()].sort(compareKeys);
    }
}

/** LevelDB and CouchDB order keys by their UTF-8 bytes. */
function compareKeys(a: string, b: string): number {
    return Buffer.compare(Buffer.from(a, "utf8"), Buffer.from(b, "utf8"));
}
