import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { isIP } from "node:net";
import { type KeepOption, keepOptions } from "../kubernetes/keep";
import { clientCommonName } from "../release/release-plan";
import { InvalidSettingError } from "../validation/errors";
import { checkIntegerInRange } from "../validation/kubernetes";
import { checkArgs } from "../validation/resource-error";
import type { NameOf } from "../setting-names";

export type KeyAlgorithm = "ECDSA" | "RSA";
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ["ECDSA", "RSA"];

export interface SubjectAltNames {
    readonly dnsNames: string[];
    readonly ipAddresses: string[];
}

/**
 * Every name a peer may dial for the chaincode Service (short, namespaced and
 * cluster FQDN), the host of the packaged address and any extras. Go TLS
 * ignores the CN, so a name missing here is a failed handshake.
 */
export function chaincodeServerSans(
    serviceName: string,
    namespace: string,
    address: string,
    extraNames: readonly string[] = [],
): SubjectAltNames {
    const host = hostOfAddress(address);
    const names = [
        serviceName,
        `${serviceName}.${namespace}`,
        `${serviceName}.${namespace}.svc`,
        `${serviceName}.${namespace}.svc.cluster.local`,
        host,
        ...extraNames,
    ];
    const dnsNames: string[] = [];
    const ipAddresses: string[] = [];
    for (const name of names) {
        const target = isIP(name) ? ipAddresses : dnsNames;
        if (!target.includes(name)) target.push(name);
    }
    return { dnsNames, ipAddresses };
}

/** The host part of host:port, without IPv6 brackets. */
export function hostOfAddress(address: string): string {
    const colon = address.lastIndexOf(":");
    const host = colon > 0 ? address.slice(0, colon) : address;
    return host.startsWith("[") && host.endsWith("]") ? host.slice(1, -1) : host;
}

export interface ChaincodeCaArgs {
    /** Names the CA in its subject. */
    readonly serviceName: pulumi.Input<string>;
    /** Key algorithm of the CA and every leaf. Defaults to "ECDSA" (P-256). */
    readonly algorithm?: KeyAlgorithm;
    /** RSA key size when algorithm is RSA. Defaults to 2048. */
    readonly rsaBits?: number;
    /** Lifetime of the CA. Defaults to 87600 hours (10 years). */
    readonly caValidityHours?: number;
    /** Organization in the certificates' subject. Defaults to "Hyperledger Fabric chaincode". */
    readonly organization?: string;
}

export interface LeafSettings {
    /** Issue a client certificate for the peer (mutual TLS). Defaults to true. */
    readonly clientAuth?: boolean;
    /** Lifetime of the server leaf. Defaults to 8760 hours (1 year). */
    readonly validityHours?: number;
    /** Renew the server leaf this many hours before it expires (on the next `pulumi up`). Defaults to 720 (30 days). */
    readonly earlyRenewalHours?: number;
    /** Lifetime of the peer's client leaf, which lives inside the package. Defaults to the CA's lifetime. */
    readonly clientValidityHours?: number;
}

export type ChaincodeTlsArgs = ChaincodeCaArgs & LeafSettings;

/** How one chaincode's leaves are issued, whichever CA signs them. */
export type LeafCertificateSettings = Pick<
    TlsSettings,
    "clientAuth" | "validityHours" | "earlyRenewalHours" | "clientValidityHours"
>;

export interface ReleaseCertificatesArgs {
    /** Release server name: the Service the peer dials. */
    readonly serverName: string;
    readonly namespace: string;
    /** host:port of this release in connection.json. */
    readonly address: string;
    /** More DNS names or IPs for the server certificate. Defaults to none. */
    readonly extraSans?: pulumi.Input<pulumi.Input<string>[]>;
    /** Issue the peer's client certificate (with mutual TLS). False when the release carries the live package's on. Defaults to true. */
    readonly issueClientCertificate?: boolean;
}

const SERVER_USES = ["digital_signature", "key_encipherment", "server_auth"];
const CLIENT_USES = ["digital_signature", "key_encipherment", "client_auth"];
const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];

