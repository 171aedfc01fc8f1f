import * as pulumi from "@pulumi/pulumi";
import * as tls from "@pulumi/tls";
import { isIP } from "node:net";
import { InvalidSettingError } from "./validation/errors";
import { requireIntegerInRange } from "./validation/kubernetes";
import { validateArgs } from "./validation/resourceError";

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

export interface ChaincodeTlsArgs {
    /** Kubernetes Service name of the chaincode server. */
    readonly serviceName: pulumi.Input<string>;
    /** Namespace of the Service. */
    readonly namespace: pulumi.Input<string>;
    /** host:port the peer dials (written into connection.json). */
    readonly address: pulumi.Input<string>;
    /** More DNS names or IPs for the server certificate. Defaults to none. */
    readonly extraSans?: pulumi.Input<pulumi.Input<string>[]>;
    /** Key algorithm. Defaults to "ECDSA" (P-256). */
    readonly algorithm?: KeyAlgorithm;
    /** RSA key size when algorithm is RSA. Defaults to 2048. */
    readonly rsaBits?: number;
    /** Issue a client certificate for the peer (mutual TLS). Defaults to true. */
    readonly clientAuth?: boolean;
    /** Lifetime of the CA. Defaults to 87600 hours (10 years). */
    readonly caValidityHours?: number;
    /** Lifetime of the server and client leaves. Defaults to 8760 hours (1 year). */
    readonly validityHours?: number;
    /** Renew a leaf this many hours before it expires (on the next `pulumi up`). Defaults to 720 (30 days). */
    readonly earlyRenewalHours?: number;
    /** Organization in the certificates' subject. Defaults to "Hyperledger Fabric chaincode". */
    readonly organization?: string;
}

const SERVER_USES = ["digital_signature", "key_encipherment", "server_auth"];
const CLIENT_USES = ["digital_signature", "key_encipherment", "client_auth"];
const CA_USES = ["cert_signing", "crl_signing", "digital_signature"];

/**
 * A private CA, the chaincode server's leaf and (for mutual TLS) the peer's
 * client leaf. Only the CA goes into connection.json, so renewing a leaf
 * changes no package and needs no lifecycle transaction.
 */
export class ChaincodeTls extends pulumi.ComponentResource {
    /** PEM of the CA; public, goes into connection.json as root_cert. */
    public readonly caCertPem: pulumi.Output<string>;
    public readonly serverCertPem: pulumi.Output<string>;
    /** Secret. */
    public readonly serverKeyPem: pulumi.Output<string>;
    /** SANs of the server certificate. */
    public readonly serverDnsNames: pulumi.Output<string[]>;
    /** Client certificate the peer presents; undefined without mutual TLS. */
    public readonly clientCertPem: pulumi.Output<string> | undefined;
    /** Secret; undefined without mutual TLS. */
    public readonly clientKeyPem: pulumi.Output<string> | undefined;

