/**
 * ChaincodeSmokeCheck: after the commit (and the Deployment rollout), asks
 * a peer to run a read-only chaincode function and fails with the peer's
 * message plus hints when the peer cannot reach the chaincode.
 */
import { checkSeconds } from "../../validation/fabric";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import {
    DEFAULT_TIMEOUT_SECONDS,
    evaluateOnPeer,
    FabricTimeoutError,
    queryCommitted,
    checkDefinitionName,
} from "../../fabric";
import { InvalidSettingError } from "../../validation/errors";
import { compact } from "./lifecycle-plan";
import {
    type PeerConnectionArgs,
    type SignerArgs,
    type TransportArgs,
    type SettingNamesArgs,
    flatProviderInputs,
    withSecretInputs,
    withSecretOutputs,
    FABRIC_RESOURCE_MODULE,
    FABRIC_SECRET_INPUTS,
} from "./resource-args";
import {
    adminIdentity,
    type AdminInputs,
    callOptions,
    diffByKeys,
    PEER_KEYS,
    SIGNER_KEYS,
    TRANSPORT_KEYS,
    FailureCollector,
    note,
    type PeerConnectionInputs,
    peerEndpoint,
    type ProviderMethods,
    providerShell,
    checkAdmin,
    checkConnection,
    type SettingNamesInputs,
    stateOutputs,
} from "./shared";

export interface ChaincodeSmokeCheckInputs extends PeerConnectionInputs, AdminInputs, SettingNamesInputs {
    channel: string;
    chaincodeName: string;
    /** Read-only function to evaluate. */
    fn?: string;
    args?: string[];
    /** For hints: the package ID the chaincode server must run with. */
    expectedPackageId?: string;
    /** For hints: the address the peer dials (connection.json). */
    chaincodeAddress?: string;
    /** Keep retrying this long while the chaincode starts. */
    waitSeconds?: number;
    /** Any change re-runs the check (e.g. the Deployment's revision). */
    triggers?: string[];
    /**
     * A stack that only approves: check once the channel has committed this
     * sequence; before that the check is pending, and the next update runs it.
     */
    awaitSequence?: number;
    /** With awaitSequence: how long to wait for that commit before the check is pending (the committing stack is this same program). */
    commitWaitSeconds?: number;
}

export interface ChaincodeSmokeCheckOutputs extends ChaincodeSmokeCheckInputs {
    /** Size of the function's answer in bytes. */
    responseLength: number;
    /** sha256 hex of the answer: proof of what came back, without keeping ledger data in the state. */
    responseSha256: string;
    /** Why the check has not run yet (the definition is not committed); absent once it ran. */
    pending?: string;
}

export const DEFAULT_SMOKE_FUNCTION = "GetAllAssets";
export const DEFAULT_SMOKE_WAIT_SECONDS = 60;
/** Pauses between attempts: short while the server is most likely just starting, then every 3 s. */
const RETRY_PAUSES_MS = [250, 500, 1000, 2000, 3000];

/** The pause after the given failed attempt (1-based). */
function smokeRetryPauseMs(attempt: number): number {
    return RETRY_PAUSES_MS[Math.min(attempt, RETRY_PAUSES_MS.length) - 1];
}
/** How long the peer may take to answer the probe after a timed-out evaluation. */
const PROBE_SECONDS = 5;
const INPUT_KEYS = [
    "channel",
    "chaincodeName",
    "fn",
    "args",
    "expectedPackageId",
    "chaincodeAddress",
    "waitSeconds",
    "triggers",
    "awaitSequence",
    "commitWaitSeconds",
    ...PEER_KEYS,
    ...TRANSPORT_KEYS,
    ...SIGNER_KEYS,
];

