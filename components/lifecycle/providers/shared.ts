/**
 * The part every Fabric dynamic provider shares: the serialisable provider
 * shell, unknown-value handling, input validation that collects check
 * failures, and turning flat inputs into Fabric client arguments.
 *
 * No Pulumi imports here: this module runs inside the dynamic provider
 * process, loaded through the package (see providerShell).
 */
import {
    type CallOptions,
    type ChaincodeDefinition,
    type CollectionConfig,
    encodeCollections,
    encodeEndorsementPolicy,
    type Endpoint,
    type HsmKey,
    type HsmSettingNames,
    type IdentityHsm,
    type IdentityPem,
    type SubmitOptions,
    checkDefinitionName,
} from "../../fabric";
import { adminKeyChecks } from "../../validation/admin-key";
import { InvalidSettingError } from "../../validation/errors";
import {
    checkChannelName,
    checkOneOrdererSetting,
    checkSeconds,
    checkChaincodeVersion,
    checkHost,
    checkHostPort,
    checkMspId,
} from "../../validation/fabric";
import {
    checkCertificateBundlePem,
    checkLeafCertificatePem,
    checkKeyMatchesCertificate,
    checkPrivateKeyPem,
} from "../../validation/pem";

/** How the engine marks a value that is not known yet (during preview). */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export function isUnknown(value: unknown): boolean {
    if (value === UNKNOWN) return true;
    if (Array.isArray(value)) return value.some(isUnknown);
    if (value !== null && typeof value === "object") return Object.values(value).some(isUnknown);
    return false;
}

export interface CheckFailure {
    readonly property: string;
    readonly reason: string;
}

/** The provider methods as Pulumi calls them (structurally `pulumi.dynamic.ResourceProvider`). */
export interface ProviderMethods<Inputs, Outputs> {
    check(olds: Partial<Outputs>, news: Inputs): Promise<{ inputs: Inputs; failures: CheckFailure[] }>;
    diff(
        id: string,
        olds: Outputs,
        news: Inputs,
    ): Promise<{ changes: boolean; replaces: string[]; deleteBeforeReplace?: boolean }>;
    create(inputs: Inputs): Promise<{ id: string; outs: Outputs }>;
    read(id: string, props: Outputs): Promise<{ id: string; props: Outputs }>;
    update(id: string, olds: Outputs, news: Inputs): Promise<{ outs: Outputs }>;
    delete(id: string, props: Outputs): Promise<void>;
}

/** The npm package this library is published as (package.json `name`); the provider process loads its code through it. */
export const LIBRARY_PACKAGE = "fabric-ccaas";

/**
 * A provider object Pulumi can serialise. Its methods capture only the
 * package name and the provider's module name, and load the implementation
 * inside the provider process by module resolution from the project
 * directory (the provider's working directory): a consumer's
 * `node_modules/fabric-ccaas`, or this package itself by its own name. The
 * serialised text holds no path, so the state works from any checkout,
 * machine or CI runner, and refresh and destroy use whatever version is
 * installed there.
 */
export function providerShell<Inputs, Outputs>(
    providerModule: string,
    exportName: string,
): ProviderMethods<Inputs, Outputs> {
    // Kept short: this text is stored twice with every resource, and the engine logs and diffs it on every run.
    const load = (): ProviderMethods<Inputs, Outputs> => {
        const request = `${LIBRARY_PACKAGE}/providers/${providerModule}`;
        try {
            return require("node:module").createRequire(`${process.cwd()}/package.json`)(request)[exportName];
        } catch (error) {
            throw new Error(
                `cannot load the Fabric provider ${request} from the project in ${process.cwd()}: ${(error as Error).message}. ` +
                    `Install the package there (npm install ${LIBRARY_PACKAGE}), or run npm run build in its checkout.`,
            );
        }
    };
    return {
        check: (olds, news) => load().check(olds, news),
        diff: (id, olds, news) => load().diff(id, olds, news),
        create: (inputs) => load().create(inputs),
        read: (id, props) => load().read(id, props),
        update: (id, olds, news) => load().update(id, olds, news),
        delete: (id, props) => load().delete(id, props),
    };
}

