import { canonicalJson, type JsonValue } from "./canonical-json";

/** One asset as stored in the world state (key = ID). */
export interface Asset {
    readonly ID: string;
    readonly Color: string;
    readonly Size: number;
    readonly Owner: string;
    readonly AppraisedValue: number;
}

/** Throws unless every field is usable; messages name the field and the value. */
export function validateAsset(asset: Asset): Asset {
    validateAssetId(asset.ID);
    requireText("Color", asset.Color);
    requireText("Owner", asset.Owner);
    requireCount("Size", asset.Size);
    requireCount("AppraisedValue", asset.AppraisedValue);
    return asset;
}

/** Throws unless the ID can be a world-state key of this contract. */
export function validateAssetId(id: string): string {
    requireText("ID", id);
    return id;
}

/** The stored and returned form: fixed fields, sorted keys, no whitespace. */
export function encodeAsset(asset: Asset): string {
    return canonicalJson(assetRecord(asset));
}

/** A JSON array of assets in the given order, each in the form of encodeAsset. */
export function encodeAssets(assets: readonly Asset[]): string {
    return canonicalJson(assets.map(assetRecord));
}

/** Exactly the asset's fields (never extra properties a caller's object may carry). */
function assetRecord(asset: Asset): { readonly [key: string]: JsonValue } {
    return {
        AppraisedValue: asset.AppraisedValue,
        Color: asset.Color,
        ID: asset.ID,
        Owner: asset.Owner,
        Size: asset.Size,
    };
}

/** Parses stored bytes back into an asset, rejecting anything this contract did not write. */
export function decodeAsset(id: string, bytes: Uint8Array): Asset {
    let parsed: unknown;
    try {
        parsed = JSON.parse(Buffer.from(bytes).toString("utf8"));
    } catch {
        throw new Error(`the asset ${id} holds state that is not JSON`);
    }
    if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
        throw new Error(`the asset ${id} holds state that is not a JSON object`);
    }
    const fields = parsed as Record<string, unknown>;
    try {
        return validateAsset({
            ID: fields.ID as string,
            Color: fields.Color as string,
            Size: fields.Size as number,
            Owner: fields.Owner as string,
            AppraisedValue: fields.AppraisedValue as number,
        });
    } catch (error) {
        throw new Error(`the asset ${id} holds malformed state: ${(error as Error).message}`);
    }
}

function requireText(field: string, value: unknown): void {
    if (typeof value !== "string" || value.length === 0) {
        throw new Error(`invalid ${field}: ${JSON.stringify(value) ?? String(value)}; expected a non-empty string`);
    }
}

function requireCount(field: string, value: unknown): void {
    if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
        throw new Error(`invalid ${field}: ${JSON.stringify(value) ?? String(value)}; expected a non-negative integer`);
    }
}