export const chaincodeSmokeCheckLogic: ProviderMethods<ChaincodeSmokeCheckInputs, ChaincodeSmokeCheckOutputs> = {
    async check(_olds, news) {
        const collector = new FailureCollector(news.settingNames);
        checkConnection(collector, news);
        checkAdmin(collector, news);
        collector.check("chaincodeName", news.chaincodeName, () =>
            checkDefinitionName(news.chaincodeName, "chaincodeName"),
        );
        collector.check("fn", news.fn, () => {
            if (news.fn !== undefined && (typeof news.fn !== "string" || news.fn.trim() === ""))
                throw new InvalidSettingError("fn", news.fn, "a chaincode function name, e.g. GetAllAssets");
        });
        collector.check("args", news.args, () => {
            if (
                news.args !== undefined &&
                (!Array.isArray(news.args) || news.args.some((arg) => typeof arg !== "string"))
            )
                throw new InvalidSettingError("args", news.args, "a list of strings");
        });
        collector.check("commitWaitSeconds", news.commitWaitSeconds, () => {
            const wait = news.commitWaitSeconds;
            if (wait !== undefined) checkSeconds("commitWaitSeconds", wait, 0);
        });
        collector.check("waitSeconds", news.waitSeconds, () => {
            const wait = news.waitSeconds;
            if (wait !== undefined) checkSeconds("waitSeconds", wait, 0);
        });
        return { inputs: news, failures: collector.failures };
    },

    async diff(id, olds, news) {
        const changed = await diffByKeys([], INPUT_KEYS)(id, olds, news);
        // A pending check is still to be made: the next update makes it.
        return (olds as ChaincodeSmokeCheckOutputs).pending ? { ...changed, changes: true } : changed;
    },

    async create(inputs) {
        return {
            id: `${inputs.channel}/${inputs.chaincodeName}@${inputs.peerEndpoint}`,
            outs: stateOutputs(await smokeCheck(inputs)),
        };
    },

    async read(id, props) {
        // Nothing lives on the network: the check's last result is its state.
        return { id, props };
    },

    async update(_id, _olds, news) {
        return { outs: stateOutputs(await smokeCheck(news)) };
    },

    async delete() {
        // Nothing to remove.
    },
};

async function smokeCheck(inputs: ChaincodeSmokeCheckInputs): Promise<ChaincodeSmokeCheckOutputs> {
    const pending = await commitAwaited(inputs);
    if (pending) {
        note(
            `smoke check of ${inputs.chaincodeName} (channel ${inputs.channel}) through ${inputs.peerEndpoint} is pending: ${pending}; the next pulumi up of this stack runs it`,
        );
        return compact({ ...inputs, responseLength: 0, responseSha256: "", pending });
    }
    const fn = inputs.fn || DEFAULT_SMOKE_FUNCTION;
    const deadline = Date.now() + (inputs.waitSeconds ?? DEFAULT_SMOKE_WAIT_SECONDS) * 1000;
    const callTimeout = callOptions(inputs).timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
    let attempts = 0;
    for (;;) {
        attempts++;
        // No call may outlast the wait: a peer stuck launching the chaincode is diagnosed within it.
        const remaining = Math.max(1, Math.ceil((deadline - Date.now()) / 1000));
        const timeoutSeconds = Math.min(callTimeout, remaining);
        try {
            const response = await evaluateOnPeer({
                timeoutSeconds,
                peer: peerEndpoint(inputs),
                identity: adminIdentity(inputs),
                channel: inputs.channel,
                chaincode: inputs.chaincodeName,
                fn,
                args: inputs.args ?? [],
            });
            return compact({
                ...inputs,
                responseLength: response.length,
                responseSha256: createHash("sha256").update(response).digest("hex"),
            });
        } catch (error) {
            const message =
                error instanceof FabricTimeoutError ? await diagnoseHang(inputs, error) : (error as Error).message;
            // A chaincode that answered with its own error is reachable: retrying will not help.
            const pauseMs = smokeRetryPauseMs(attempts);
            if (Date.now() + pauseMs >= deadline || !isReachabilityProblem(message)) {
                throw new Error(smokeCheckFailure(inputs, fn, attempts, message));
            }
            // What the wait is for, in the up output while it lasts.
            note(
                `smoke check of ${inputs.chaincodeName} (channel ${inputs.channel}) through ${inputs.peerEndpoint}: attempt ${attempts} did not reach the chaincode ` +
                    `(${firstLine(message)}); retrying for up to ${Math.round((deadline - Date.now()) / 1000)} s more`,
            );
            await new Promise((resolve) => setTimeout(resolve, pauseMs));
        }
    }
}

