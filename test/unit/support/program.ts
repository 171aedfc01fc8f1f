/**
 * Loads index.ts under Pulumi mocks. What the channel runs is read from
 * Fabric by each ExternalChaincode (lookupChannelPlan); a graph test gives
 * that answer instead, as the input it is. The look-up itself is tested
 * against real peers in the fabric tier.
 */
import type { LiveRelease } from "../../../components/release/release-plan";
import type { DescribedPlan } from "../../../components/lifecycle/providers/lifecycle-plan";
import { testPki } from "../../support/pki";
import { installMocks, type MockRecorder } from "./pulumiMocks";

const PROGRAM = require.resolve("../../../index");
const LIVE_RELEASE = require.resolve("../../../components/release/live-release");

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
    // The components call the look-up through the module's exports, so this answers them wherever they were loaded first.
    const liveRelease = require(LIVE_RELEASE) as { lookupChannelPlan: () => Promise<unknown> };
    liveRelease.lookupChannelPlan = async () => ({ liveRelease: options.liveRelease, plan: options.plan });
    const load = () => require(PROGRAM) as () => Promise<Record<string, any>>;
    return { mocks, load, run: () => load()() };
}

/** The config of a stack of one org with a channel: the lifecycle on (its admin key is a secret key). */
export function lifecycleStack(): Record<string, string> {
    const pki = testPki();
    return {
        image: "registry.example.com/basic:1.0",
        channel: "mychannel",
        mspId: "Org1MSP",
        peers: JSON.stringify([{ endpoint: "127.0.0.1:7051" }]),
        peerTlsCaPem: pki.caCertPem,
        adminCertPem: pki.clientCertPem,
        adminKeyPem: pki.clientKeyPem,
    };
}
