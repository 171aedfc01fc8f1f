/**
 * The program's look-up before it declares anything (like a data source, so
 * `pulumi preview` sees it too): which package this org's peers run for the
 * committed definition, where that package's server is, and whether this
 * update moves the peers to the declared package. Read-only calls only.
 */
import {
    checkCommitReadiness,
    type CallOptions,
    type EncodedDefinition,
    type Endpoint,
    getInstalledPackage,
    type IdentityInput,
    queryApproved,
    queryCommitted,
} from "../fabric";
import { X509Certificate } from "node:crypto";
import { type ReadChaincodePackage, readChaincodePackage } from "../packaging/reader";
import {
    describePlan,
    type DescribedPlan,
    desiredDefinition,
    planSequence,
    type SequencePlan,
} from "../lifecycle/providers/lifecycle-plan";
import type { DefinitionInputs } from "../lifecycle/providers/shared";
import { indexFileDigests, type LiveRelease } from "./release-plan";

export interface LiveReleaseQuery extends CallOptions {
    /** One of this org's peers. */
    readonly peer: Endpoint;
    /** This org's admin (the installed package is read with it). */
    readonly identity: IdentityInput;
    /** The definition this stack declares (sequence "auto" or a number). */
    readonly definition: DefinitionInputs;
    /** This stack commits the definition. */
    readonly commits: boolean;
    /** Orgs whose approval the commit needs. Defaults to every org of the channel. */
    readonly requiredApprovals?: readonly string[];
    /** Orgs besides the identity's whose approvals this same update sends before its commit (a stack acting for several orgs). Defaults to none. */
    readonly approvedInThisUpdate?: readonly string[];
}

/** What the channel holds for the declared definition, read once. */
export interface ChannelPlan {
    /** What this org's peers run now; undefined when nothing is committed or this org approved no package for it. */
    readonly liveRelease?: LiveRelease;
    /** The sequence the declared definition gets and why; undefined when the declared definition is invalid (the providers say why). */
    readonly plan?: DescribedPlan;
}

/** Undefined when nothing is committed or this org approved no package for the committed sequence. */
export async function lookupLiveRelease(query: LiveReleaseQuery): Promise<LiveRelease | undefined> {
    return (await lookupChannelPlan(query)).liveRelease;
}

/** The live release and the planned sequence, from one read of the committed definition. */
export async function lookupChannelPlan(query: LiveReleaseQuery): Promise<ChannelPlan> {
    const call = { peer: query.peer, identity: query.identity, timeoutSeconds: query.timeoutSeconds };
    const { channel, name } = query.definition;
    const committed = await queryCommitted({ ...call, channel, name });
    const declared = plannedDefinition(query.definition, committed);
    const plan = declared && describePlan(query.definition, declared.desired, committed, declared.sequence);
    return { liveRelease: committed && (await liveReleaseOf(query, call, committed, declared)), plan };
}

/** The declared definition and its sequence, planned once; undefined when it is invalid (the providers fail it with their own message). */
function plannedDefinition(
    definition: DefinitionInputs,
    committed: Committed | undefined,
): PlannedDefinition | undefined {
    try {
        const desired = desiredDefinition(definition);
        return { desired, sequence: planSequence(definition, desired, committed) };
    } catch {
        return undefined;
    }
}

type Committed = NonNullable<Awaited<ReturnType<typeof queryCommitted>>>;

interface PlannedDefinition {
    readonly desired: EncodedDefinition;
    readonly sequence: SequencePlan;
}

async function liveReleaseOf(
    query: LiveReleaseQuery,
    call: CallOptions & { peer: Endpoint; identity: IdentityInput },
    committed: Committed,
    declared: PlannedDefinition | undefined,
): Promise<LiveRelease | undefined> {
    const { channel, name } = query.definition;
    const approved = await queryApproved({ ...call, channel, name, sequence: committed.sequence });
    if (!approved?.packageId) return undefined;
    const packageBytes = await getInstalledPackage({ ...call, packageId: approved.packageId });
    const livePackage = packageBytes ? readChaincodePackage(packageBytes) : undefined;
    return {
        packageId: approved.packageId,
        address: String(livePackage?.connection?.address ?? ""),
        sequence: committed.sequence,
        replacedInThisUpdate: declared !== undefined && (await declaredGoesLive(query, declared)),
        ...(livePackage && livePackageParts(livePackage)),
    };
}

/** What a release key is made of, and the client certificate, as the live package holds them. */
export function livePackageParts(pkg: ReadChaincodePackage): Pick<LiveRelease, "content" | "clientTls"> {
    const connection = pkg.connection;
    if (!connection || typeof connection.dial_timeout !== "string") return {};
    const tls =
        connection.tls_required !== true ? "none" : connection.client_auth_required === true ? "mutual" : "server";
    const indexPaths = new Set(pkg.couchDbIndexes.map((index) => index.path));
    const indexFiles = indexFileDigests(
        pkg.codeEntries.filter((entry) => entry.type === "file" && indexPaths.has(entry.path)),
    );
    const content = {
        label: pkg.label,
        type: pkg.type,
        dialTimeout: connection.dial_timeout,
        tls,
        indexFiles,
    } as const;
    const { client_cert: certPem, client_key: keyPem } = connection;
    if (tls !== "mutual" || typeof certPem !== "string" || typeof keyPem !== "string") return { content };
    const commonName = commonNameOf(certPem);
    return { content, ...(commonName === undefined ? {} : { clientTls: { certPem, keyPem, commonName } }) };
}

function commonNameOf(certPem: string): string | undefined {
    try {
        return new X509Certificate(certPem).subject
            .split("\n")
            .find((part) => part.startsWith("CN="))
            ?.slice(3);
    } catch {
        return undefined;
    }
}

/**
 * The declared package becomes this org's live one in this update when the
 * definition stays as committed (this org's new approval switches its peers)
 * or when this stack commits a new one that every other required org has
 * approved, or approves in this same update before the commit. A wrong guess costs no outage: a server is deleted only at the
 * end of an update whose every step succeeded.
 */
async function declaredGoesLive(query: LiveReleaseQuery, { desired, sequence }: PlannedDefinition): Promise<boolean> {
    if (sequence.matchesCommitted) return true;
    if (!query.commits) return false;
    const readiness = await checkCommitReadiness({
        peer: query.peer,
        identity: query.identity,
        timeoutSeconds: query.timeoutSeconds,
        channel: query.definition.channel,
        definition: { ...desired, sequence: sequence.sequence },
    });
    const required = query.requiredApprovals ?? Object.keys(readiness.approvals);
    const approvingNow = new Set([query.identity.mspId, ...(query.approvedInThisUpdate ?? [])]);
    return required.every((mspId) => approvingNow.has(mspId) || readiness.approvals[mspId] === true);
}
