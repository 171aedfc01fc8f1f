/**
 * The `_lifecycle` system chaincode over gRPC: install and query packages
 * on a peer, approve, check readiness, commit and query definitions.
 * Each function opens its connections, uses one channel per endpoint and
 * closes them before it returns.
 */
import { peer } from "@hyperledger/fabric-protos";
import type { CommitResult } from "./commit-result";
import { type CallOptions, type Connections, type Endpoint, withConnections } from "./grpc-connection";
import {
    applyDefinition,
    type ChaincodeDefinition,
    definitionFromMessage,
    type EncodedDefinition,
    encodeDefinition,
} from "./chaincode-definition";
import { endorse, processProposal } from "./endorse";
import { FabricCallError } from "./fabric-errors";
import { submitAndCommit, withGateway } from "./gateway";
import { asSigningIdentity, type IdentityInput } from "./identity-input";
import { readLedgerHeight } from "./ledger-height";
import { buildSignedProposal } from "./proposal";
import { submitAndWait, type SubmitOptions } from "./submit";
import { buildTransactionEnvelope } from "./transaction";

const lifecycle = peer.lifecycle;
const LIFECYCLE = "_lifecycle";

/** A call to one peer as one identity. */
export interface PeerCall extends CallOptions {
    readonly peer: Endpoint;
    /** The peer's local MSP admin for install/approve/query-installed; a channel member (writer) otherwise. */
    readonly identity: IdentityInput;
}

export interface InstalledChaincode {
    readonly packageId: string;
    readonly label: string;
    /** channel -> chaincodes (name, version) whose definitions use this package. */
    readonly references: Readonly<Record<string, ReadonlyArray<{ name: string; version: string }>>>;
}

export interface InstallResult {
    readonly packageId: string;
    readonly label: string;
    /** True when the peer already had the package (not an error). */
    readonly alreadyInstalled: boolean;
}

export interface ApprovedDefinition extends EncodedDefinition {
    /** Package this org's peers run for the definition; undefined when the approval says "unavailable". */
    readonly packageId: string | undefined;
}

export interface CommittedDefinition extends EncodedDefinition {
    /** MSP ID -> whether that org approved the committed definition. */
    readonly approvals: Readonly<Record<string, boolean>>;
}

export interface ReadinessResult {
    /** MSP ID -> approved this exact definition. */
    readonly approvals: Readonly<Record<string, boolean>>;
    /** MSP ID -> fields that differ (only peers newer than 2.5 report these). */
    readonly mismatches: Readonly<Record<string, readonly string[]>>;
}

export interface DefinitionCall extends PeerCall {
    readonly channel: string;
    /** The definition; an EncodedDefinition is used as is. */
    readonly definition: ChaincodeDefinition | EncodedDefinition;
}

const ALREADY_INSTALLED = /chaincode already successfully installed \(package ID '([^']+)'\)/;

/** Installs a package on the peer; an already-installed package counts as success. */
export async function installChaincode(call: PeerCall & { readonly packageBytes: Uint8Array }): Promise<InstallResult> {
    const args = new lifecycle.InstallChaincodeArgs();
    args.setChaincodeInstallPackage(call.packageBytes);
    try {
        const result = lifecycle.InstallChaincodeResult.deserializeBinary(
            await query(call, "", "InstallChaincode", args),
        );
        return { packageId: result.getPackageId(), label: result.getLabel(), alreadyInstalled: false };
    } catch (error) {
        const existing = error instanceof FabricCallError ? ALREADY_INSTALLED.exec(error.peerMessage) : null;
        if (!existing) throw error;
        const packageId = existing[1];
        return { packageId, label: packageId.slice(0, packageId.lastIndexOf(":")), alreadyInstalled: true };
    }
}

