/**
 * Loads index.ts under Pulumi mocks. What the channel runs is read from
 * Fabric while the program runs (lookupChannelPlan); a graph test gives that
 * answer instead, as the input it is. The look-up itself is tested against
 * real peers in the fabric tier.
 */
import Module from "node:module";
import type { LiveRelease } from "../../../components/release";
import type { DescribedPlan } from "../../../components/providers/lifecycle-plan";
import { installMocks, type MockRecorder } from "./pulumiMocks";

const PROGRAM = require.resolve("../../../index");
const LIVE_RELEASE = require.resolve("../../../components/liveRelease");

export interface ProgramOptions {
    readonly config: Record<string, string>;
    readonly secretKeys?: string[];
    /** What lookupLiveRelease answers. Defaults to nothing committed. */
    readonly liveRelease?: LiveRelease;
    /** The sequence lookupChannelPlan plans. Defaults to none. */
    readonly plan?: DescribedPlan;
}

export interface LoadedProgram {
    readonly mocks: MockRecorder;
    /** Requires index.ts: settings are read (and rejected) here, synchronously. */
    readonly load: () => () => Promise<Record<string, any>>;
    /** Requires index.ts and runs it: the stack outputs. */
    readonly run: () => Promise<Record<string, any>>;
}

export function loadProgram(options: ProgramOptions): LoadedProgram {
    const mocks = installMocks({ config: options.config, secretKeys: options.secretKeys });
    delete require.cache[PROGRAM];
    const stub = new Module(LIVE_RELEASE);
    stub.exports = {
        lookupLiveRelease: async () => options.liveRelease,
        lookupChannelPlan: async () => ({ liveRelease: options.liveRelease, plan: options.plan }),
    };
    stub.loaded = true;
    require.cache[LIVE_RELEASE] = stub;
    const load = () => require(PROGRAM) as () => Promise<Record<string, any>>;
    return { mocks, load, run: () => load()() };
}
