import assert from "node:assert/strict";
import { beforeEach, describe, it } from "node:test";
import { Context } from "fabric-contract-api";
import { AssetTransferContract } from "../src/asset-transfer-contract";
import { InMemoryWorldState } from "./in-memory-world-state";

/**
 * Contract logic over an in-memory ledger double (see in-memory-world-state.ts).
 * The contract touches ctx.stub only through the WorldState calls, so the
 * double stands in for the stub; the peer path is covered end to end.
 */
function contextOver(state: InMemoryWorldState): Context {
    const ctx = new Context();
    ctx.stub = state as unknown as Context["stub"];
    return ctx;
}

const ASSET1_JSON = '{"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Tomoko","Size":5}';

describe("AssetTransferContract", () => {
    let state: InMemoryWorldState;
    let ctx: Context;
    const contract = new AssetTransferContract();

    beforeEach(() => {
        state = new InMemoryWorldState();
        ctx = contextOver(state);
    });

    it("InitLedger writes asset1..asset6 and GetAllAssets returns them in key order", async () => {
        await contract.InitLedger(ctx);
        assert.deepEqual(state.keys(), ["asset1", "asset2", "asset3", "asset4", "asset5", "asset6"]);

        const all = JSON.parse(await contract.GetAllAssets(ctx)) as Array<Record<string, unknown>>;
        assert.deepEqual(
            all.map((asset) => [asset.ID, asset.Color, asset.Size, asset.Owner, asset.AppraisedValue]),
            [
                ["asset1", "blue", 5, "Tomoko", 300],
                ["asset2", "red", 5, "Brad", 400],
                ["asset3", "green", 10, "Jin Soo", 500],
                ["asset4", "yellow", 10, "Max", 600],
                ["asset5", "black", 15, "Adriana", 700],
                ["asset6", "white", 15, "Michel", 800],
            ],
        );
    });

    it("writes and returns canonical JSON: sorted keys, no whitespace, identical bytes on every call", async () => {
        await contract.InitLedger(ctx);
        assert.equal(state.raw("asset1"), ASSET1_JSON);
        const first = await contract.ReadAsset(ctx, "asset1");
        const second = await contract.ReadAsset(ctx, "asset1");
        assert.equal(first, ASSET1_JSON);
        assert.equal(second, first);

        const all = await contract.GetAllAssets(ctx);
        assert.ok(all.startsWith(`[${ASSET1_JSON},{"AppraisedValue":400,`), all);
        assert.equal(await contract.GetAllAssets(ctx), all);
        for (const asset of JSON.parse(all) as object[]) {
            const keys = Object.keys(asset);
            assert.deepEqual(keys, [...keys].sort());
        }
    });

    it("stores the same bytes however the asset was built", async () => {
        const other = new InMemoryWorldState();
        await contract.CreateAsset(ctx, "asset1", "blue", 5, "Tomoko", 300);
        await contract.InitLedger(contextOver(other));
        assert.equal(state.raw("asset1"), other.raw("asset1"));
    });

    it("GetAllAssets follows the ledger's key order, not creation order", async () => {
        await contract.CreateAsset(ctx, "asset2", "red", 1, "B", 2);
        await contract.CreateAsset(ctx, "asset10", "red", 1, "C", 3);
        await contract.CreateAsset(ctx, "asset1", "red", 1, "A", 1);
        const ids = (JSON.parse(await contract.GetAllAssets(ctx)) as Array<{ ID: string }>).map((asset) => asset.ID);
        assert.deepEqual(ids, ["asset1", "asset10", "asset2"]);
    });

    it("GetAllAssets on an empty ledger is an empty JSON array", async () => {
        assert.equal(await contract.GetAllAssets(ctx), "[]");
    });

    it("CreateAsset stores a new asset that ReadAsset returns", async () => {
        await contract.CreateAsset(ctx, "asset7", "orange", 3, "Ana", 90);
        assert.equal(await contract.ReadAsset(ctx, "asset7"), '{"AppraisedValue":90,"Color":"orange","ID":"asset7","Owner":"Ana","Size":3}');
        assert.equal(await contract.AssetExists(ctx, "asset7"), true);
    });

    it("CreateAsset refuses an existing ID and leaves it unchanged", async () => {
        await contract.InitLedger(ctx);
        await assert.rejects(contract.CreateAsset(ctx, "asset1", "pink", 1, "Eve", 1), { message: "the asset asset1 already exists" });
        assert.equal(state.raw("asset1"), ASSET1_JSON);
    });

    it("ReadAsset, UpdateAsset, DeleteAsset and TransferAsset refuse a missing asset", async () => {
        await contract.InitLedger(ctx);
        const missing = { message: "the asset asset7 does not exist" };
        await assert.rejects(contract.ReadAsset(ctx, "asset7"), missing);
        await assert.rejects(contract.UpdateAsset(ctx, "asset7", "blue", 1, "Eve", 1), missing);
        await assert.rejects(contract.DeleteAsset(ctx, "asset7"), missing);
        await assert.rejects(contract.TransferAsset(ctx, "asset7", "Eve"), missing);
        assert.equal(state.raw("asset7"), undefined);
        assert.equal(state.keys().length, 6);
    });

    it("TransferAsset returns the previous owner and stores the new one", async () => {
        await contract.InitLedger(ctx);
        assert.equal(await contract.TransferAsset(ctx, "asset1", "Christopher"), "Tomoko");
        assert.equal(JSON.parse(await contract.ReadAsset(ctx, "asset1")).Owner, "Christopher");
        assert.equal(await contract.TransferAsset(ctx, "asset1", "Dana"), "Christopher");
        assert.equal(state.raw("asset1"), '{"AppraisedValue":300,"Color":"blue","ID":"asset1","Owner":"Dana","Size":5}');
    });

    it("UpdateAsset replaces every field of an existing asset", async () => {
        await contract.InitLedger(ctx);
        await contract.UpdateAsset(ctx, "asset2", "purple", 7, "Zoe", 999);
        assert.equal(await contract.ReadAsset(ctx, "asset2"), '{"AppraisedValue":999,"Color":"purple","ID":"asset2","Owner":"Zoe","Size":7}');
    });

    it("DeleteAsset removes the asset", async () => {
        await contract.InitLedger(ctx);
        assert.equal(await contract.AssetExists(ctx, "asset3"), true);
        await contract.DeleteAsset(ctx, "asset3");
        assert.equal(await contract.AssetExists(ctx, "asset3"), false);
        assert.deepEqual(state.keys(), ["asset1", "asset2", "asset4", "asset5", "asset6"]);
    });

    it("refuses invalid fields, naming the field and the value, before writing", async () => {
        await assert.rejects(contract.CreateAsset(ctx, "asset8", "blue", -1, "Eve", 1), { message: "invalid Size: -1; expected a non-negative integer" });
        await assert.rejects(contract.CreateAsset(ctx, "asset8", "blue", 1, "Eve", 1.5), {
            message: "invalid AppraisedValue: 1.5; expected a non-negative integer",
        });
        await assert.rejects(contract.CreateAsset(ctx, "", "blue", 1, "Eve", 1), { message: 'invalid ID: ""; expected a non-empty string' });
        await assert.rejects(contract.CreateAsset(ctx, "asset8", "blue", 1, "", 1), { message: 'invalid Owner: ""; expected a non-empty string' });
        await contract.InitLedger(ctx);
        await assert.rejects(contract.TransferAsset(ctx, "asset1", ""), { message: 'invalid Owner: ""; expected a non-empty string' });
        assert.equal(state.raw("asset8"), undefined);
        assert.equal(state.raw("asset1"), ASSET1_JSON);
    });

    it("refuses state it did not write instead of returning it", async () => {
        await state.putState("asset9", Buffer.from("not json"));
        await assert.rejects(contract.ReadAsset(ctx, "asset9"), { message: "the asset asset9 holds state that is not JSON" });
        await state.putState("asset9", Buffer.from('{"ID":"asset9","Color":"red","Size":"big","Owner":"X","AppraisedValue":1}'));
        await assert.rejects(contract.GetAllAssets(ctx), /^Error: the asset asset9 holds malformed state: invalid Size: "big"/);
    });
});