/** The installed package with this ID, or undefined when the peer does not have it. */
export async function queryInstalled(
    call: PeerCall & { readonly packageId: string },
): Promise<InstalledChaincode | undefined> {
    const args = new lifecycle.QueryInstalledChaincodeArgs();
    args.setPackageId(call.packageId);
    const bytes = await orUndefinedWhenAbsent(query(call, "", "QueryInstalledChaincode", args));
    if (!bytes) return undefined;
    const result = lifecycle.QueryInstalledChaincodeResult.deserializeBinary(bytes);
    return {
        packageId: result.getPackageId(),
        label: result.getLabel(),
        references: sortedRecord(result.getReferencesMap(), chaincodeRefs),
    };
}

/** Every package installed on the peer, sorted by package ID. */
export async function queryAllInstalled(call: PeerCall): Promise<InstalledChaincode[]> {
    const bytes = await query(call, "", "QueryInstalledChaincodes", new lifecycle.QueryInstalledChaincodesArgs());
    return lifecycle.QueryInstalledChaincodesResult.deserializeBinary(bytes)
        .getInstalledChaincodesList()
        .map((installed) => ({
            packageId: installed.getPackageId(),
            label: installed.getLabel(),
            references: sortedRecord(installed.getReferencesMap(), chaincodeRefs),
        }))
        .sort((a, b) => (a.packageId < b.packageId ? -1 : a.packageId > b.packageId ? 1 : 0));
}

/** The package file the peer holds, or undefined when it has none with this ID. */
export async function getInstalledPackage(
    call: PeerCall & { readonly packageId: string },
): Promise<Buffer | undefined> {
    const args = new lifecycle.GetInstalledChaincodePackageArgs();
    args.setPackageId(call.packageId);
    const bytes = await orUndefinedWhenAbsent(query(call, "", "GetInstalledChaincodePackage", args));
    if (!bytes) return undefined;
    return Buffer.from(
        lifecycle.GetInstalledChaincodePackageResult.deserializeBinary(bytes).getChaincodeInstallPackage_asU8(),
    );
}

/**
 * Approves the definition for the identity's org, endorsed by that org's
 * peer (`call.peer`), and waits until the approval is committed.
 * Without a package ID the approval marks the chaincode unavailable for the org.
 */
export async function approveForMyOrg(
    call: DefinitionCall & { readonly packageId?: string; readonly submit?: SubmitOptions },
): Promise<CommitResult> {
    const args = applyDefinition(new lifecycle.ApproveChaincodeDefinitionForMyOrgArgs(), toEncoded(call.definition));
    const source = new lifecycle.ChaincodeSource();
    if (call.packageId) {
        const local = new lifecycle.ChaincodeSource.Local();
        local.setPackageId(call.packageId);
        source.setLocalPackage(local);
    } else {
        source.setUnavailable(new lifecycle.ChaincodeSource.Unavailable());
    }
    args.setSource(source);
    // Only the org's own peers may endorse its approval (it writes the org's implicit collection).
    const endorsingOrganizations = [asSigningIdentity(call.identity).mspId];
    return transact(
        { ...call, peers: [call.peer], endorsingOrganizations },
        "ApproveChaincodeDefinitionForMyOrg",
        args,
    );
}

/** This org's approval for `sequence` (default: the latest one), or undefined when there is none. */
export async function queryApproved(
    call: PeerCall & { readonly channel: string; readonly name: string; readonly sequence?: number },
): Promise<ApprovedDefinition | undefined> {
    const args = new lifecycle.QueryApprovedChaincodeDefinitionArgs();
    args.setName(call.name);
    args.setSequence(call.sequence ?? 0);
    const bytes = await orUndefinedWhenAbsent(query(call, call.channel, "QueryApprovedChaincodeDefinition", args));
    if (!bytes) return undefined;
    const result = lifecycle.QueryApprovedChaincodeDefinitionResult.deserializeBinary(bytes);
    const source = result.getSource();
    const packageId =
        source?.getTypeCase() === lifecycle.ChaincodeSource.TypeCase.LOCAL_PACKAGE
            ? source.getLocalPackage()?.getPackageId()
            : undefined;
    return { ...definitionFromMessage(call.name, result), packageId: packageId || undefined };
}