/**
 * Collects check failures: runs each validator, turning InvalidSettingError
 * into a failure for its property. `settingNames` maps a property path (or a
 * prefix of one, e.g. "peers[1]") to the setting the user wrote, so the
 * failure names that setting.
 */
export class FailureCollector {
    readonly failures: CheckFailure[] = [];

    constructor(private readonly settingNames: Readonly<Record<string, string>> = {}) {}

    /** Runs `validate` unless the value is unknown (preview); records a failure instead of throwing. */
    check(property: string, value: unknown, validate: () => void): void {
        if (isUnknown(value)) return;
        try {
            validate();
        } catch (error) {
            if (error instanceof InvalidSettingError) {
                const setting = userSettingName(error.setting, this.settingNames);
                this.failures.push({
                    property: userSettingName(property, this.settingNames),
                    reason: new InvalidSettingError(setting, error.value, error.accepted).message,
                });
            } else {
                this.failures.push({
                    property: userSettingName(property, this.settingNames),
                    reason: (error as Error).message,
                });
            }
        }
    }
}

/**
 * The user's name for a property path: its longest mapped prefix (ending at a
 * '.' or '[' boundary) renamed; unmapped, a flat input is named by the
 * nested argument it came from (peerEndpoint is peer.endpoint).
 */
export function userSettingName(property: string, settingNames: Readonly<Record<string, string>>): string {
    let best = "";
    for (const prefix of Object.keys(settingNames)) {
        const boundary =
            property.length === prefix.length || property[prefix.length] === "." || property[prefix.length] === "[";
        if (property.startsWith(prefix) && boundary && prefix.length > best.length) best = prefix;
    }
    if (!best) return NESTED_ARGUMENT_OF[property] ?? property;
    const rest = property.slice(best.length);
    // A prefix named "" stands for its fields' own names: lifecycle.org.peers[0] is peers[0].
    return settingNames[best] === "" ? rest.replace(/^\./, "") : settingNames[best] + rest;
}

// ---------------------------------------------------------------------------
// Connection and identity inputs

/** How to reach one peer (flat, so every field diffs on its own). */
export interface PeerConnectionInputs {
    peerEndpoint: string;
    peerTlsCaPem?: string;
    peerHostOverride?: string;
    insecurePlaintext?: boolean;
    clientTlsCertPem?: string;
    clientTlsKeyPem?: string;
    timeoutSeconds?: number;
}

/** What every Fabric resource's check reads besides its own fields. */
export interface SettingNamesInputs {
    /** Input path or prefix -> the user's setting name (see FailureCollector). */
    settingNames?: Record<string, string>;
}

/** Outputs as the state keeps them: without the setting names, which only check reads (from the new inputs). */
export function stateOutputs<Outputs extends SettingNamesInputs>(outputs: Outputs): Omit<Outputs, "settingNames"> {
    const { settingNames: _names, ...kept } = outputs;
    return kept;
}

export interface AdminInputs {
    mspId: string;
    adminCertPem: string;
    /** The admin's private key (PEM); or, with the key in an HSM, the four adminHsm inputs. */
    adminKeyPem?: string;
    /** Absolute path of the PKCS#11 library. */
    adminHsmLibrary?: string;
    /** Label of the token that holds the admin's key. */
    adminHsmTokenLabel?: string;
    /** The key's CKA_ID, as text. */
    adminHsmKeyId?: string;
    /** The token's user PIN (secret). */
    adminHsmPin?: string;
}

/**
 * The flat inputs (as the providers and the state hold them, so each field
 * diffs on its own) of the nested arguments peer, orderer and adminHsm.
 */
export const FLAT_INPUTS = {
    peer: { endpoint: "peerEndpoint", tlsCaPem: "peerTlsCaPem", hostOverride: "peerHostOverride" },
    orderer: { endpoint: "ordererEndpoint", tlsCaPem: "ordererTlsCaPem", hostOverride: "ordererHostOverride" },
    adminHsm: {
        library: "adminHsmLibrary",
        tokenLabel: "adminHsmTokenLabel",
        keyId: "adminHsmKeyId",
        pin: "adminHsmPin",
    },
} as const;

