import * as pulumi from "@pulumi/pulumi";
import { ChaincodeLifecycle, ChaincodeLifecycleArgs, validateLifecycleArgs } from "./lifecycle";
import { buildChaincodePackage, ChaincodePackage, CouchDbIndexInput } from "./packaging";
import { ChaincodeSmokeCheck } from "./providers";
import {
    ChaincodeServerTls,
    ChaincodeService,
    ChaincodeServiceArgs,
    DEFAULT_CHAINCODE_PORT,
    validateServiceArgs,
} from "./service";
import { ChaincodeTls, KeyAlgorithm, validateTlsArgs } from "./tls";
import { InvalidSettingError } from "./validation/errors";
import {
    validateChaincodeLabel,
    validateChaincodeName,
    validateChaincodeVersion,
    validateGoDuration,
    validateHostPort,
} from "./validation/fabric";
import { requireDnsLabel, requireIntegerInRange } from "./validation/kubernetes";
import { validateArgs } from "./validation/resourceError";

export interface ChaincodeTlsSettings {
    /** Serve TLS to the peer. Defaults to true. */
    readonly enabled?: boolean;
    /** Mutual TLS: the peer presents a client certificate the server verifies. Defaults to true. */
    readonly clientAuth?: boolean;
    /** Defaults to "ECDSA" (P-256). */
    readonly algorithm?: KeyAlgorithm;
    /** Defaults to 87600 (10 years). */
    readonly caValidityHours?: number;
    /** Defaults to 8760 (1 year). */
    readonly validityHours?: number;
    /** Defaults to 720 (30 days). */
    readonly earlyRenewalHours?: number;
    /** More SANs for the server certificate. Defaults to none. */
    readonly extraSans?: pulumi.Input<pulumi.Input<string>[]>;
}

/** Workload settings passed through to ChaincodeService unchanged. */
type WorkloadArgs = Pick<
    ChaincodeServiceArgs,
    "createNamespace" | "image" | "imageDigest" | "replicas" | "resources" | "runAsUser" | "env" | "imagePullSecrets" | "peerAccess"
>;

export interface ExternalChaincodeArgs extends WorkloadArgs {
    /** Chaincode name on the channel. */
    readonly chaincodeName: string;
    /** Chaincode version string. Defaults to "1.0". */
    readonly chaincodeVersion?: string;
    /** Package label. Defaults to "<chaincodeName>_<chaincodeVersion>". */
    readonly label?: string;
    /** metadata.json type: "ccaas" (Fabric's built-in builder) or "external" (a custom builder). Defaults to "ccaas". */
    readonly packageType?: "ccaas" | "external";
    /** Namespace of the chaincode server. Defaults to "hlf-chaincode". */
    readonly namespace?: string;
    /** Service and Deployment name. Defaults to the chaincode name in DNS form. */
    readonly serviceName?: string;
    /** Port of the chaincode server. Defaults to 9999. */
    readonly port?: number;
    /** host:port the peers dial, written into connection.json. Defaults to "<serviceName>.<namespace>:<port>". */
    readonly address?: string;
    /** How long the peer waits to connect. Defaults to "10s". */
    readonly dialTimeout?: string;
    readonly tls?: ChaincodeTlsSettings;
    /** CouchDB indexes carried in the package (public state or per collection). Defaults to none. */
    readonly couchDbIndexes?: readonly CouchDbIndexInput[];
    /** Install, approve and commit on Fabric. Defaults to none: package and Kubernetes only. */
    readonly lifecycle?: ChaincodeLifecycleArgs;
    /** After commit and rollout, evaluate a read-only function through the org's first peer. Defaults to on with a lifecycle. */
    readonly smokeCheck?: SmokeCheckSettings;
}

export interface SmokeCheckSettings {
    /** Defaults to true. */
    readonly enabled?: boolean;
    /** Read-only function to evaluate. Defaults to "GetAllAssets". */
    readonly fn?: string;
    /** Its arguments. Defaults to none. */
    readonly args?: readonly string[];
    /** How long the peer may take to reach the chaincode, seconds. Defaults to 60. */
    readonly waitSeconds?: number;
}

