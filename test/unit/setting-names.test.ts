/*
 * Library checks name their own argument paths; a caller's settingNames
 * renames them, in the setting and in the rules that refer to another.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { checkAksArgs } from "../../components/azure/aks-cluster";
import { AKS_CONFIG_NAMES, IMAGE_CONFIG_NAMES } from "../../config/config-names";
import { checkImageArgs } from "../../components/chaincode/chaincode-image";
import { childSettingNames, namerOf, namingSettings } from "../../components/setting-names";
import { InvalidSettingError } from "../../components/validation/errors";

const cluster = { location: "westeurope", adminGroupObjectIds: ["00000000-0000-0000-0000-000000000001"] };
const image = {
    tool: "docker" as const,
    context: "chaincode/asset-transfer-basic",
    registry: "registry.example.com:5000",
};

describe("the library names its arguments; a caller's names replace them", () => {
    it("AksCluster: vmSize, or the caller's aksVmSize; a rule's reference to another argument too", () => {
        assert.throws(
            () => checkAksArgs({ ...cluster, vmSize: "bad size" }),
            /^InvalidSettingError: invalid vmSize: "bad size"/,
        );
        assert.throws(
            () => checkAksArgs({ ...cluster, vmSize: "bad size", settingNames: AKS_CONFIG_NAMES }),
            /invalid aksVmSize: "bad size"/,
        );
        const localLogin = { location: "westeurope", disableLocalAccounts: false, login: "azurecli" as const };
        assert.throws(
            () => checkAksArgs(localLogin),
            /invalid login: "azurecli"; expected to be set only with adminGroupObjectIds/,
        );
        assert.throws(
            () => checkAksArgs({ ...localLogin, settingNames: AKS_CONFIG_NAMES }),
            /invalid aksLogin: "azurecli"; expected to be set only with aksAdminGroupObjectIds/,
        );
        assert.throws(
            () => checkAksArgs({ ...cluster, registry: { name: "no" }, settingNames: AKS_CONFIG_NAMES }),
            /invalid aksRegistryName: "no"/,
        );
    });

    it("ChaincodeImage: tool, or the caller's imageBuildTool", () => {
        assert.throws(() => checkImageArgs({ ...image, tool: "kaniko" as "docker" }), /invalid tool: "kaniko"/);
        assert.throws(
            () => checkImageArgs({ ...image, tool: "kaniko" as "docker", settingNames: IMAGE_CONFIG_NAMES }),
            /invalid imageBuildTool: "kaniko"/,
        );
    });

    it("names a refusal once: a child's, named already, is not renamed again by its parent", () => {
        const child = namerOf({ tls: "certificates" });
        const parent = namerOf({ certificates: "renamed-twice" });
        assert.throws(
            () =>
                namingSettings(parent, () =>
                    namingSettings(child, () => {
                        throw new InvalidSettingError("tls.algorithm", "X", "ECDSA or RSA");
                    }),
                ),
            /^InvalidSettingError: invalid certificates\.algorithm: "X"/,
        );
    });

    it("gives a child its arguments under the parent's prefix, and the parent's own names for them", () => {
        const names = childSettingNames(
            { lifecycle: "", "lifecycle.timeoutSeconds": "fabricTimeoutSeconds" },
            "lifecycle.",
            ["channel", "timeoutSeconds", "version"],
            { version: "chaincodeVersion" },
        );
        assert.deepEqual(names, {
            channel: "channel",
            timeoutSeconds: "fabricTimeoutSeconds",
            version: "chaincodeVersion",
        });
        assert.deepEqual(childSettingNames(undefined, "lifecycle.", ["channel"]), { channel: "lifecycle.channel" });
    });
});
