/**
 * ChaincodeInstall: one chaincode package installed on one peer.
 * Idempotent (an already-installed package is success), checks that the
 * peer computed the same package ID as we did, and, since Fabric cannot
 * uninstall, deleting it only removes it from the Pulumi state.
 */
import * as pulumi from "@pulumi/pulumi";
import { installChaincode, queryInstalled } from "../../fabric";
import { computePackageId, readChaincodePackage } from "../../packaging";
import { HiddenValue, InvalidSettingError } from "../../validation/errors";
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
import { deflatedPackage, inflatedPackage, isBase64 } from "./package-in-state";
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

/** The package comes as one of two: `ChaincodeInstall` sends it deflated (see package-in-state). */
export interface ChaincodeInstallInputs extends PeerConnectionInputs, AdminInputs, SettingNamesInputs {
    /** The package file, base64 (from a program older than packageDeflated, or a direct call). */
    packageBase64?: string;
    /** The package file, raw DEFLATE, base64. */
    packageDeflated?: string;
    /** label:sha256 computed locally from the package. */
    packageId: string;
}

/**
 * The package bytes stay out of the outputs: the ID (their SHA-256) says the
 * same. The state, which a file backend rewrites whole after every step, is
 * 12% smaller for ten chaincodes (2.60 MB instead of 2.96 MB).
 */
export interface ChaincodeInstallOutputs
    extends Omit<ChaincodeInstallInputs, "packageBase64" | "packageDeflated" | "settingNames"> {
    /** The package label the peer reported. */
    label: string;
}

/** Changing these installs something else somewhere else: a new resource. The ID stands for the bytes (check proves they match). */
const REPLACE_KEYS = ["peerEndpoint", "packageId"] as const;
/** Connection details and credentials: an update that only re-checks the install. */
const UPDATE_KEYS = [...PEER_KEYS.filter((key) => key !== "peerEndpoint"), ...TRANSPORT_KEYS, ...SIGNER_KEYS];

export const chaincodeInstallLogic: ProviderMethods<ChaincodeInstallInputs, ChaincodeInstallOutputs> = {
    async check(_olds, news) {
        const collector = new FailureCollector(news.settingNames);
        checkConnection(collector, news);
        checkAdmin(collector, news);
        collector.check("packageBase64", [news.packageBase64, news.packageDeflated, news.packageId], () =>
            checkPackage(packageBytesOf(news), news.packageId),
        );
        return { inputs: news, failures: collector.failures };
    },

    diff: diffByKeys(REPLACE_KEYS, UPDATE_KEYS),

    async create(inputs) {
        const label = await install(inputs);
        return { id: `${inputs.packageId}@${inputs.peerEndpoint}`, outs: installedOutputs(inputs, label) };
    },

    async read(id, props) {
        const installed = await queryInstalled({
            ...callOptions(props),
            peer: peerEndpoint(props),
            identity: adminIdentity(props),
            packageId: props.packageId,
        });
        // Gone from the peer (e.g. its volume was wiped): drop it from state so the next `up` installs again.
        if (!installed) return { id: "", props };
        // A state written before the outputs left the bytes out loses them here too.
        const { packageBase64: _bytes, ...kept } = props as ChaincodeInstallOutputs & { packageBase64?: string };
        return { id, props: { ...kept, label: installed.label } };
    },

    async update(_id, _olds, news) {
        // Same peer and package; new credentials or connection details. Installing again is a no-op
        // on the peer and proves the new settings work.
        const label = await install(news);
        return { outs: installedOutputs(news, label) };
    },

    async delete(_id, props) {
        note(
            `ChaincodeInstall: Fabric has no uninstall; package ${props.packageId} stays installed on peer ${props.peerEndpoint}. ` +
                "It was removed from the Pulumi state only.",
        );
    },
};

function installedOutputs(inputs: ChaincodeInstallInputs, label: string): ChaincodeInstallOutputs {
    const { packageBase64: _bytes, packageDeflated: _deflated, ...kept } = inputs;
    return { ...stateOutputs(kept), label };
}

/** The package bytes, from whichever form the inputs carry (check has proven it readable). */
function packageBytesOf(inputs: ChaincodeInstallInputs): Buffer | undefined {
    if ("packageDeflated" in inputs) {
        try {
            return inflatedPackage(inputs.packageDeflated);
        } catch {
            return undefined;
        }
    }
    return isBase64(inputs.packageBase64) ? Buffer.from(inputs.packageBase64, "base64") : undefined;
}