/** Which orgs have approved exactly this definition. */
export async function checkCommitReadiness(call: DefinitionCall): Promise<ReadinessResult> {
    const args = applyDefinition(new lifecycle.CheckCommitReadinessArgs(), toEncoded(call.definition));
    const result = lifecycle.CheckCommitReadinessResult.deserializeBinary(
        await query(call, call.channel, "CheckCommitReadiness", args),
    );
    const approvals = sortedRecord(result.getApprovalsMap(), (approved) => approved);
    const mismatches = sortedRecord(result.getMismatchesMap(), (items) => items.getItemsList());
    return { approvals, mismatches };
}

/**
 * Commits the definition, then waits for it. With `endorsingOrganizations`
 * the gateway of `peers[0]` endorses on peers of those orgs (enough of them
 * to satisfy /Channel/Application/LifecycleEndorsement, a majority by
 * default) found through discovery; without, it is endorsed on exactly
 * `peers` (one per org), for networks without discovery.
 */
export async function commitDefinition(
    call: Omit<DefinitionCall, "peer"> & {
        readonly peers: readonly Endpoint[];
        readonly endorsingOrganizations?: readonly string[];
        readonly submit?: SubmitOptions;
    },
): Promise<CommitResult> {
    const args = applyDefinition(new lifecycle.CommitChaincodeDefinitionArgs(), toEncoded(call.definition));
    return transact(call, "CommitChaincodeDefinition", args);
}

/** The committed definition of `name`, or undefined when none is committed. */
export async function queryCommitted(
    call: PeerCall & { readonly channel: string; readonly name: string },
): Promise<CommittedDefinition | undefined> {
    const args = new lifecycle.QueryChaincodeDefinitionArgs();
    args.setName(call.name);
    const bytes = await orUndefinedWhenAbsent(query(call, call.channel, "QueryChaincodeDefinition", args));
    if (!bytes) return undefined;
    const result = lifecycle.QueryChaincodeDefinitionResult.deserializeBinary(bytes);
    const approvals = sortedRecord(result.getApprovalsMap(), (approved) => approved);
    return { ...definitionFromMessage(call.name, result), approvals };
}