/** The HSM inputs by HsmKey field. */
export const ADMIN_HSM_INPUTS: HsmSettingNames = FLAT_INPUTS.adminHsm;

/** A flat input's nested argument path, e.g. peerEndpoint -> peer.endpoint. */
const NESTED_ARGUMENT_OF: Readonly<Record<string, string>> = Object.fromEntries(
    Object.entries(FLAT_INPUTS).flatMap(([argument, fields]) =>
        Object.entries(fields).map(([field, flat]) => [flat, `${argument}.${field}`]),
    ),
);

/** True when the admin's key is in an HSM (any adminHsm input given). */
export function adminKeyInHsm(inputs: AdminInputs): boolean {
    return Object.values(ADMIN_HSM_INPUTS).some(
        (key) => inputs[key as keyof AdminInputs] !== undefined && inputs[key as keyof AdminInputs] !== "",
    );
}

export interface OrdererInputs {
    ordererEndpoint?: string;
    ordererTlsCaPem?: string;
    ordererHostOverride?: string;
    orderers?: OrdererTargetInputs[];
    commitTimeoutSeconds?: number;
}

/** One orderer in a list. */
export interface OrdererTargetInputs {
    endpoint: string;
    tlsCaPem?: string;
    hostOverride?: string;
}

/** One endorsing peer in a list. */
export interface PeerTargetInputs {
    endpoint: string;
    tlsCaPem?: string;
    hostOverride?: string;
    /** The org the peer belongs to (used to explain readiness failures). */
    mspId?: string;
}

export function checkConnection(collector: FailureCollector, inputs: PeerConnectionInputs): void {
    collector.check("peerEndpoint", inputs.peerEndpoint, () => checkHostPort("peerEndpoint", inputs.peerEndpoint));
    collector.check("insecurePlaintext", inputs.insecurePlaintext, () => {
        if (inputs.insecurePlaintext === true) {
            throw new InvalidSettingError(
                "insecurePlaintext",
                true,
                "not set: admin-signed lifecycle requests are never sent in plaintext gRPC; give the TLS CA of the peers and orderers",
            );
        }
    });
    checkTls(collector, "peerTlsCaPem", inputs.peerTlsCaPem);
    checkOptionalHost(collector, "peerHostOverride", inputs.peerHostOverride);
    checkClientTls(collector, inputs);
    checkTimeout(collector, "timeoutSeconds", inputs.timeoutSeconds);
}

/**
 * Every request these providers send is signed by an org admin: it goes over
 * TLS only. insecurePlaintext is refused by name, so a stack that set it
 * learns why instead of sending an admin's signature in the clear.
 */
export function checkTls(collector: FailureCollector, property: string, caPem: string | undefined): void {
    collector.check(property, caPem, () => {
        if (caPem === undefined || caPem === "") {
            throw new InvalidSettingError(
                property,
                caPem,
                "the PEM of the CA that signed the TLS certificate (admin-signed requests go over TLS only)",
            );
        }
        checkCertificateBundlePem(property, caPem);
    });
}

export function checkClientTls(
    collector: FailureCollector,
    inputs: { clientTlsCertPem?: string; clientTlsKeyPem?: string; insecurePlaintext?: boolean },
): void {
    const { clientTlsCertPem: cert, clientTlsKeyPem: key } = inputs;
    if (!cert && !key) return;
    collector.check("clientTlsCertPem", cert, () => {
        if (!cert)
            throw new InvalidSettingError(
                "clientTlsCertPem",
                cert,
                "the client TLS certificate that goes with clientTlsKeyPem",
            );
        checkLeafCertificatePem("clientTlsCertPem", cert);
        if (inputs.insecurePlaintext)
            throw new InvalidSettingError(
                "clientTlsCertPem",
                "(set)",
                "no client certificate when insecurePlaintext is true (mutual TLS needs TLS)",
            );
    });
    collector.check("clientTlsKeyPem", [cert, key], () => {
        if (!key) throw new InvalidSettingError("clientTlsKeyPem", undefined, "the private key of clientTlsCertPem");
        checkPrivateKeyPem("clientTlsKeyPem", key);
        if (cert) checkKeyMatchesCertificate("clientTlsKeyPem", key, cert);
    });
}

