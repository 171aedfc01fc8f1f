/**
 * The program's stack config keys for the library's argument paths: the
 * components name their own arguments, and the program passes these maps so
 * that a failed check names the key the user set.
 */
import type { SettingNames } from "../components/setting-names";

const HSM_FIELDS = { library: "Library", tokenLabel: "TokenLabel", keyId: "KeyId", pin: "Pin" } as const;

/** An org's adminHsm fields under `orgPath` -> its flat config keys (`<keyPrefix>adminHsmPin`). */
function hsmKeys(orgPath: string, keyPrefix: string): Record<string, string> {
    return Object.fromEntries(
        Object.entries(HSM_FIELDS).map(([field, suffix]) => [
            `${orgPath}.adminHsm.${field}`,
            `${keyPrefix}adminHsm${suffix}`,
        ]),
    );
}

/** ExternalChaincodeArgs.settingNames of a chaincode read from the config, with `otherOrgCount` otherOrgs. */
export function chaincodeConfigNames(otherOrgCount: number): SettingNames {
    const names: Record<string, string> = {
        // The lifecycle's keys are the stack's own, and the first org's are flat: lifecycle.org.peers[0] is peers[0].
        lifecycle: "",
        "lifecycle.org": "",
        "lifecycle.timeoutSeconds": "fabricTimeoutSeconds",
        "lifecycle.collections": "collectionsFile",
        ...hsmKeys("lifecycle.org", ""),
        "smokeCheck.enabled": "smokeCheck",
        "smokeCheck.fn": "smokeFunction",
        "smokeCheck.args": "smokeArgs",
        "smokeCheck.waitSeconds": "smokeWaitSeconds",
        "tls.enabled": "tls",
        "tls.clientAuth": "clientAuth",
        "tls.algorithm": "tlsAlgorithm",
        "tls.rsaBits": "tlsRsaBits",
        "tls.caValidityHours": "tlsCaValidityHours",
        "tls.validityHours": "tlsValidityHours",
        "tls.earlyRenewalHours": "tlsEarlyRenewalHours",
        "tls.clientValidityHours": "tlsClientValidityHours",
        "tls.clientGeneration": "tlsClientGeneration",
        "tls.extraSans": "tlsExtraSans",
        resources: "",
        peerAccess: "",
        "peerAccess.enabled": "networkPolicy",
        couchDbIndexes: "couchDbIndexDir",
        // env set with --secret becomes secretEnv: the user wrote env.
        secretEnv: "env",
    };
    for (let k = 0; k < otherOrgCount; k++)
        Object.assign(names, hsmKeys(`lifecycle.otherOrgs[${k}]`, `otherOrgs[${k}].`));
    return names;
}

/** AksClusterArgs.settingNames: the cluster's arguments -> the aks… keys. */
export const AKS_CONFIG_NAMES: SettingNames = {
    location: "aksLocation",
    resourceGroupName: "aksResourceGroup",
    kubernetesVersion: "aksKubernetesVersion",
    nodeCount: "aksNodeCount",
    vmSize: "aksVmSize",
    networkPolicy: "aksNetworkPolicy",
    adminGroupObjectIds: "aksAdminGroupObjectIds",
    disableLocalAccounts: "aksDisableLocalAccounts",
    login: "aksLogin",
    authorizedIpRanges: "aksAuthorizedIpRanges",
    privateCluster: "aksPrivateCluster",
    "registry.id": "aksRegistryId",
    "registry.name": "aksRegistryName",
};

/** ChaincodeImageArgs.settingNames: the build's arguments -> the image… keys. */
export const IMAGE_CONFIG_NAMES: SettingNames = {
    tool: "imageBuildTool",
    context: "imageBuildContext",
    registry: "imageRegistry",
    repository: "imageRepository",
    buildArgs: "imageBuildArgs",
};