/**
 * The chaincode's private CA, shared by all its releases (and, when given as
 * `tls.ca`, by several chaincodes). Only the CA goes into connection.json, so
 * renewing a server leaf changes no package; the peer's client leaf is in the
 * package, so each release gets its own (ReleaseCertificates) and a renewal
 * is a new release.
 *
 * @example
 * ```ts
 * const ca = new ChaincodeTls("shared-tls", { serviceName: "shared", algorithm: "ECDSA", caValidityHours: 87600 });
 * new ExternalChaincode("basic", { chaincodeName: "basic", image, tls: { ca }, lifecycle });
 * ```
 */
export class ChaincodeTls extends pulumi.ComponentResource {
    /** PEM of the CA; public, goes into connection.json as root_cert. */
    public readonly caCertPem: pulumi.Output<string>;
    public readonly settings: TlsSettings;
    public readonly organization: string;
    /** The component's name: what a chaincode sharing this CA records in its release key. */
    public readonly caName: string;
    private readonly caKey: tls.PrivateKey;
    private readonly caCert: tls.SelfSignedCert;

    constructor(name: string, args: ChaincodeTlsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fabric-ccaas:index:ChaincodeTls", name, {}, opts);
        this.settings = checkArgs(this, () => checkTlsArgs(args));
        this.organization = args.organization ?? "Hyperledger Fabric chaincode";
        this.caName = name;
        this.caKey = this.newKey(`${name}-ca-key`, { parent: this });
        this.caCert = new tls.SelfSignedCert(
            `${name}-ca`,
            {
                privateKeyPem: this.caKey.privateKeyPem,
                isCaCertificate: true,
                validityPeriodHours: this.settings.caValidityHours,
                allowedUses: CA_USES,
                subject: {
                    commonName: pulumi.interpolate`${args.serviceName} chaincode CA`,
                    organization: this.organization,
                },
            },
            { parent: this },
        );
        this.caCertPem = this.caCert.certPem;
        this.registerOutputs({ caCertPem: this.caCertPem });
    }

    /** A key of the configured algorithm. */
    newKey(keyName: string, opts: pulumi.CustomResourceOptions): tls.PrivateKey {
        const props: tls.PrivateKeyArgs =
            this.settings.algorithm === "ECDSA"
                ? { algorithm: "ECDSA", ecdsaCurve: "P256" }
                : { algorithm: "RSA", rsaBits: this.settings.rsaBits };
        return new tls.PrivateKey(keyName, props, keepOptions(props, opts));
    }

    /** A leaf signed by this CA. */
    signLeaf(
        leafName: string,
        csr: tls.CertRequest,
        leaf: { validityHours: number; earlyRenewalHours: number; allowedUses: string[] },
        opts: pulumi.CustomResourceOptions,
    ): tls.LocallySignedCert {
        const props: tls.LocallySignedCertArgs = {
            certRequestPem: csr.certRequestPem,
            caPrivateKeyPem: this.caKey.privateKeyPem,
            caCertPem: this.caCert.certPem,
            validityPeriodHours: leaf.validityHours,
            earlyRenewalHours: leaf.earlyRenewalHours,
            allowedUses: leaf.allowedUses,
        };
        return new tls.LocallySignedCert(leafName, props, keepOptions(props, opts));
    }

    /** A certificate request for a key of this CA's algorithm. */
    request(csrName: string, props: tls.CertRequestArgs, opts: pulumi.CustomResourceOptions): tls.CertRequest {
        return new tls.CertRequest(csrName, props, keepOptions(props, opts));
    }
}

/**
 * One release's certificates: the server leaf (SANs: every name of the
 * release's Service and the host of its address) and, for mutual TLS, the
 * peer's client leaf that goes into this release's package.
 */
export class ReleaseCertificates {
    public readonly serverCertPem: pulumi.Output<string>;
    /** Secret. */
    public readonly serverKeyPem: pulumi.Output<string>;
    public readonly serverDnsNames: pulumi.Output<string[]>;
    /** Undefined without mutual TLS. */
    public readonly clientCertPem: pulumi.Output<string> | undefined;
    /** Secret; undefined without mutual TLS. */
    public readonly clientKeyPem: pulumi.Output<string> | undefined;

