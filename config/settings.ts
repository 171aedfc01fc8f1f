import { type AksClusterArgs, type AksRegistry, checkAksArgs, checkRegistry } from "../components/azure/aks-cluster";
import {
    checkExternalChaincodeArgs,
    DEFAULT_NAMESPACE,
    defaultServiceName,
    type ExternalChaincodeArgs,
} from "../components/chaincode/external-chaincode";
import { type ChaincodeImageArgs, checkImageArgs } from "../components/chaincode/chaincode-image";
import type { ChaincodeLifecycleArgs, FabricOrgArgs } from "../components/lifecycle/chaincode-lifecycle";
import { DEFAULT_SMOKE_FUNCTION, DEFAULT_SMOKE_WAIT_SECONDS } from "../components/lifecycle/providers";
import { readCollectionsFile, readIndexDir } from "./setting-files";
import { checkTlsArgs } from "../components/tls/chaincode-tls";
import { AKS_CONFIG_NAMES, chaincodeConfigNames, IMAGE_CONFIG_NAMES } from "./config-names";
import { type ConfigSource, parseChaincodeItem, parseStackValues } from "./parse-values";
import { checkKnownKeys } from "./known-keys";
import {
    CHAINCODE_KEYS,
    CONDITIONS,
    CONFIG_KEYS,
    type ConfigKey,
    type ConfigValues,
    KEYS,
    type KeyDeclaration,
    SECRET_KEYS,
} from "./schema";
import { DescribedValue, HiddenValue, InvalidSettingError } from "../components/validation/errors";
import { checkKubeconfig } from "../components/validation/kubeconfig";

export type { ConfigSource } from "./parse-values";
export { CONFIG_KEYS, SECRET_KEYS } from "./schema";

/** The secret keys, read apart so they stay Pulumi secrets. */
export interface LifecycleSecrets {
    readonly adminKeyPem?: import("@pulumi/pulumi").Input<string>;
    /** The HSM's user PIN, with signer: hsm. */
    readonly adminHsmPin?: import("@pulumi/pulumi").Input<string>;
    readonly clientTlsKeyPem?: import("@pulumi/pulumi").Input<string>;
    /** A key of otherOrgs[index], as a secret (the program reads otherOrgs with getSecretObject). Defaults to the plain value. */
    readonly otherOrgKey?: (
        index: number,
        field: "adminKeyPem" | "adminHsmPin" | "clientTlsKeyPem",
    ) => import("@pulumi/pulumi").Input<string>;
}

export type ClusterTarget =
    | { kind: "aks"; aks: AksClusterArgs }
    | { kind: "existing"; context?: string; clusterIdentifier?: string };

export type ChaincodeSettings = Omit<ExternalChaincodeArgs, "lifecycle" | "image"> & {
    /** Undefined when imageBuild builds the image. */
    image?: string;
    /** Certificates from the CA the stack shares among its chaincodes with tlsSharedCa (the program declares it). */
    sharedCa?: boolean;
    lifecycle?: ChaincodeLifecycleArgs & { approvalStacks?: string[] };
};

export interface ProgramSettings {
    /** One per item of `chaincodes`; without that key, one from the stack-level keys. */
    readonly chaincodes: readonly ChaincodeSettings[];
    readonly cluster: ClusterTarget;
    /** Build and push the image from source first. Undefined: use `image`. */
    readonly imageBuild?: ChaincodeImageArgs;
}

const HSM_KEYS = ["adminHsmLibrary", "adminHsmTokenLabel", "adminHsmKeyId", "adminHsmPin"] as const;

/**
 * A key set while a setting it means something only with says otherwise is
 * refused, not ignored (schema.ts: onlyWith). For an item of `chaincodes`
 * whose own value breaks a stack key's condition (the stack sets mspId, the
 * item no channel), the item's key is named: that is what differs.
 */
