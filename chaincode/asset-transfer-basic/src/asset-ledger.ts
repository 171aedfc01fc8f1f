import { type Asset, decodeAsset, encodeAsset, validateAsset, validateAssetId } from "./asset";
import { SAMPLE_ASSETS } from "./sample-assets";
import type { WorldState } from "./world-state";

/** The asset-transfer rules over a world state; the contract class only adapts transaction arguments. */
export class AssetLedger {
    constructor(private readonly state: WorldState) {}

    /** Writes the six sample assets, replacing any assets with the same IDs. */
    async initLedger(): Promise<void> {
        for (const asset of SAMPLE_ASSETS) {
            await this.write(asset);
        }
    }

    async create(asset: Asset): Promise<void> {
        validateAsset(asset);
        if (await this.exists(asset.ID)) {
            throw new Error(`the asset ${asset.ID} already exists`);
        }
        await this.write(asset);
    }

    async read(id: string): Promise<Asset> {
        validateAssetId(id);
        const bytes = await this.state.getState(id);
        if (bytes.length === 0) {
            throw new Error(`the asset ${id} does not exist`);
        }
        return decodeAsset(id, bytes);
    }

    /** Replaces every field of an existing asset. */
    async update(asset: Asset): Promise<void> {
        validateAsset(asset);
        await this.read(asset.ID);
        await this.write(asset);
    }

    async delete(id: string): Promise<void> {
        await this.read(id);
        await this.state.deleteState(id);
    }

    async exists(id: string): Promise<boolean> {
        validateAssetId(id);
        const bytes = await this.state.getState(id);
        return bytes.length > 0;
    }

    /** Sets a new owner and returns the previous one. */
    async transfer(id: string, newOwner: string): Promise<string> {
        const asset = await this.read(id);
        await this.write(validateAsset({ ...asset, Owner: newOwner }));
        return asset.Owner;
    }

    /** Every asset, in the ledger's key order. */
    async all(): Promise<Asset[]> {
        const assets: Asset[] = [];
        for await (const entry of this.state.getStateByRange("", "")) {
            assets.push(decodeAsset(entry.key, entry.value));
        }
        return assets;
    }

    private async write(asset: Asset): Promise<void> {
        await this.state.putState(asset.ID, Buffer.from(encodeAsset(asset), "utf8"));
    }
}
