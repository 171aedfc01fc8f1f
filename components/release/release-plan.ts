/**
 * Releases: each chaincode package is served by its own server (Deployment,
 * Service, Secret, address) for as long as the channel may launch it. A
 * release is named by a short hash of what its package holds apart from the
 * address and the TLS material, which are not known before the TLS resources
 * exist; the client certificate's generation stands in for that material.
 * No Pulumi imports: the program, the components and the tests share it.
 */
import { createHash } from "node:crypto";
import { InvalidSettingError } from "../validation/errors";

/** Replaced by the release key in an address template. */
export const RELEASE_PLACEHOLDER = "{release}";
/** Hex digits of the release key: 2^32 keys, for the few releases one chaincode ever has side by side. */
const RELEASE_KEY_LENGTH = 8;
/** Kubernetes names are DNS labels of at most 63 characters; "-" + key takes 9. */
export const MAX_RELEASE_SERVICE_NAME = 63 - RELEASE_KEY_LENGTH - 1;

/** Everything in a package apart from the address and the PEMs. */
export interface ReleaseContent {
    readonly label: string;
    readonly type: string;
    readonly dialTimeout: string;
    readonly tls: "none" | "server" | "mutual";
    /** CouchDB index files: package path -> sha256 hex of the bytes. */
    readonly indexFiles: Readonly<Record<string, string>>;
    /** Generation of the peer's client certificate (1 for the first); bumping it renews the certificate. */
    readonly clientGeneration: number;
    /** Name of the CA shared with other chaincodes; undefined for the chaincode's own CA (keys from before stay as they were). */
    readonly sharedCa?: string;
}

/** ReleaseContent.indexFiles of the package's CouchDB index files: path -> sha256 hex of the bytes. */
export function indexFileDigests(
    files: readonly { readonly path: string; readonly data: Uint8Array }[],
): Record<string, string> {
    return Object.fromEntries(files.map((file) => [file.path, createHash("sha256").update(file.data).digest("hex")]));
}

/** The release key: the first 8 hex digits of sha256 over the content in a fixed order. */
export function releaseKeyOf(content: ReleaseContent): string {
    const indexFiles = Object.keys(content.indexFiles)
        .sort()
        .map((path) => [path, content.indexFiles[path]]);
    const fields: unknown[] = [
        content.label,
        content.type,
        content.dialTimeout,
        content.tls,
        indexFiles,
        content.clientGeneration,
    ];
    if (content.sharedCa !== undefined) fields.push(content.sharedCa);
    const canonical = JSON.stringify(fields);
    return createHash("sha256").update(canonical).digest("hex").slice(0, RELEASE_KEY_LENGTH);
}

/** The Deployment, Service and Secret name of a release. */
export function releaseServerName(serviceName: string, key: string): string {
    return `${serviceName}-${key}`;
}

/** The address template when none is given: the release's Service in its namespace. */
export function defaultAddressTemplate(serviceName: string, namespace: string, port: number): string {
    return `${releaseServerName(serviceName, RELEASE_PLACEHOLDER)}.${namespace}:${port}`;
}

/** Checks that an address template names the release, so two releases never share an address. */
export function checkAddressTemplate(setting: string, template: string): string {
    if (typeof template !== "string" || !template.includes(RELEASE_PLACEHOLDER)) {
        throw new InvalidSettingError(
            setting,
            template,
            `host:port with ${RELEASE_PLACEHOLDER} in the host (e.g. "basic-${RELEASE_PLACEHOLDER}.cc.example.com:443"): ` +
                "each package is served at its own address while the channel may still run the previous one",
        );
    }
    return template;
}

/** The address of one release. */
export function releaseAddress(template: string, key: string): string {
    return template.split(RELEASE_PLACEHOLDER).join(key);
}

/** The release key in an address made from `template`, or undefined when the address was not made from it. */
export function releaseKeyInAddress(template: string, address: string): string | undefined {
    const pattern = template
        .split(RELEASE_PLACEHOLDER)
        .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"))
        .join(`([0-9a-f]{${RELEASE_KEY_LENGTH}})`);
    const match = new RegExp(`^${pattern}$`).exec(address);
    if (!match) return undefined;
    const keys = new Set(match.slice(1));
    return keys.size === 1 ? match[1] : undefined;
}

/** The peer's client certificate and key as a live package's connection.json holds them. */
export interface LiveClientTls {
    readonly certPem: string;
    readonly keyPem: string;
    /** The certificate's subject common name: it names the release whose resources issued it. */
    readonly commonName: string;
}

/** The subject common name of a release's client certificate. */
export function clientCommonName(serverName: string): string {
    return `${serverName} peer client`;
}