async function install(inputs: ChaincodeInstallInputs): Promise<string> {
    const result = await installChaincode({
        ...callOptions(inputs),
        peer: peerEndpoint(inputs),
        identity: adminIdentity(inputs),
        packageBytes: packageBytesOf(inputs) ?? Buffer.alloc(0),
    });
    if (result.packageId !== inputs.packageId) {
        throw new Error(
            `peer ${inputs.peerEndpoint} installed the package as ${result.packageId}, but the package ID computed locally is ${inputs.packageId}: ` +
                "the package bytes and packageId do not belong together, so the chaincode server's CHAINCODE_ID would not match",
        );
    }
    return result.label;
}

/** The package must be a valid chaincode package whose own ID is `packageId`. */
function checkPackage(bytes: Buffer | undefined, packageId: string): void {
    if (bytes === undefined || bytes.length === 0) {
        throw new InvalidSettingError(
            "packageBase64",
            new HiddenValue("the package bytes"),
            "the chaincode package file encoded as base64",
        );
    }
    let label: string;
    try {
        label = readChaincodePackage(bytes).label;
    } catch (error) {
        throw new InvalidSettingError(
            "packageBase64",
            new HiddenValue("the package bytes"),
            `a chaincode package (${(error as Error).message})`,
        );
    }
    const actual = computePackageId(label, bytes);
    if (packageId === actual) return;
    const expectedLabel = typeof packageId === "string" ? packageId.slice(0, packageId.lastIndexOf(":")) : "";
    const reason =
        expectedLabel !== label
            ? `the package's label is "${label}" but packageId has label "${expectedLabel}"`
            : "the package's SHA-256 differs from the one in packageId (the package was rebuilt with other content)";
    throw new InvalidSettingError(
        "packageId",
        packageId,
        `${actual}, the ID of the package given in packageBase64: ${reason}`,
    );
}

/** The serialisable provider: loads `chaincodeInstallLogic` through the package inside the provider process (see providerShell). */
export const chaincodeInstallProvider = providerShell<ChaincodeInstallInputs, ChaincodeInstallOutputs>(
    "install",
    "chaincodeInstallLogic",
);

export interface ChaincodeInstallArgs extends PeerConnectionArgs, TransportArgs, SignerArgs, SettingNamesArgs {
    /** The package file, base64 (secret when its connection.json carries a client key). Changing it replaces the install. */
    readonly packageBase64: pulumi.Input<string>;
    /** The package ID computed locally (label:sha256); the peer's answer must equal it. */
    readonly packageId: pulumi.Input<string>;
}

/**
 * Installs a chaincode package on one peer. Deleting it only removes it from the state (Fabric cannot uninstall).
 *
 * @example
 * ```ts
 * new ChaincodeInstall("peer0-install", {
 *     peer: { endpoint: "peer0.org1:7051", tlsCaPem },
 *     mspId: "Org1MSP",
 *     adminCertPem,
 *     adminKeyPem,
 *     packageBase64: pkg.bytes.toString("base64"),
 *     packageId: pkg.packageId,
 * });
 * ```
 */
export class ChaincodeInstall extends pulumi.dynamic.Resource {
    declare public readonly packageId: pulumi.Output<string>;
    declare public readonly label: pulumi.Output<string>;
    declare public readonly peerEndpoint: pulumi.Output<string>;

    constructor(name: string, args: ChaincodeInstallArgs, opts?: pulumi.CustomResourceOptions) {
        const secrets = FABRIC_SECRET_INPUTS.ChaincodeInstall;
        // Deflated for the state; anything that is not base64 goes on as given, for check to name.
        const { packageBase64, ...rest } = args;
        const packageDeflated = pulumi.output(packageBase64).apply((value) => deflatedPackage(value) ?? value);
        super(
            chaincodeInstallProvider,
            name,
            { ...withSecretInputs({ ...flatProviderInputs(rest), packageDeflated }, secrets), label: undefined },
            withSecretOutputs(opts, secrets),
            FABRIC_RESOURCE_MODULE,
            "ChaincodeInstall",
        );
    }
}
