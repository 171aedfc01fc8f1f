import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { installMocks, registrationsSettled } from "./support/pulumiMocks";

describe("the library entry point (components/index.ts)", () => {
    it("declares nothing when imported, and exports the components, the resources and the pure parts", async () => {
        const mocks = installMocks();
        const library = await import("../../components");
        await registrationsSettled();
        assert.deepEqual(mocks.resources.map((r) => `${r.type} ${r.name}`), [], "importing the library registered resources");
        for (const name of [
            "ExternalChaincode", "ChaincodeTls", "ChaincodeService", "ChaincodeLifecycle", "AksCluster", "ChaincodeImage",
            "ChaincodeInstall", "ChaincodeApproval", "ChaincodeDefinition", "ChaincodeSmokeCheck",
        ]) {
            assert.equal(typeof (library as Record<string, unknown>)[name], "function", name);
        }
        assert.equal(typeof library.packaging.buildChaincodePackage, "function");
        assert.equal(typeof library.fabric.approveForMyOrg, "function");
    });
});
