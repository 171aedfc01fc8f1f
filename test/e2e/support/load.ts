/**
 * Continuous traffic through one peer's gateway while a stack changes the
 * chaincode: CreateAsset submitted and ReadAsset evaluated back, one pair
 * every ~100 ms, bounded in calls and time. A transaction endorsed just
 * before a new definition is committed fails validation with
 * MVCC_READ_CONFLICT (Fabric's rule for every upgrade); it is resubmitted,
 * as Fabric clients do, and counted apart. Any other failure counts.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { evaluate, submit, TransactionInvalidError, type ChaincodeCall } from "../../../components/fabric";

const PACE_MS = 100;
const MVCC_READ_CONFLICT = 11;
const RESUBMITS = 3;

export interface LoadResult {
    readonly calls: number;
    readonly failedCalls: number;
    /** Submissions resubmitted after MVCC_READ_CONFLICT. */
    readonly resubmitted: number;
    /** The first failures, with the call and the cause. */
    readonly failures: readonly string[];
    readonly seconds: number;
}

export interface LoadOptions {
    /** The org's gateway and a client identity; fn and args are set per call. */
    readonly call: Omit<ChaincodeCall, "fn" | "args">;
    readonly endorsingOrganizations: readonly string[];
    /** Asset IDs start with this, so several runs never collide. */
    readonly prefix: string;
    /** Upper bounds: the loop stops by itself at either. */
    readonly maxSeconds: number;
    readonly maxCalls: number;
}

export class LoadLoop {
    private stopping = false;
    private stopAt = 0;
    private calls = 0;
    private failedCalls = 0;
    private resubmitted = 0;
    private readonly failures: string[] = [];
    private readonly started = Date.now();
    private readonly loop: Promise<void>;

    constructor(private readonly options: LoadOptions) {
        this.loop = this.run();
    }

    /**
     * Ends the loop after the call in flight, or once `afterMoreCalls` more
     * calls are done (traffic that goes on after a change, through whatever
     * serves now); what it saw.
     */
    async stop(options: { afterMoreCalls?: number } = {}): Promise<LoadResult> {
        this.stopAt = this.calls + (options.afterMoreCalls ?? 0);
        this.stopping = true;
        await this.loop;
        return {
            calls: this.calls,
            failedCalls: this.failedCalls,
            resubmitted: this.resubmitted,
            failures: [...this.failures],
            seconds: Math.round((Date.now() - this.started) / 100) / 10,
        };
    }

    /** Calls so far (for waiting until traffic runs). */
    get callCount(): number {
        return this.calls;
    }

    private async run(): Promise<void> {
        const deadline = this.started + this.options.maxSeconds * 1000;
        for (
            let i = 0;
            !(this.stopping && this.calls >= this.stopAt) &&
            Date.now() < deadline &&
            this.calls < this.options.maxCalls;
            i++
        ) {
            const id = `${this.options.prefix}-${i}`;
            await this.attempt(`CreateAsset ${id}`, () => this.create(id));
            await this.attempt(`ReadAsset ${id}`, async () => {
                const asset = JSON.parse(
                    (await evaluate({ ...this.options.call, fn: "ReadAsset", args: [id] })).toString("utf8"),
                ) as { ID?: string };
                if (asset.ID !== id) throw new Error(`read back ${JSON.stringify(asset)}`);
            });
            await sleep(PACE_MS);
        }
    }

    private async create(id: string): Promise<void> {
        for (let attempt = 0; ; attempt++) {
            try {
                await submit({
                    ...this.options.call,
                    fn: "CreateAsset",
                    args: [id, "blue", "5", "Load", "100"],
                    endorsingOrganizations: this.options.endorsingOrganizations,
                });
                return;
            } catch (err) {
                const conflict = err instanceof TransactionInvalidError && err.validationCode === MVCC_READ_CONFLICT;
                if (!conflict || attempt >= RESUBMITS) throw err;
                this.resubmitted++;
            }
        }
    }

    private async attempt(what: string, call: () => Promise<void>): Promise<void> {
        this.calls++;
        try {
            await call();
        } catch (err) {
            this.failedCalls++;
            if (this.failures.length < 10)
                this.failures.push(
                    `${what} at +${((Date.now() - this.started) / 1000).toFixed(1)} s: ${(err as Error).message}`,
                );
        }
    }
}