    constructor(
        prefix: string,
        ca: ChaincodeTls,
        settings: LeafCertificateSettings,
        args: ReleaseCertificatesArgs,
        opts: pulumi.CustomResourceOptions & KeepOption,
    ) {
        const organization = ca.organization;
        const sans = pulumi
            .output(args.extraSans ?? [])
            .apply((extra) => chaincodeServerSans(args.serverName, args.namespace, args.address, extra));
        const serverKey = ca.newKey(`${prefix}-server-key`, opts);
        const serverCsr = ca.request(
            `${prefix}-server-csr`,
            {
                privateKeyPem: serverKey.privateKeyPem,
                subject: { commonName: args.serverName, organization },
                dnsNames: sans.dnsNames,
                ipAddresses: sans.ipAddresses,
            },
            opts,
        );
        const serverCert = ca.signLeaf(
            `${prefix}-server`,
            serverCsr,
            {
                validityHours: settings.validityHours,
                earlyRenewalHours: settings.earlyRenewalHours,
                allowedUses: SERVER_USES,
            },
            opts,
        );
        this.serverCertPem = serverCert.certPem;
        this.serverKeyPem = pulumi.secret(serverKey.privateKeyPem);
        this.serverDnsNames = sans.dnsNames;

        if (settings.clientAuth && (args.issueClientCertificate ?? true)) {
            const clientKey = ca.newKey(`${prefix}-client-key`, opts);
            const clientCsr = ca.request(
                `${prefix}-client-csr`,
                {
                    privateKeyPem: clientKey.privateKeyPem,
                    subject: { commonName: clientCommonName(args.serverName), organization },
                },
                opts,
            );
            // No early renewal: a renewed client leaf is a new package, so it comes as a new release, never in place.
            this.clientCertPem = ca.signLeaf(
                `${prefix}-client`,
                clientCsr,
                { validityHours: settings.clientValidityHours, earlyRenewalHours: 0, allowedUses: CLIENT_USES },
                opts,
            ).certPem;
            this.clientKeyPem = pulumi.secret(clientKey.privateKeyPem);
        }
    }
}

export interface TlsSettings {
    algorithm: KeyAlgorithm;
    rsaBits: number;
    clientAuth: boolean;
    caValidityHours: number;
    validityHours: number;
    earlyRenewalHours: number;
    clientValidityHours: number;
}

/** Checks the plain arguments; throws InvalidSettingError naming the argument (`nameOf` names those its rules refer to). */
export function checkTlsArgs(
    args: Omit<ChaincodeTlsArgs, "serviceName">,
    nameOf: NameOf = (path) => path,
): TlsSettings {
    const algorithm = args.algorithm ?? "ECDSA";
    if (!KEY_ALGORITHMS.includes(algorithm)) {
        throw new InvalidSettingError("algorithm", algorithm, `one of ${KEY_ALGORITHMS.join(", ")}`);
    }
    const rsaBits = args.rsaBits ?? 2048;
    if (![2048, 3072, 4096].includes(rsaBits)) {
        throw new InvalidSettingError("rsaBits", rsaBits, "2048, 3072 or 4096");
    }
    const validityHours = checkIntegerInRange("validityHours", args.validityHours ?? 8760, 1, 876000);
    const caValidityHours = checkIntegerInRange("caValidityHours", args.caValidityHours ?? 87600, 1, 876000);
    const earlyRenewalHours = checkIntegerInRange(
        "earlyRenewalHours",
        args.earlyRenewalHours ?? 720,
        0,
        validityHours - 1,
    );
    const outlives = `at most ${nameOf("caValidityHours")} (${caValidityHours}): a leaf cannot outlive its CA`;
    if (validityHours > caValidityHours) throw new InvalidSettingError("validityHours", validityHours, outlives);
    const clientValidityHours = checkIntegerInRange(
        "clientValidityHours",
        args.clientValidityHours ?? caValidityHours,
        1,
        876000,
    );
    if (clientValidityHours > caValidityHours)
        throw new InvalidSettingError("clientValidityHours", clientValidityHours, outlives);
    return {
        algorithm,
        rsaBits,
        clientAuth: args.clientAuth ?? true,
        caValidityHours,
        validityHours,
        earlyRenewalHours,
        clientValidityHours,
    };
}