export function checkAdmin(collector: FailureCollector, inputs: AdminInputs): void {
    collector.check("mspId", inputs.mspId, () => checkMspId("mspId", inputs.mspId));
    collector.check("adminCertPem", inputs.adminCertPem, () =>
        checkLeafCertificatePem("adminCertPem", inputs.adminCertPem),
    );
    // The HSM itself is opened at the first signature, not here: a preview may run where the HSM is not.
    const source = {
        keyPem: inputs.adminKeyPem,
        hsm: adminKeyInHsm(inputs) ? hsmKeyOf(inputs) : undefined,
        certPem: inputs.adminCertPem,
    };
    for (const rule of adminKeyChecks(source, ADMIN_KEY_INPUT_NAMES))
        collector.check(rule.setting, rule.reads, rule.check);
}

/** The admin key's inputs by the names the rule uses; the collector renames them as the user wrote them. */
const ADMIN_KEY_INPUT_NAMES = { keyPem: "adminKeyPem", certPem: "adminCertPem", hsmFields: ADMIN_HSM_INPUTS };

function hsmKeyOf(inputs: AdminInputs): HsmKey {
    return {
        library: inputs.adminHsmLibrary ?? "",
        tokenLabel: inputs.adminHsmTokenLabel ?? "",
        keyId: inputs.adminHsmKeyId ?? "",
        pin: inputs.adminHsmPin ?? "",
    };
}

export function checkOrderer(
    collector: FailureCollector,
    inputs: OrdererInputs & { insecurePlaintext?: boolean },
): void {
    const single = inputs.ordererEndpoint !== undefined && inputs.ordererEndpoint !== "";
    if (single) {
        collector.check("ordererEndpoint", inputs.ordererEndpoint, () =>
            checkHostPort("ordererEndpoint", inputs.ordererEndpoint),
        );
        checkTls(collector, "ordererTlsCaPem", inputs.ordererTlsCaPem);
        checkOptionalHost(collector, "ordererHostOverride", inputs.ordererHostOverride);
    }
    collector.check("orderers", inputs.orderers, () => {
        if (inputs.orderers === undefined) return;
        if (!Array.isArray(inputs.orderers) || inputs.orderers.length === 0) {
            throw new InvalidSettingError(
                "orderers",
                inputs.orderers,
                "a list of orderers, each {endpoint: host:port, tlsCaPem, hostOverride?}",
            );
        }
        checkOneOrdererSetting(single, inputs.orderers);
    });
    (Array.isArray(inputs.orderers) ? inputs.orderers : []).forEach((target, index) => {
        collector.check(`orderers[${index}].endpoint`, target?.endpoint, () =>
            checkHostPort(`orderers[${index}].endpoint`, target?.endpoint),
        );
        checkTls(collector, `orderers[${index}].tlsCaPem`, target?.tlsCaPem);
        checkOptionalHost(collector, `orderers[${index}].hostOverride`, target?.hostOverride);
    });
    checkTimeout(collector, "commitTimeoutSeconds", inputs.commitTimeoutSeconds);
}

function checkOptionalHost(collector: FailureCollector, property: string, host: string | undefined): void {
    collector.check(property, host, () => {
        if (host !== undefined && host !== "") checkHost(property, host);
    });
}

export function checkTimeout(collector: FailureCollector, property: string, seconds: number | undefined): void {
    collector.check(property, seconds, () => {
        if (seconds !== undefined) checkSeconds(property, seconds, 1);
    });
}

/** The Fabric client's endpoint for the connection inputs. */
export function peerEndpoint(inputs: PeerConnectionInputs): Endpoint {
    return endpointOf(inputs.peerEndpoint, inputs.peerTlsCaPem, inputs.peerHostOverride, inputs);
}