/**
 * Chaincode as a service end to end: TLS material, the deterministic package
 * (its ID known before anything is installed) and the chaincode server on
 * Kubernetes started under that ID.
 */
export class ExternalChaincode extends pulumi.ComponentResource {
    /** label:sha256 of the package; what the peer reports after install. */
    public readonly packageId: pulumi.Output<string>;
    public readonly label: string;
    /** host:port in connection.json. */
    public readonly address: string;
    public readonly namespace: pulumi.Output<string>;
    public readonly serviceName: pulumi.Output<string>;
    /** Public CA certificate the peer trusts for this chaincode. */
    public readonly caCertPem: pulumi.Output<string> | undefined;
    /** The package file, base64; secret when it carries the peer's client key. */
    public readonly packageBase64: pulumi.Output<string>;
    public readonly tls: ChaincodeTls | undefined;
    public readonly service: ChaincodeService;
    /** Undefined without a lifecycle. */
    public readonly lifecycle: ChaincodeLifecycle | undefined;
    /** Undefined without a lifecycle or when disabled. */
    public readonly smokeCheck: ChaincodeSmokeCheck | undefined;

    constructor(name: string, args: ExternalChaincodeArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fabric-ccaas:index:ExternalChaincode", name, {}, opts);
        const tlsEnabled = args.tls?.enabled ?? true;
        const clientAuth = tlsEnabled && (args.tls?.clientAuth ?? true);
        const tlsArgs = {
            extraSans: args.tls?.extraSans,
            algorithm: args.tls?.algorithm,
            clientAuth,
            caValidityHours: args.tls?.caValidityHours,
            validityHours: args.tls?.validityHours,
            earlyRenewalHours: args.tls?.earlyRenewalHours,
        };
        // Check what every child will check, so a bad setting stops the graph before any child exists.
        const s = validateArgs(this, () => {
            const own = validateExternalChaincodeArgs(args);
            validateServiceArgs(serviceArgs(args, own, "", undefined));
            if (tlsEnabled) validateTlsArgs(tlsArgs);
            if (args.lifecycle) validateLifecycleArgs(args.lifecycle);
            return own;
        });
        const child = { parent: this };

        this.tls = tlsEnabled
            ? new ChaincodeTls(
                  `${name}-tls`,
                  { serviceName: s.serviceName, namespace: s.namespace, address: s.address, ...tlsArgs },
                  child,
              )
            : undefined;

        const chaincodePackage: pulumi.Output<ChaincodePackage> = pulumi
            .all([this.tls?.caCertPem, this.tls?.clientCertPem, this.tls?.clientKeyPem])
            .apply(([rootCertPem, clientCertPem, clientKeyPem]) =>
                buildChaincodePackage({
                    label: s.label,
                    type: args.packageType ?? "ccaas",
                    address: s.address,
                    dialTimeout: args.dialTimeout,
                    tls: rootCertPem
                        ? {
                              rootCertPem,
                              clientAuth:
                                  clientCertPem && clientKeyPem ? { clientCertPem, clientKeyPem } : undefined,
                          }
                        : undefined,
                    couchDbIndexes: args.couchDbIndexes,
                }),
            );
        // The ID is a hash: public even when the package holds the client key.
        this.packageId = pulumi.unsecret(chaincodePackage.packageId);
        this.packageBase64 = chaincodePackage.apply((pkg) => pkg.bytes.toString("base64"));

        const serverTls = this.tls
            ? {
                  certPem: this.tls.serverCertPem,
                  keyPem: this.tls.serverKeyPem,
                  clientCaPem: clientAuth ? this.tls.caCertPem : undefined,
              }
            : undefined;
        // install -> (Deployment, approval) -> commit -> smoke check: the server starts under the ID the peers reported.
        this.lifecycle = args.lifecycle
            ? new ChaincodeLifecycle(
                  `${name}-lifecycle`,
                  {
                      ...args.lifecycle,
                      chaincodeName: args.chaincodeName,
                      version: s.version,
                      packageBase64: this.packageBase64,
                      packageId: this.packageId,
                  },
                  child,
              )
            : undefined;
        const serverPackageId = this.lifecycle?.installedPackageId ?? this.packageId;
        this.service = new ChaincodeService(`${name}-server`, serviceArgs(args, s, serverPackageId, serverTls), child);

        const smoke = args.smokeCheck ?? {};
        const definition = this.lifecycle?.definition;
        if (definition && (smoke.enabled ?? true)) {
            const org = args.lifecycle!.org;
            this.smokeCheck = new ChaincodeSmokeCheck(
                `${name}-smoke`,
                {
                    channel: args.lifecycle!.channel,
                    chaincodeName: args.chaincodeName,
                    fn: smoke.fn,
                    args: smoke.args ? [...smoke.args] : undefined,
                    waitSeconds: smoke.waitSeconds,
                    expectedPackageId: serverPackageId,
                    chaincodeAddress: s.address,
                    // A new package, sequence or server certificate re-runs the check.
                    triggers: [serverPackageId, definition.committedSequence.apply(String), this.tls?.serverCertPem ?? ""],
                    peerEndpoint: org.peers[0].endpoint,
                    peerTlsCaPem: org.peers[0].tlsCaPem ?? org.peerTlsCaPem,
                    peerHostOverride: org.peers[0].hostOverride,
                    clientTlsCertPem: org.clientTlsCertPem,
                    clientTlsKeyPem: org.clientTlsKeyPem === undefined ? undefined : pulumi.secret(org.clientTlsKeyPem),
                    mspId: org.mspId,
                    adminCertPem: org.adminCertPem,
                    adminKeyPem: pulumi.secret(org.adminKeyPem),
                    timeoutSeconds: args.lifecycle!.timeoutSeconds,
                },
                { parent: this, dependsOn: [definition, this.service] },
            );
        }

        this.label = s.label;
        this.address = s.address;
        this.namespace = this.service.namespace;
        this.serviceName = this.service.serviceName;
        this.caCertPem = this.tls?.caCertPem;
        this.registerOutputs({
            packageId: this.packageId,
            label: this.label,
            address: this.address,
            namespace: this.namespace,
            serviceName: this.serviceName,
            caCertPem: this.caCertPem,
        });
    }
}