/** Why an approving stack's check must wait for the commit, or undefined when it can run (after waiting up to commitWaitSeconds). */
async function commitAwaited(inputs: ChaincodeSmokeCheckInputs): Promise<string | undefined> {
    const awaited = inputs.awaitSequence;
    if (awaited === undefined) return undefined;
    const call = {
        ...callOptions(inputs),
        peer: peerEndpoint(inputs),
        identity: adminIdentity(inputs),
        channel: inputs.channel,
        name: inputs.chaincodeName,
    };
    const deadline = Date.now() + (inputs.commitWaitSeconds ?? 0) * 1000;
    for (let asked = 1; ; asked++) {
        let committed: Awaited<ReturnType<typeof queryCommitted>>;
        try {
            committed = await queryCommitted(call);
        } catch (error) {
            throw new Error(
                `smoke check: cannot ask peer ${inputs.peerEndpoint} which definition of ${inputs.chaincodeName} channel ${inputs.channel} runs: ${(error as Error).message}`,
            );
        }
        if (committed && committed.sequence >= awaited) return undefined;
        const now = committed ? `the channel runs sequence ${committed.sequence}` : "nothing is committed yet";
        if (Date.now() + COMMIT_POLL_MS >= deadline)
            return `${inputs.chaincodeName} is approved at sequence ${awaited} and ${now} (another org's stack commits)`;
        if (asked === 1)
            note(
                `smoke check of ${inputs.chaincodeName} through ${inputs.peerEndpoint}: waiting up to ${inputs.commitWaitSeconds} s for the commit of sequence ${awaited} (${now})`,
            );
        await new Promise((resolve) => setTimeout(resolve, COMMIT_POLL_MS));
    }
}

const COMMIT_POLL_MS = 1000;

/**
 * An evaluation that timed out: when the peer still answers a lifecycle
 * query, it was reached and is waiting for the chaincode server to register
 * (a server that connects under another ID makes the peer wait for its
 * startup timeout, 300 s by default). Otherwise the peer itself is the problem.
 */
async function diagnoseHang(inputs: ChaincodeSmokeCheckInputs, timeout: FabricTimeoutError): Promise<string> {
    try {
        await queryCommitted({
            timeoutSeconds: PROBE_SECONDS,
            peer: peerEndpoint(inputs),
            identity: adminIdentity(inputs),
            channel: inputs.channel,
            name: inputs.chaincodeName,
        });
    } catch (probe) {
        return `${timeout.message}; the peer does not answer a lifecycle query either (${(probe as Error).message})`;
    }
    return `${timeout.message}, while the peer answers other calls: it is waiting for the chaincode server to register as ${inputs.expectedPackageId ?? "the package ID"} (peer waiting for chaincode registration)`;
}

/** Messages that mean "the peer could not get to the chaincode (yet)", including a commit it has not seen yet. */
function isReachabilityProblem(message: string): boolean {
    return /could not launch chaincode|connection refused|no such host|dial tcp|i\/o timeout|deadline exceeded|timeout expired while starting chaincode|registration failed|not registered|waiting for chaincode registration|cannot reach|timed out after|connection error|transport|has been successfully defined on channel/i.test(
        message,
    );
}

export function smokeCheckFailure(
    inputs: ChaincodeSmokeCheckInputs,
    fn: string,
    attempts: number,
    peerMessage: string,
): string {
    const hints = smokeCheckHints(peerMessage, inputs);
    return [
        `smoke check failed: peer ${inputs.peerEndpoint} could not evaluate ${fn} on chaincode ${inputs.chaincodeName} (channel ${inputs.channel}) after ${attempts} attempt(s).`,
        `The peer said: ${peerMessage}`,
        "Hints:",
        ...hints.map((hint) => `  - ${hint}`),
    ].join("\n");
}

/** What to check, chosen from the peer's message. */
export function smokeCheckHints(
    peerMessage: string,
    context: { expectedPackageId?: string; chaincodeAddress?: string; fn?: string },
): string[] {
    const address = context.chaincodeAddress ? ` (${context.chaincodeAddress})` : "";
    const chaincodeId = `is the chaincode server's CHAINCODE_ID exactly the package ID${context.expectedPackageId ? ` ${context.expectedPackageId}` : ""}? The peer only accepts a server registering under that ID.`;
    const tls =
        "TLS between peer and chaincode: root_cert in connection.json must be the CA that signed the server certificate, the certificate's SANs must include the host the peer dials, and with client auth the server must trust the client certificate's CA.";
    const dns = `address${address}: the peer resolves and dials the host:port in connection.json; check the Service name, namespace, port and any NetworkPolicy between peer and chaincode.`;
    const hints: string[] = [];
    if (/no such host|name resolution|lookup /i.test(peerMessage))
        hints.push(`DNS: the peer cannot resolve the chaincode host${address}. ${dns}`);
    if (/connection refused/i.test(peerMessage))
        hints.push(
            `nothing listens at the chaincode address${address}: is the chaincode Deployment ready and listening on that port (Service port/targetPort)?`,
        );
    if (/x509|certificate|tls:|handshake|authentication handshake/i.test(peerMessage)) hints.push(tls);
    if (
        /timeout expired while starting chaincode|registration failed|not registered|will not accept external chaincode|waiting for chaincode registration/i.test(
            peerMessage,
        )
    )
        hints.push(chaincodeId);
    if (/i\/o timeout|deadline exceeded/i.test(peerMessage))
        hints.push(
            `the peer's dial timed out${address}: a NetworkPolicy or firewall may drop peer-to-chaincode traffic; dial_timeout in connection.json may be too short.`,
        );
    if (/exists, but chaincode is not installed/i.test(peerMessage))
        hints.push(
            "the package is not installed on this peer: add a ChaincodeInstall for it (same package ID as approved).",
        );
    if (/has been successfully defined on channel|namespace .* is not defined/i.test(peerMessage))
        hints.push(
            "the chaincode is not committed on this channel yet: the ChaincodeDefinition must be committed first.",
        );
    if (/cannot reach|does not answer a lifecycle query/i.test(peerMessage))
        hints.push("the peer itself is unreachable from here: check peerEndpoint, peerTlsCaPem and peerHostOverride.");
    if (hints.length === 0 && !isReachabilityProblem(peerMessage)) {
        hints.push(
            `the chaincode answered but ${context.fn ?? "the function"} failed: choose a read-only function that exists and succeeds on an empty ledger (fn, args).`,
        );
    }
    if (hints.length === 0) hints.push(chaincodeId, tls, `DNS/${dns}`);
    return hints;
}