/** What this org's peers run for the committed definition, as read from Fabric before the program declares anything. */
export interface LiveRelease {
    /** Package ID this org approved at the committed sequence. */
    readonly packageId: string;
    /** Address in that package's connection.json. */
    readonly address: string;
    /** The committed sequence. */
    readonly sequence: number;
    /** True when this `up` makes the declared package the one this org's peers run (its approval or commit goes in). */
    readonly replacedInThisUpdate: boolean;
    /** What the live package holds apart from the address and the PEMs; undefined when it could not be read. */
    readonly content?: Omit<ReleaseContent, "clientGeneration" | "sharedCa">;
    /** The live package's client certificate; undefined without mutual TLS. */
    readonly clientTls?: LiveClientTls;
}

export type ReleaseRole = "declared" | "live";

export interface PlannedRelease {
    /** "" for the server from before releases (unsuffixed names). */
    readonly key: string;
    readonly role: ReleaseRole;
    /** The package the server registers as: known for the live release; the declared one's is computed. */
    readonly packageId?: string;
}

export interface ReleasePlan {
    readonly releases: readonly PlannedRelease[];
    /** The live release's key ("" for the server from before releases); undefined when nothing is live or its address is not this stack's. */
    readonly liveKey?: string;
    /** What the plan means, for the operator (shown in preview and up). */
    readonly summary: string;
}

/**
 * Which servers to declare: the declared release always; the live one too
 * while it differs and this update does not switch the peers away from it.
 * A server left out is deleted at the end of the update, and only when
 * every step before (install, approval, commit, smoke check) succeeded.
 */
export function planReleases(
    chaincodeName: string,
    template: string,
    declaredKey: string,
    live: LiveRelease | undefined,
    legacyAddress?: string,
): ReleasePlan {
    const declared: PlannedRelease = { key: declaredKey, role: "declared" };
    if (!live)
        return {
            releases: [declared],
            summary: `${chaincodeName}: serving release ${declaredKey}; nothing is committed for this org yet`,
        };
    // "" is the server from before releases, at the old default address.
    const liveKey = releaseKeyInAddress(template, live.address) ?? (live.address === legacyAddress ? "" : undefined);
    if (liveKey === declaredKey) {
        return {
            releases: [declared],
            liveKey,
            summary: `${chaincodeName}: serving release ${declaredKey}, the one the channel runs (sequence ${live.sequence})`,
        };
    }
    if (liveKey === undefined) {
        return {
            releases: [declared],
            summary:
                `${chaincodeName}: the channel runs package ${live.packageId} at ${live.address} (sequence ${live.sequence}), ` +
                `which is not served by this stack's address scheme; serving release ${declaredKey} only`,
        };
    }
    if (live.replacedInThisUpdate) {
        return {
            releases: [declared],
            liveKey,
            summary:
                `${chaincodeName}: release ${declaredKey} replaces ${describeKey(liveKey)} in this update; the server of ${describeKey(liveKey)} ` +
                "is deleted at its end, once the new package is live and the smoke check passed",
        };
    }
    return {
        releases: [declared, { key: liveKey, role: "live", packageId: live.packageId }],
        liveKey,
        summary:
            `${chaincodeName}: release ${declaredKey} starts beside ${describeKey(liveKey)}, which this org's peers run for the committed ` +
            `sequence ${live.sequence} (package ${live.packageId}); it is kept unchanged until the new definition is committed`,
    };
}

function describeKey(key: string): string {
    return key ? `release ${key}` : "the server from before releases";
}

/** Where the declared release's client certificate comes from: resources of its own, or the live package. */
export type ClientCertificateSource =
    | { readonly from: "own" }
    | { readonly from: "live"; readonly certPem: string; readonly keyPem: string };

/**
 * A new release of the same client generation carries the live package's
 * client certificate on, so nothing new is issued and its package, and the
 * package ID a preview shows, are known before the update. A new generation
 * (a renewal), a first release, or a live package that cannot be matched get
 * a certificate of their own. A live release whose certificate names it holds
 * the resources that issued it, so as the declared release it keeps them.
 */
export function declaredClientCertificate(
    declaredKey: string,
    declared: ReleaseContent,
    live: LiveRelease | undefined,
    liveKey: string | undefined,
    serverNameOf: (key: string) => string,
): ClientCertificateSource {
    const own = { from: "own" } as const;
    const client = live?.clientTls;
    if (declared.tls !== "mutual" || !client || !live?.content || liveKey === undefined) return own;
    const inherited = { from: "live", certPem: client.certPem, keyPem: client.keyPem } as const;
    if (liveKey === declaredKey) return liveIssuedItsCertificate(live, liveKey, serverNameOf) ? own : inherited;
    const liveKeyAtDeclaredGeneration = releaseKeyOf({
        ...live.content,
        clientGeneration: declared.clientGeneration,
        sharedCa: declared.sharedCa,
    });
    return liveKeyAtDeclaredGeneration === liveKey ? inherited : own;
}

/** Whether the live release's own resources issued its client certificate (the certificate names it). */
export function liveIssuedItsCertificate(
    live: LiveRelease | undefined,
    liveKey: string,
    serverNameOf: (key: string) => string,
): boolean {
    return live?.clientTls !== undefined && live.clientTls.commonName === clientCommonName(serverNameOf(liveKey));
}