    constructor(name: string, args: ChaincodeTlsArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fabric-ccaas:index:ChaincodeTls", name, {}, opts);
        const settings = validateArgs(this, () => validateTlsArgs(args));
        const child = { parent: this };
        const organization = args.organization ?? "Hyperledger Fabric chaincode";

        const newKey = (keyName: string) =>
            new tls.PrivateKey(
                keyName,
                settings.algorithm === "ECDSA"
                    ? { algorithm: "ECDSA", ecdsaCurve: "P256" }
                    : { algorithm: "RSA", rsaBits: settings.rsaBits },
                child,
            );

        const caKey = newKey(`${name}-ca-key`);
        const caCert = new tls.SelfSignedCert(
            `${name}-ca`,
            {
                privateKeyPem: caKey.privateKeyPem,
                isCaCertificate: true,
                validityPeriodHours: settings.caValidityHours,
                allowedUses: CA_USES,
                subject: { commonName: pulumi.interpolate`${args.serviceName} chaincode CA`, organization },
            },
            child,
        );

        const sans = pulumi
            .all([args.serviceName, args.namespace, args.address, args.extraSans ?? []])
            .apply(([service, ns, address, extra]) => chaincodeServerSans(service, ns, address, extra));
        const serverKey = newKey(`${name}-server-key`);
        const serverCsr = new tls.CertRequest(
            `${name}-server-csr`,
            {
                privateKeyPem: serverKey.privateKeyPem,
                subject: { commonName: args.serviceName, organization },
                dnsNames: sans.dnsNames,
                ipAddresses: sans.ipAddresses,
            },
            child,
        );
        const serverCert = this.signLeaf(`${name}-server`, serverCsr, caKey, caCert, SERVER_USES, settings);

        this.caCertPem = caCert.certPem;
        this.serverCertPem = serverCert.certPem;
        this.serverKeyPem = pulumi.secret(serverKey.privateKeyPem);
        this.serverDnsNames = sans.dnsNames;

        if (settings.clientAuth) {
            const clientKey = newKey(`${name}-client-key`);
            const clientCsr = new tls.CertRequest(
                `${name}-client-csr`,
                {
                    privateKeyPem: clientKey.privateKeyPem,
                    subject: { commonName: pulumi.interpolate`${args.serviceName} peer client`, organization },
                },
                child,
            );
            this.clientCertPem = this.signLeaf(`${name}-client`, clientCsr, caKey, caCert, CLIENT_USES, settings).certPem;
            this.clientKeyPem = pulumi.secret(clientKey.privateKeyPem);
        }

        this.registerOutputs({
            caCertPem: this.caCertPem,
            serverCertPem: this.serverCertPem,
            serverKeyPem: this.serverKeyPem,
            clientCertPem: this.clientCertPem,
            clientKeyPem: this.clientKeyPem,
        });
    }

    private signLeaf(
        leafName: string,
        csr: tls.CertRequest,
        caKey: tls.PrivateKey,
        caCert: tls.SelfSignedCert,
        allowedUses: string[],
        settings: TlsSettings,
    ): tls.LocallySignedCert {
        return new tls.LocallySignedCert(
            leafName,
            {
                certRequestPem: csr.certRequestPem,
                caPrivateKeyPem: caKey.privateKeyPem,
                caCertPem: caCert.certPem,
                validityPeriodHours: settings.validityHours,
                earlyRenewalHours: settings.earlyRenewalHours,
                allowedUses,
            },
            { parent: this },
        );
    }
}

interface TlsSettings {
    algorithm: KeyAlgorithm;
    rsaBits: number;
    clientAuth: boolean;
    caValidityHours: number;
    validityHours: number;
    earlyRenewalHours: number;
}

/** Checks the plain arguments; throws InvalidSettingError naming the setting. */
export function validateTlsArgs(args: Omit<ChaincodeTlsArgs, "serviceName" | "namespace" | "address">): TlsSettings {
        const algorithm = args.algorithm ?? "ECDSA";
        if (!KEY_ALGORITHMS.includes(algorithm)) {
            throw new InvalidSettingError("tlsAlgorithm", algorithm, `one of ${KEY_ALGORITHMS.join(", ")}`);
        }
        const rsaBits = args.rsaBits ?? 2048;
        if (![2048, 3072, 4096].includes(rsaBits)) {
            throw new InvalidSettingError("tlsRsaBits", rsaBits, "2048, 3072 or 4096");
        }
        const validityHours = requireIntegerInRange("tlsValidityHours", args.validityHours ?? 8760, 1, 876000);
        const caValidityHours = requireIntegerInRange("tlsCaValidityHours", args.caValidityHours ?? 87600, 1, 876000);
        const earlyRenewalHours = requireIntegerInRange(
            "tlsEarlyRenewalHours",
            args.earlyRenewalHours ?? 720,
            0,
            validityHours - 1,
        );
        if (validityHours > caValidityHours) {
            throw new InvalidSettingError(
                "tlsValidityHours",
                validityHours,
                `at most tlsCaValidityHours (${caValidityHours}): a leaf cannot outlive its CA`,
            );
        }
        return { algorithm, rsaBits, clientAuth: args.clientAuth ?? true, caValidityHours, validityHours, earlyRenewalHours };
}