/** Every committed definition on the channel, sorted by name. */
export async function queryAllCommitted(call: PeerCall & { readonly channel: string }): Promise<EncodedDefinition[]> {
    const bytes = await query(
        call,
        call.channel,
        "QueryChaincodeDefinitions",
        new lifecycle.QueryChaincodeDefinitionsArgs(),
    );
    return lifecycle.QueryChaincodeDefinitionsResult.deserializeBinary(bytes)
        .getChaincodeDefinitionsList()
        .map((definition) => definitionFromMessage(definition.getName(), definition))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Number of blocks on the channel as the peer sees it (qscc GetChainInfo). */
export async function getChannelHeight(call: PeerCall & { readonly channel: string }): Promise<number> {
    const identity = asSigningIdentity(call.identity);
    return withConnections(call, (connections) => readLedgerHeight(connections, call.peer, identity, call.channel));
}

function toEncoded(definition: ChaincodeDefinition | EncodedDefinition): EncodedDefinition {
    return "validationParameter" in definition ? definition : encodeDefinition(definition);
}

/**
 * A read-only `_lifecycle` call; returns the function's result bytes. On a
 * channel it goes through the Gateway client to a peer of the caller's org
 * (the connected peer unless another of the org is ahead of it): an org's
 * approvals live in its own implicit collection. The peer-local calls (no
 * channel: installed packages) are ProcessProposal to exactly this peer,
 * which the Gateway API cannot make.
 */
async function query(
    call: PeerCall,
    channel: string,
    fn: string,
    args: { serializeBinary(): Uint8Array },
): Promise<Uint8Array> {
    const identity = asSigningIdentity(call.identity);
    if (channel !== "") {
        return withGateway({ ...call, identity }, (gateway) =>
            gateway
                .getNetwork(channel)
                .getContract(LIFECYCLE)
                .evaluate(fn, { arguments: [args.serializeBinary()], endorsingOrganizations: [identity.mspId] }),
        );
    }
    return withConnections(call, async (connections) => {
        const proposal = await buildSignedProposal(identity, {
            channel,
            chaincodeName: LIFECYCLE,
            args: [Buffer.from(fn), args.serializeBinary()],
        });
        const response = await processProposal(connections, call.peer, proposal);
        return response.getResponse()?.getPayload_asU8() ?? new Uint8Array();
    });
}

/**
 * A `_lifecycle` transaction, submitted and waited for until VALID. With
 * `endorsingOrganizations` and no orderer it goes through the Gateway
 * client: the connected peer's gateway endorses on peers of those orgs that
 * it finds through discovery, and submits. Otherwise it is endorsed here on
 * exactly `peers` (networks without discovery) and, with `orderer(s)`,
 * broadcast to them: what the Gateway API cannot do.
 */
async function transact(
    call: CallOptions & {
        peers: readonly Endpoint[];
        identity: IdentityInput;
        channel: string;
        submit?: SubmitOptions;
        endorsingOrganizations?: readonly string[];
    },
    fn: string,
    args: { serializeBinary(): Uint8Array },
): Promise<CommitResult> {
    const identity = asSigningIdentity(call.identity);
    const direct =
        call.submit?.orderer !== undefined ||
        (call.submit?.orderers?.length ?? 0) > 0 ||
        call.submit?.waitVia === "deliver";
    if (call.endorsingOrganizations?.length && !direct) {
        const peer = call.submit?.commitPeer ?? call.peers[0];
        const gatewayCall = { ...call, peer, identity, commitTimeoutSeconds: call.submit?.commitTimeoutSeconds };
        const options = {
            arguments: [args.serializeBinary()],
            endorsingOrganizations: [...(call.endorsingOrganizations ?? [])],
        };
        const { result: _returned, ...committed } = await withGateway(gatewayCall, (gateway) =>
            submitAndCommit(gateway.getNetwork(call.channel).getContract(LIFECYCLE), fn, options, peer),
        );
        return committed;
    }
    return withConnections(call, async (connections: Connections) => {
        const proposal = await buildSignedProposal(identity, {
            channel: call.channel,
            chaincodeName: LIFECYCLE,
            args: [Buffer.from(fn), args.serializeBinary()],
        });
        const endorsed = await endorse(connections, call.peers, proposal);
        const envelope = await buildTransactionEnvelope(identity, endorsed);
        const commitPeer = call.submit?.commitPeer ?? call.peers[0];
        return submitAndWait(connections, identity, call.channel, proposal.txId, envelope, commitPeer, call.submit);
    });
}

/** The peer's ways of saying "there is no such thing": 404, or these messages from older code paths. */
const ABSENT =
    /could not find chaincode with package id|could not fetch approved chaincode definition|namespace .* is not defined|chaincode install package .* not found/;

async function orUndefinedWhenAbsent(pending: Promise<Uint8Array>): Promise<Uint8Array | undefined> {
    try {
        return await pending;
    } catch (error) {
        if (error instanceof FabricCallError && (error.status === 404 || ABSENT.test(error.peerMessage)))
            return undefined;
        throw error;
    }
}

/** A protobuf map as a plain object with sorted keys (deterministic output). */
function sortedRecord<V, T>(
    map: { forEach(callback: (value: V, key: string) => void): void },
    convert: (value: V) => T,
): Record<string, T> {
    const entries: Array<[string, T]> = [];
    map.forEach((value, key) => {
        entries.push([key, convert(value)]);
    });
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries);
}

function chaincodeRefs(refs: {
    getChaincodesList(): Array<{ getName(): string; getVersion(): string }>;
}): Array<{ name: string; version: string }> {
    return refs
        .getChaincodesList()
        .map((chaincode) => ({ name: chaincode.getName(), version: chaincode.getVersion() }));
}