function checkConditions(values: ConfigValues, item?: ChaincodeItem): void {
    for (const [name, condition] of Object.entries(CONDITIONS)) {
        const actual = values[condition.key as ConfigKey];
        const holds =
            condition.holds === "set"
                ? actual !== undefined
                : (actual ?? condition.holds.whenUnset) === condition.holds.equals;
        if (holds) continue;
        const stray = CONFIG_KEYS.find(
            (key) =>
                values[key] !== undefined &&
                ((KEYS[key] as KeyDeclaration).onlyWith as readonly string[] | undefined)?.includes(name),
        );
        if (!stray) continue;
        if (item && !(stray in item.item) && (CHAINCODE_KEYS as readonly string[]).includes(condition.key)) {
            const wanted = condition.holds === "set" ? "a value" : String(condition.holds.equals);
            throw new InvalidSettingError(
                `chaincodes[${item.index}].${condition.key}`,
                actual,
                `${wanted}: the stack sets ${stray} for every chaincode, and ${stray} is ${condition.accepted}`,
            );
        }
        // A secret key's value is hidden by readSettings' guard, as every refusal's is.
        throw new InvalidSettingError(stray, values[stray], condition.accepted);
    }
}

/** A key set without --secret sits readable in Pulumi.<stack>.yaml, and so in git: refused before it goes anywhere else. */
function requireStoredEncrypted(config: ConfigSource): void {
    if (!config.isSecret) return;
    for (const key of SECRET_KEYS) {
        const value = config.get(key);
        if (value !== undefined && value !== "" && !config.isSecret(key)) {
            throw new InvalidSettingError(
                key,
                new HiddenValue("stored as plain text in the stack's file"),
                key === "otherOrgs"
                    ? "its keys set as secrets: pulumi config set --path --secret 'otherOrgs[i].adminKeyPem' …"
                    : `a secret: pulumi config set --secret ${key} …`,
            );
        }
    }
}

/**
 * Reads and checks the stack's configuration. Every bad value throws an
 * InvalidSettingError before any resource is declared.
 */
export function readSettings(config: ConfigSource, secrets: LifecycleSecrets = {}): ProgramSettings {
    try {
        return readCheckedSettings(config, secrets);
    } catch (error) {
        throw withSecretValueHidden(error, config);
    }
}

/**
 * The boundary's last guard: a refusal of a value the stack stores
 * encrypted (`--secret`, on any key: an env set as a secret too) never shows
 * it. Declared secret keys' fields are shown only as the printer allows
 * (otherOrgs[0].mspId, never a key).
 */