export function targetEndpoint(
    target: PeerTargetInputs,
    tls: { clientTlsCertPem?: string; clientTlsKeyPem?: string },
): Endpoint {
    return endpointOf(target.endpoint, target.tlsCaPem, target.hostOverride, tls);
}

function endpointOf(
    address: string,
    tlsCaPem: string | undefined,
    hostOverride: string | undefined,
    tls: { clientTlsCertPem?: string; clientTlsKeyPem?: string },
): Endpoint {
    return {
        address,
        tlsCaPem: tlsCaPem || undefined,
        hostOverride: hostOverride || undefined,
        clientCertPem: tls.clientTlsCertPem || undefined,
        clientKeyPem: tls.clientTlsKeyPem || undefined,
    };
}

export function adminIdentity(inputs: AdminInputs): IdentityPem | IdentityHsm {
    if (adminKeyInHsm(inputs))
        return {
            mspId: inputs.mspId,
            certPem: inputs.adminCertPem,
            hsm: hsmKeyOf(inputs),
            hsmSettings: ADMIN_HSM_INPUTS,
        };
    return { mspId: inputs.mspId, certPem: inputs.adminCertPem, keyPem: inputs.adminKeyPem ?? "" };
}

export function callOptions(inputs: { timeoutSeconds?: number }): CallOptions {
    return { timeoutSeconds: inputs.timeoutSeconds };
}

export function submitOptions(
    inputs: OrdererInputs & { clientTlsCertPem?: string; clientTlsKeyPem?: string },
): SubmitOptions {
    return {
        orderer: inputs.ordererEndpoint
            ? endpointOf(inputs.ordererEndpoint, inputs.ordererTlsCaPem, inputs.ordererHostOverride, inputs)
            : undefined,
        orderers: inputs.orderers?.map((target) =>
            endpointOf(target.endpoint, target.tlsCaPem, target.hostOverride, inputs),
        ),
        commitTimeoutSeconds: inputs.commitTimeoutSeconds,
    };
}

// ---------------------------------------------------------------------------
// Definition inputs (shared by approval and commit)

export interface DefinitionInputs {
    channel: string;
    name: string;
    version: string;
    /** A number from 1, or "auto". */
    sequence: number | string;
    endorsementPolicy?: string;
    collections?: CollectionConfig[];
    initRequired?: boolean;
    endorsementPlugin?: string;
    validationPlugin?: string;
    /** The sequence the program planned from the channel before declaring (shown in preview); `up` stops if the channel moved since. */
    plannedSequence?: number;
    /** Why, in words: what the preview and a PR comment say the definition does. */
    plannedChange?: string;
}

/** Input keys by group, as the Args interfaces group them (resource-args.ts): each provider's diff is built from these. */
export const PEER_KEYS = ["peerEndpoint", "peerTlsCaPem", "peerHostOverride"] as const;
export const TRANSPORT_KEYS = ["insecurePlaintext", "clientTlsCertPem", "clientTlsKeyPem"] as const;
export const SIGNER_KEYS = [
    "mspId",
    "adminCertPem",
    "adminKeyPem",
    "adminHsmLibrary",
    "adminHsmTokenLabel",
    "adminHsmKeyId",
    "adminHsmPin",
    "timeoutSeconds",
] as const;
export const ORDERER_KEYS = [
    "ordererEndpoint",
    "ordererTlsCaPem",
    "ordererHostOverride",
    "orderers",
    "commitTimeoutSeconds",
] as const;

export const DEFINITION_FIELDS = [
    "name",
    "version",
    "sequence",
    "endorsementPolicy",
    "collections",
    "initRequired",
    "endorsementPlugin",
    "validationPlugin",
] as const;