function serviceArgs(
    args: ExternalChaincodeArgs,
    s: ReturnType<typeof validateExternalChaincodeArgs>,
    packageId: pulumi.Input<string>,
    tls: ChaincodeServerTls | undefined,
): ChaincodeServiceArgs {
    return {
        chaincodeName: args.chaincodeName,
        chaincodeVersion: s.version,
        namespace: s.namespace,
        createNamespace: args.createNamespace,
        serviceName: s.serviceName,
        image: args.image,
        imageDigest: args.imageDigest,
        replicas: args.replicas,
        resources: args.resources,
        runAsUser: args.runAsUser,
        env: args.env,
        imagePullSecrets: args.imagePullSecrets,
        peerAccess: args.peerAccess,
        port: s.port,
        packageId,
        tls,
    };
}

/** Checks and defaults the plain arguments; throws InvalidSettingError naming the setting. */
export function validateExternalChaincodeArgs(args: ExternalChaincodeArgs) {
    validateChaincodeName("chaincodeName", args.chaincodeName);
    const version = validateChaincodeVersion("chaincodeVersion", args.chaincodeVersion ?? "1.0");
    const label = validateChaincodeLabel("label", args.label ?? `${args.chaincodeName}_${version}`);
    const namespace = requireDnsLabel("namespace", args.namespace ?? "hlf-chaincode");
    const serviceName = requireDnsLabel(
        "serviceName",
        args.serviceName ?? args.chaincodeName.toLowerCase().replace(/_/g, "-"),
    );
    const port = requireIntegerInRange("port", args.port ?? DEFAULT_CHAINCODE_PORT, 1, 65535);
    const address = validateHostPort("address", args.address ?? `${serviceName}.${namespace}:${port}`);
    if (args.dialTimeout !== undefined) validateGoDuration("dialTimeout", args.dialTimeout);
    if (args.packageType !== undefined && !["ccaas", "external"].includes(args.packageType)) {
        throw new InvalidSettingError("packageType", args.packageType, "'ccaas' or 'external'");
    }
    return { version, label, namespace, serviceName, port, address };
}