export const chaincodeSmokeCheckProvider = providerShell<ChaincodeSmokeCheckInputs, ChaincodeSmokeCheckOutputs>(
    "smoke-check",
    "chaincodeSmokeCheckLogic",
);

export interface ChaincodeSmokeCheckArgs extends PeerConnectionArgs, TransportArgs, SignerArgs, SettingNamesArgs {
    /** Channel name. */
    readonly channel: pulumi.Input<string>;
    /** Chaincode name as committed. */
    readonly chaincodeName: pulumi.Input<string>;
    /** Read-only function to evaluate. Defaults to "GetAllAssets". */
    readonly fn?: pulumi.Input<string>;
    /** Its arguments. Defaults to none. */
    readonly args?: pulumi.Input<pulumi.Input<string>[]>;
    /** The package ID the server should run with (shown in hints). Defaults to none. */
    readonly expectedPackageId?: pulumi.Input<string>;
    /** The address in connection.json (shown in hints). Defaults to none. */
    readonly chaincodeAddress?: pulumi.Input<string>;
    /** Keep retrying this long while the peer cannot reach the chaincode yet, seconds. Defaults to 60. */
    readonly waitSeconds?: pulumi.Input<number>;
    /** Values whose change re-runs the check (e.g. the Deployment's revision). Defaults to none. */
    readonly triggers?: pulumi.Input<pulumi.Input<string>[]>;
    /** Check only once this sequence is committed (a stack that only approves); pending until then. Defaults to checking now. */
    readonly awaitSequence?: pulumi.Input<number>;
    /** With awaitSequence: wait this long for the commit before the check is pending, seconds. Defaults to 0. */
    readonly commitWaitSeconds?: pulumi.Input<number>;
}

/**
 * Evaluates a read-only chaincode function through a peer; the update fails with hints when the peer cannot reach the chaincode.
 *
 * @example
 * ```ts
 * new ChaincodeSmokeCheck("smoke", {
 *     peer: { endpoint: "peer0.org1:7051", tlsCaPem },
 *     mspId: "Org1MSP",
 *     adminCertPem,
 *     adminKeyPem,
 *     channel: "mychannel",
 *     chaincodeName: "basic",
 *     fn: "GetAllAssets",
 * }, { dependsOn: [commit, server] });
 * ```
 */
export class ChaincodeSmokeCheck extends pulumi.dynamic.Resource {
    declare public readonly responseLength: pulumi.Output<number>;
    declare public readonly responseSha256: pulumi.Output<string>;
    declare public readonly pending: pulumi.Output<string | undefined>;

    constructor(name: string, args: ChaincodeSmokeCheckArgs, opts?: pulumi.CustomResourceOptions) {
        const secrets = FABRIC_SECRET_INPUTS.ChaincodeSmokeCheck;
        super(
            chaincodeSmokeCheckProvider,
            name,
            {
                ...withSecretInputs(flatProviderInputs(args), secrets),
                responseLength: undefined,
                responseSha256: undefined,
                pending: undefined,
            },
            withSecretOutputs(opts, secrets),
            FABRIC_RESOURCE_MODULE,
            "ChaincodeSmokeCheck",
        );
    }
}

/** The first line of a message, at most 200 characters (a progress note, not the failure report). */
function firstLine(message: string): string {
    const line = message.split("\n")[0];
    return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
