import { Context, Contract, Info, Returns, Transaction } from "fabric-contract-api";
import { encodeAsset, encodeAssets } from "./asset";
import { AssetLedger } from "./asset-ledger";

/** Name under which peers and clients address this contract (also the default contract). */
export const CONTRACT_NAME = "AssetTransferContract";

/**
 * Transaction functions of asset-transfer-basic. Results that carry assets are
 * canonical JSON strings (sorted keys), so all endorsers return identical bytes.
 */
@Info({ title: "AssetTransfer", description: "Create, read, update, transfer and delete simple assets" })
export class AssetTransferContract extends Contract {
    constructor() {
        super(CONTRACT_NAME);
    }

    @Transaction()
    async InitLedger(ctx: Context): Promise<void> {
        await ledgerOf(ctx).initLedger();
    }

    @Transaction()
    async CreateAsset(ctx: Context, id: string, color: string, size: number, owner: string, appraisedValue: number): Promise<void> {
        await ledgerOf(ctx).create({ ID: id, Color: color, Size: size, Owner: owner, AppraisedValue: appraisedValue });
    }

    @Transaction(false)
    @Returns("string")
    async ReadAsset(ctx: Context, id: string): Promise<string> {
        return encodeAsset(await ledgerOf(ctx).read(id));
    }

    @Transaction()
    async UpdateAsset(ctx: Context, id: string, color: string, size: number, owner: string, appraisedValue: number): Promise<void> {
        await ledgerOf(ctx).update({ ID: id, Color: color, Size: size, Owner: owner, AppraisedValue: appraisedValue });
    }

    @Transaction()
    async DeleteAsset(ctx: Context, id: string): Promise<void> {
        await ledgerOf(ctx).delete(id);
    }

    @Transaction(false)
    @Returns("boolean")
    async AssetExists(ctx: Context, id: string): Promise<boolean> {
        return ledgerOf(ctx).exists(id);
    }

    /** Returns the previous owner. */
    @Transaction()
    @Returns("string")
    async TransferAsset(ctx: Context, id: string, newOwner: string): Promise<string> {
        return ledgerOf(ctx).transfer(id, newOwner);
    }

    @Transaction(false)
    @Returns("string")
    async GetAllAssets(ctx: Context): Promise<string> {
        return encodeAssets(await ledgerOf(ctx).all());
    }
}

function ledgerOf(ctx: Context): AssetLedger {
    return new AssetLedger(ctx.stub);
}