function withSecretValueHidden(error: unknown, config: ConfigSource): unknown {
    if (!(error instanceof InvalidSettingError) || error.value === undefined || error.value instanceof DescribedValue)
        return error;
    const inItem = /^chaincodes\[\d+\]\./.exec(error.setting);
    const setting = inItem ? error.setting.slice(inItem[0].length) : error.setting;
    const root = setting.split(/[.[]/)[0];
    const hide = (SECRET_KEYS as readonly string[]).includes(root)
        ? setting === root
        : storedSecret(config, root, inItem !== null);
    return hide ? new InvalidSettingError(error.setting, new HiddenValue(), error.accepted) : error;
}

function readCheckedSettings(config: ConfigSource, secrets: LifecycleSecrets): ProgramSettings {
    if (config.keys) checkKnownKeys(config.keys(), CONFIG_KEYS);
    requireStoredEncrypted(config);
    const stack = parseStackValues(config);
    const items = readChaincodeItems(stack);
    // Read once: the cluster pulls from it, and the image build pushes there by default.
    const aksRegistry = (stack.aksCreate ?? false) ? readAksRegistry(stack) : undefined;
    const imageBuild = readImageBuild(stack, aksRegistry && checkRegistry(aksRegistry, AKS_CONFIG_NAMES).name);
    const chaincodes = (items ?? [undefined]).map((item, index) =>
        renamedForItem(item && { index, item }, () =>
            readChaincode({ ...stack, ...item }, config, secrets, imageBuild, item && { index, item }),
        ),
    );
    if (items) checkDistinct(chaincodes);
    checkSharedCaAgreement(chaincodes);

    let cluster: ClusterTarget;
    if (stack.aksCreate ?? false) {
        const location = stack.aksLocation;
        if (location === undefined) {
            throw new InvalidSettingError(
                "aksLocation",
                undefined,
                "an Azure region such as 'westeurope' when aksCreate is true",
            );
        }
        cluster = {
            kind: "aks",
            aks: {
                settingNames: AKS_CONFIG_NAMES,
                location,
                resourceGroupName: stack.aksResourceGroup,
                kubernetesVersion: stack.aksKubernetesVersion,
                nodeCount: stack.aksNodeCount,
                vmSize: stack.aksVmSize,
                networkPolicy: stack.aksNetworkPolicy,
                registry: aksRegistry,
                adminGroupObjectIds: stack.aksAdminGroupObjectIds,
                disableLocalAccounts: stack.aksDisableLocalAccounts,
                login: stack.aksLogin,
                authorizedIpRanges: stack.aksAuthorizedIpRanges,
                privateCluster: stack.aksPrivateCluster,
            },
        };
    } else {
        cluster = readExistingCluster(stack);
    }
    if (cluster.kind === "aks") checkAksArgs(cluster.aks);
    if (imageBuild) checkImageArgs(imageBuild);
    return { chaincodes, cluster, imageBuild };
}

/** The items of `chaincodes`, each its own keys' values (the stack's are their defaults). */
function readChaincodeItems(stack: ConfigValues): ConfigValues[] | undefined {
    return stack.chaincodes?.map((item, index) => parseChaincodeItem(item, index));
}

/** An item of `chaincodes`: its index and the keys it sets itself. */
interface ChaincodeItem {
    readonly index: number;
    readonly item: ConfigValues;
}

/** Runs `read`; a refusal of a key the item set names it as the user wrote it, `chaincodes[i].<key>`. */
function renamedForItem<T>(item: ChaincodeItem | undefined, read: () => T): T {
    try {
        return read();
    } catch (error) {
        if (!item || !(error instanceof InvalidSettingError) || !(error.setting.split(/[.[]/)[0] in item.item))
            throw error;
        throw new InvalidSettingError(`chaincodes[${item.index}].${error.setting}`, error.value, error.accepted);
    }
}

/** Chaincodes of one stack never share a name, nor a Service in a namespace. */
function checkDistinct(chaincodes: readonly ChaincodeSettings[]): void {
    const names = new Map<string, number>();
    const services = new Map<string, number>();
    chaincodes.forEach((chaincode, i) => {
        const name = chaincode.chaincodeName;
        if (names.has(name))
            throw new InvalidSettingError(
                `chaincodes[${i}].chaincodeName`,
                name,
                `a name no other chaincode of the stack has (chaincodes[${names.get(name)}] has it)`,
            );
        names.set(name, i);
        const service = `${chaincode.namespace ?? DEFAULT_NAMESPACE}/${chaincode.serviceName ?? defaultServiceName(name)}`;
        if (services.has(service)) {
            throw new InvalidSettingError(
                `chaincodes[${i}].serviceName`,
                chaincode.serviceName,
                `a Service name not used in its namespace by chaincodes[${services.get(service)}] (${service})`,
            );
        }
        services.set(service, i);
    });
}

/** The chaincodes on the shared CA agree on what the CA is: the first of them sets its algorithm and lifetime. */
function checkSharedCaAgreement(chaincodes: readonly ChaincodeSettings[]): void {
    // Each chaincode's TLS settings were checked when it was read: resolving their defaults cannot fail here.
    const sharing = chaincodes
        .map((chaincode, index) => ({ chaincode, index }))
        .filter(({ chaincode }) => chaincode.sharedCa)
        .map(({ chaincode, index }) => ({ tls: checkTlsArgs(chaincode.tls ?? {}), index }));
    const [first, ...others] = sharing;
    for (const { tls, index } of others) {
        for (const [key, field] of [
            ["tlsAlgorithm", "algorithm"],
            ["tlsCaValidityHours", "caValidityHours"],
        ] as const) {
            const value = tls[field];
            const shared = first.tls[field];
            if (value !== shared) {
                throw new InvalidSettingError(
                    `chaincodes[${index}].${key}`,
                    value,
                    `${shared}, as chaincodes[${first.index}] has: every chaincode with tlsSharedCa: true uses the one shared CA`,
                );
            }
        }
    }
}

/** One chaincode's settings from `read` (the stack's keys, or an item's over them), checked as the component checks them. */
function readChaincode(
    values: ConfigValues,
    config: ConfigSource,
    secrets: LifecycleSecrets,
    imageBuild: ChaincodeImageArgs | undefined,
    item: ChaincodeItem | undefined,
): ChaincodeSettings {
    checkConditions(values, item);
    const image = values.image;
    if (image === undefined && imageBuild === undefined) {
        throw new InvalidSettingError(
            "image",
            undefined,
            "the chaincode server's container image, e.g. 'myacr.azurecr.io/basic:1.0' (or imageBuild: true)",
        );
    }
    if (image !== undefined && imageBuild !== undefined) {
        throw new InvalidSettingError("image", image, "no image when imageBuild is true: the built image is used");
    }
    const tlsAlgorithm = values.tlsAlgorithm;
    // Read once: the lifecycle passes the keys on as secrets, the check below reads them as plain text.
    const plainOtherOrgs = readOtherOrgs(values);
    const packageType = values.packageType;
    const chaincode: ChaincodeSettings = {
        chaincodeName: values.chaincodeName ?? "basic",
        chaincodeVersion: values.chaincodeVersion,
        label: values.label,
        packageType,
        couchDbIndexes: optional(values.couchDbIndexDir, (dir) => readIndexDir(dir)),
        namespace: values.namespace,
        createNamespace: values.createNamespace,
        serviceName: values.serviceName,
        port: values.port,
        address: values.address,
        dialTimeout: values.dialTimeout,
        tls: {
            enabled: values.tls,
            clientAuth: values.clientAuth,
            algorithm: tlsAlgorithm,
            caValidityHours: values.tlsCaValidityHours,
            validityHours: values.tlsValidityHours,
            earlyRenewalHours: values.tlsEarlyRenewalHours,
            clientValidityHours: values.tlsClientValidityHours,
            clientGeneration: values.tlsClientGeneration,
            extraSans: values.tlsExtraSans,
        },
        sharedCa: values.tlsSharedCa,
        image,
        imageDigest: values.imageDigest,
        replicas: values.replicas,
        resources: {
            cpuRequest: values.cpuRequest,
            memoryRequest: values.memoryRequest,
            cpuLimit: values.cpuLimit,
            memoryLimit: values.memoryLimit,
        },
        runAsUser: values.runAsUser,
        // Set with --secret, the variables reach the pods from a Kubernetes Secret, not the Deployment.
        ...(storedSecret(config, "env", item !== undefined && "env" in item.item)
            ? { secretEnv: keyValues(values.env) }
            : { env: keyValues(values.env) }),
        imagePullSecrets: values.imagePullSecrets,
        peerAccess: {
            enabled: values.networkPolicy,
            peerPodSelector: values.peerPodSelector,
            peerNamespaceSelector: values.peerNamespaceSelector,
            peerCidrs: values.peerCidrs,
        },
        serviceType: values.serviceType,
        loadBalancerSubnet: values.loadBalancerSubnet,
        lifecycle: readLifecycle(values, config, secrets, plainOtherOrgs),
        settingNames: chaincodeConfigNames(plainOtherOrgs?.length ?? 0),
        smokeCheck: {
            enabled: values.smokeCheck,
            // Defaulted here as Pulumi.yaml used to declare them: the smoke check's inputs stay as before.
            fn: values.smokeFunction ?? DEFAULT_SMOKE_FUNCTION,
            args: values.smokeArgs,
            waitSeconds: values.smokeWaitSeconds ?? DEFAULT_SMOKE_WAIT_SECONDS,
        },
    };

    // Every component check, under the keys above, before anything is read from Fabric or declared.
    const { lifecycle, image: _image, sharedCa: _sharedCa, ...chaincodeArgs } = chaincode;
    // The secret keys are checked as plain text here and stay secrets in the settings.
    checkExternalChaincodeArgs({
        ...chaincodeArgs,
        // With imageBuild the image is the build's Output when declared (ChaincodeImage checks its reference).
        image: image ?? BUILT_IMAGE_STAND_IN,
        lifecycle: lifecycle && {
            ...lifecycle,
            org: {
                ...lifecycle.org,
                ...(lifecycle.org.adminHsm
                    ? { adminHsm: { ...lifecycle.org.adminHsm, pin: values.adminHsmPin ?? "" } }
                    : { adminKeyPem: values.adminKeyPem ?? "" }),
                clientTlsKeyPem: values.clientTlsKeyPem,
            },
            otherOrgs: plainOtherOrgs?.map((org, k) => otherOrgArgs(org, k, (key) => org[key])),
        },
    });
    return chaincode;
}

/** Stands for the image imageBuild makes while the other arguments are checked: any valid reference. */
const BUILT_IMAGE_STAND_IN = "registry.invalid/built-by-imagebuild:latest";

const CLUSTER_IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:/-]{0,252}$/;

function readExistingCluster(values: ConfigValues): ClusterTarget {
    const context = values.kubeContext;
    const kubeconfig = values.kubeconfig;
    if (kubeconfig !== undefined) checkKubeconfig("kubeconfig", kubeconfig, "kubeContext", context);
    const clusterIdentifier = values.clusterIdentifier;
    if (clusterIdentifier !== undefined && !CLUSTER_IDENTIFIER.test(clusterIdentifier)) {
        throw new InvalidSettingError(
            "clusterIdentifier",
            clusterIdentifier,
            "a stable cluster name: a letter or digit, then letters, digits and _ . : / - (at most 253), e.g. 'aks-prod-westeurope'",
        );
    }
    return { kind: "existing", context, clusterIdentifier };
}

/** The stack's registry: one it creates (aksRegistryName) or an existing one (aksRegistryId), never both. */
function readAksRegistry(values: ConfigValues): AksRegistry | undefined {
    const name = values.aksRegistryName;
    const id = values.aksRegistryId;
    if (name !== undefined && id !== undefined) {
        throw new InvalidSettingError(
            "aksRegistryId",
            id,
            "to be set only without aksRegistryName (one registry: a new one by name, or an existing one by ID)",
        );
    }
    if (id !== undefined) return { id };
    return name === undefined ? undefined : { name };
}

/** `aksRegistryName`: the name of the ACR the cluster pulls from, when the stack has one. */
function readImageBuild(values: ConfigValues, aksRegistryName: string | undefined): ChaincodeImageArgs | undefined {
    if (!(values.imageBuild ?? false)) return undefined;
    const tool = values.imageBuildTool ?? "az-acr";
    // az acr build pushes to the registry the cluster pulls from, unless told otherwise.
    const registry = values.imageRegistry ?? (tool === "az-acr" ? aksRegistryName : undefined);
    if (registry === undefined) {
        throw new InvalidSettingError(
            "imageRegistry",
            undefined,
            "the registry to push to (an ACR name for az-acr; defaults to aksRegistryName or aksRegistryId's registry) when imageBuild is true",
        );
    }
    return {
        tool,
        context: values.imageBuildContext ?? "chaincode/asset-transfer-basic",
        registry,
        repository: values.imageRepository,
        buildArgs: keyValues(values.imageBuildArgs),
        settingNames: IMAGE_CONFIG_NAMES,
    };
}

function readLifecycle(
    values: ConfigValues,
    config: ConfigSource,
    secrets: LifecycleSecrets,
    plainOtherOrgs: OtherOrgSetting[] | undefined,
): ChaincodeSettings["lifecycle"] {
    const channel = values.channel;
    if (channel === undefined) return undefined;
    const need = (key: "mspId" | "adminCertPem", what: string) => {
        const value = values[key];
        if (value === undefined) throw new InvalidSettingError(key, undefined, `${what} (required with channel)`);
        return value;
    };
    const mspId = need("mspId", "the MSP ID of this stack's org, e.g. 'Org1MSP'");
    const adminCertPem = need("adminCertPem", "the PEM certificate of an admin of the org");
    const adminKey = readAdminKey({
        prefix: "",
        signer: values.signer,
        plain: (key) => values[key as ConfigKey] as string | undefined,
        secret: (key) => secrets[key],
    });
    const peers = values.peers;
    if (peers === undefined || peers.length === 0) {
        throw new InvalidSettingError(
            "peers",
            config.get("peers"),
            "a list of the org's peers, each {endpoint: host:port, tlsCaPem?, hostOverride?}",
        );
    }
    // Checked before anything is sent: the program's first request (what the channel runs) is admin-signed.
    const withoutCa = peers.findIndex((peer) => peer.tlsCaPem === undefined);
    if (withoutCa >= 0 && values.peerTlsCaPem === undefined) {
        throw new InvalidSettingError(
            "peerTlsCaPem",
            undefined,
            `the PEM of the CA of the peers' TLS certificates (or peers[${withoutCa}].tlsCaPem): admin-signed requests go to peers over TLS only`,
        );
    }
    const clientTlsCertPem = values.clientTlsCertPem;
    requireClientTlsPair("", clientTlsCertPem, secrets.clientTlsKeyPem);
    const otherOrgs = plainOtherOrgs?.map((org, k) =>
        otherOrgArgs(org, k, (key) =>
            org[key] === undefined ? undefined : (secrets.otherOrgKey?.(k, key) ?? org[key]),
        ),
    );
    return {
        channel,
        otherOrgs,
        org: {
            mspId,
            peers,
            peerTlsCaPem: values.peerTlsCaPem,
            adminCertPem,
            ...adminKey,
            clientTlsCertPem,
            clientTlsKeyPem: secrets.clientTlsKeyPem,
        },
        orderer: values.orderer,
        orderers: values.orderers,
        endorsementPolicy: values.endorsementPolicy,
        sequence: values.sequence,
        // As Pulumi.yaml used to declare them: stacks from before keep identical inputs (no diff).
        initRequired: values.initRequired ?? false,
        collections: optional(values.collectionsFile, (file) => readCollectionsFile(file)),
        commit: values.commit,
        commitPeers: values.commitPeers,
        requiredApprovals: values.requiredApprovals,
        approvalStacks: readApprovalStacks(values),
        timeoutSeconds: values.fabricTimeoutSeconds ?? 30,
    };
}

/** Where one org's settings come from: the stack's keys, or an item of otherOrgs (`prefix` "otherOrgs[k]."). */
interface OrgKeySource {
    readonly prefix: string;
    /** signer as written. */
    readonly signer: unknown;
    /** A plain (non-secret) key's value. */
    plain(key: string): string | undefined;
    /** A secret key's value, kept a secret. */
    secret(key: "adminKeyPem" | "adminHsmPin"): import("@pulumi/pulumi").Input<string> | undefined;
}

/** The admin's key: adminKeyPem (signer: pem, the default), or where the HSM holds it (signer: hsm). */
function readAdminKey(source: OrgKeySource): Pick<FabricOrgArgs, "adminKeyPem" | "adminHsm"> {
    const { prefix } = source;
    // Checked by the schema, the stack's signer and each other org's alike.
    const signer = source.signer ?? "pem";
    const secretCommand = (key: string) =>
        prefix ? `\`pulumi config set --path --secret '${prefix}${key}'\`` : `\`pulumi config set --secret ${key}\``;
    const adminKeyPem = source.secret("adminKeyPem");
    if (signer === "pem") {
        const hsmKey = HSM_KEYS.find(
            (key) => (key === "adminHsmPin" ? source.secret(key) : source.plain(key)) !== undefined,
        );
        if (hsmKey)
            throw new InvalidSettingError(
                `${prefix}${hsmKey}`,
                new HiddenValue("set"),
                "to be set only with signer: hsm (the admin's key in an HSM)",
            );
        if (adminKeyPem === undefined) {
            throw new InvalidSettingError(
                `${prefix}adminKeyPem`,
                undefined,
                `the admin's private key, set with ${secretCommand("adminKeyPem")} (or signer: hsm with the key in an HSM)`,
            );
        }
        return { adminKeyPem };
    }
    if (adminKeyPem !== undefined) {
        throw new InvalidSettingError(
            `${prefix}adminKeyPem`,
            new HiddenValue(),
            "to be set only with signer: pem (with signer: hsm the key stays in the HSM)",
        );
    }
    const need = (key: string, what: string) => {
        const value = source.plain(key);
        if (value === undefined)
            throw new InvalidSettingError(`${prefix}${key}`, undefined, `${what} (required with signer: hsm)`);
        return value;
    };
    const library = need(
        "adminHsmLibrary",
        "the absolute path of the HSM's PKCS#11 library, e.g. /usr/lib/softhsm/libsofthsm2.so",
    );
    const tokenLabel = need("adminHsmTokenLabel", "the label of the token that holds the admin's key");
    const keyId = need("adminHsmKeyId", "the CKA_ID of the admin's private key on the token, as text");
    const pin = source.secret("adminHsmPin");
    if (pin === undefined) {
        throw new InvalidSettingError(
            `${prefix}adminHsmPin`,
            undefined,
            `the token's user PIN, set with ${secretCommand("adminHsmPin")} (required with signer: hsm)`,
        );
    }
    return { adminHsm: { library, tokenLabel, keyId, pin } };
}

type OtherOrgSetting = NonNullable<ConfigValues["otherOrgs"]>[number];

/** An item of otherOrgs as the lifecycle takes it; `secret` gives its secret keys (plain text when checking, secrets when declaring). */
function otherOrgArgs(
    org: OtherOrgSetting,
    k: number,
    secret: (
        key: "adminKeyPem" | "adminHsmPin" | "clientTlsKeyPem",
    ) => import("@pulumi/pulumi").Input<string> | undefined,
): FabricOrgArgs {
    const {
        signer,
        adminKeyPem: _key,
        adminHsmLibrary,
        adminHsmTokenLabel,
        adminHsmKeyId,
        adminHsmPin: _pin,
        clientTlsKeyPem,
        ...rest
    } = org;
    const plain: Record<string, string | undefined> = { adminHsmLibrary, adminHsmTokenLabel, adminHsmKeyId };
    return {
        ...rest,
        ...readAdminKey({ prefix: `otherOrgs[${k}].`, signer, plain: (key) => plain[key], secret }),
        clientTlsKeyPem: clientTlsKeyPem === undefined ? undefined : secret("clientTlsKeyPem"),
    };
}

/** More orgs this stack acts for, with their keys as plain text (checked here; the program passes them on as secrets). */
function readOtherOrgs(values: ConfigValues): OtherOrgSetting[] | undefined {
    for (const [k, org] of (values.otherOrgs ?? []).entries())
        requireClientTlsPair(`otherOrgs[${k}].`, org.clientTlsCertPem, org.clientTlsKeyPem);
    return values.otherOrgs;
}

/** An org's client TLS certificate and (secret) key come together or not at all; `prefix` names the org's keys. */
function requireClientTlsPair(prefix: string, certPem: unknown, keyPem: unknown): void {
    if ((certPem === undefined) !== (keyPem === undefined)) {
        throw new InvalidSettingError(
            `${prefix}${certPem === undefined ? "clientTlsCertPem" : "clientTlsKeyPem"}`,
            undefined,
            "clientTlsCertPem and the secret clientTlsKeyPem together, or neither",
        );
    }
}

/** Stacks of other orgs whose `mspId` output must have approved before this stack commits. */
function readApprovalStacks(values: ConfigValues): string[] | undefined {
    const stacks = values.approvalStacks;
    if (stacks && values.commit === false) {
        throw new InvalidSettingError(
            "approvalStacks",
            stacks,
            "to be set only in the committing stack (commit is false here)",
        );
    }
    for (const stack of stacks ?? []) {
        if (!/^([A-Za-z0-9_.-]+\/){0,2}[A-Za-z0-9_.-]+$/.test(stack)) {
            throw new InvalidSettingError(
                "approvalStacks",
                stack,
                "stack names such as 'acme/fabric-ccaas/org2' (organization/project/stack)",
            );
        }
    }
    return stacks;
}

/** Whether the stack stores `key` encrypted: the stack's own, or, set in an item, the whole `chaincodes`. */
function storedSecret(config: ConfigSource, key: string, setInItem: boolean): boolean {
    return config.isSecret?.(setInItem ? "chaincodes" : key) === true;
}

/** `NAME=value` items as a map (their form was checked by the schema). */
function keyValues(items: readonly string[] | undefined): Record<string, string> | undefined {
    if (items === undefined) return undefined;
    return Object.fromEntries(
        items.map((item) => [item.slice(0, item.indexOf("=")), item.slice(item.indexOf("=") + 1)]),
    );
}

function optional<T, R>(value: T | undefined, read: (value: T) => R): R | undefined {
    return value === undefined ? undefined : read(value);
}