export function checkDefinition(collector: FailureCollector, inputs: DefinitionInputs): void {
    collector.check("channel", inputs.channel, () => {
        checkChannelName("channel", inputs.channel);
    });
    collector.check("sequence", inputs.sequence, () => {
        if (
            inputs.sequence !== "auto" &&
            !(typeof inputs.sequence === "number" && Number.isSafeInteger(inputs.sequence) && inputs.sequence >= 1)
        ) {
            throw new InvalidSettingError(
                "sequence",
                inputs.sequence,
                'a whole number from 1, or "auto" (computed from the committed definition)',
            );
        }
    });
    collector.check("plannedSequence", inputs.plannedSequence, () => {
        if (
            inputs.plannedSequence !== undefined &&
            !(Number.isSafeInteger(inputs.plannedSequence) && inputs.plannedSequence >= 1)
        ) {
            throw new InvalidSettingError(
                "plannedSequence",
                inputs.plannedSequence,
                "a whole number from 1 (the sequence planned from the channel), or none",
            );
        }
    });
    collector.check("name", inputs.name, () => checkDefinitionName(inputs.name, "name"));
    collector.check("version", inputs.version, () => checkChaincodeVersion("version", inputs.version));
    collector.check("endorsementPolicy", inputs.endorsementPolicy, () => {
        if (inputs.endorsementPolicy) encodeEndorsementPolicy(inputs.endorsementPolicy, "endorsementPolicy");
    });
    collector.check("collections", inputs.collections, () => {
        if (inputs.collections !== undefined && !Array.isArray(inputs.collections)) {
            throw new InvalidSettingError("collections", inputs.collections, "a list of collection objects");
        }
        encodeCollections(inputs.collections ?? [], "collections");
    });
    for (const plugin of ["endorsementPlugin", "validationPlugin"] as const) {
        collector.check(plugin, inputs[plugin], () => {
            const value = inputs[plugin];
            if (value !== undefined && value !== "" && !/^[A-Za-z0-9_.-]+$/.test(value)) {
                throw new InvalidSettingError(
                    plugin,
                    value,
                    "a plugin name as configured on the peers (e.g. escc / vscc)",
                );
            }
        });
    }
}

/** The inputs as a Fabric client definition, with a resolved sequence. */
export function definitionOf(inputs: DefinitionInputs, sequence = 1): ChaincodeDefinition {
    return {
        name: inputs.name,
        version: inputs.version,
        sequence,
        endorsementPolicy: inputs.endorsementPolicy || undefined,
        collections: inputs.collections ?? [],
        initRequired: inputs.initRequired ?? false,
        endorsementPlugin: inputs.endorsementPlugin || undefined,
        validationPlugin: inputs.validationPlugin || undefined,
    };
}

// ---------------------------------------------------------------------------
// Diffing

/** Stable JSON for comparing input values (object keys sorted; undefined and "" and absent treated alike). */
export function canonical(value: unknown): string {
    return JSON.stringify(normalize(value));
}

function normalize(value: unknown): unknown {
    if (value === "" || value === null) return undefined;
    if (Array.isArray(value)) return value.map(normalize);
    if (value !== null && typeof value === "object") {
        const result: Record<string, unknown> = {};
        for (const key of Object.keys(value).sort()) {
            const normalized = normalize((value as Record<string, unknown>)[key]);
            if (normalized !== undefined) result[key] = normalized;
        }
        return result;
    }
    return value;
}

/** Input keys whose values differ between the old state and the new inputs (an unknown new value counts as a change). */
export function changedKeys(olds: object, news: object, keys: readonly string[]): string[] {
    const old = olds as Record<string, unknown>;
    const next = news as Record<string, unknown>;
    return keys.filter((key) => isUnknown(next[key]) || canonical(old[key]) !== canonical(next[key]));
}

/** diff(): a change to a key in `replaceKeys` replaces the resource, one in `updateKeys` updates it in place. */
export function diffByKeys(replaceKeys: readonly string[], updateKeys: readonly string[]) {
    return async (_id: string, olds: object, news: object) => {
        const replaces = changedKeys(olds, news, replaceKeys);
        const updates = changedKeys(olds, news, updateKeys);
        return { changes: replaces.length + updates.length > 0, replaces };
    };
}

/** A note for the operator; written to stderr, which the engine keeps in its logs. */
export function note(message: string): void {
    process.stderr.write(`${message}\n`);
}
