import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promiseOf, registrationsSettled } from "./support/pulumiMocks";
import { loadProgram } from "./support/program";
import { sourceDigest } from "../../components/imageBuild";


describe("sourceDigest", () => {
    it("changes with any source byte or file name and ignores build output", () => {
        const dir = mkdtempSync(join(tmpdir(), "image-src-"));
        try {
            writeFileSync(join(dir, "Dockerfile"), "FROM node:22\n");
            mkdirSync(join(dir, "src"));
            writeFileSync(join(dir, "src", "index.ts"), "export {};\n");
            const first = sourceDigest(dir);
            assert.match(first, /^[0-9a-f]{64}$/);
            mkdirSync(join(dir, "node_modules"));
            writeFileSync(join(dir, "node_modules", "x.js"), "noise");
            mkdirSync(join(dir, "dist"));
            writeFileSync(join(dir, "dist", "index.js"), "noise");
            assert.equal(sourceDigest(dir), first, "node_modules and dist do not count");
            writeFileSync(join(dir, "src", "index.ts"), "export {}; \n");
            assert.notEqual(sourceDigest(dir), first);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("imageBuild in the program (mocks)", () => {
    it("builds the chaincode image in ACR and deploys exactly that image", async () => {
        const { mocks, run } = loadProgram({ config: { imageBuild: "true", imageRegistry: "fabricccaas" } });
        const program = await run();
        const image: string = await promiseOf(program.chaincodeImage);
        const digest = sourceDigest(join(__dirname, "..", "..", "..", "chaincode", "asset-transfer-basic"));
        assert.equal(image, `fabricccaas.azurecr.io/asset-transfer-basic:src-${digest.slice(0, 16)}`);
        await promiseOf(program.serviceName);
        await registrationsSettled();
        const build = mocks.one("command:local:Command");
        assert.match(build.inputs.create, /^az acr build --registry 'fabricccaas' --image 'asset-transfer-basic:src-[0-9a-f]{16}' '.*chaincode\/asset-transfer-basic'$/);
        assert.deepEqual(build.inputs.triggers, [`src-${digest.slice(0, 16)}`]);
        const deployment = mocks.byType("kubernetes:apps/v1:Deployment")[0];
        assert.equal(deployment.inputs.spec.template.spec.containers[0].image, image);
        assert.ok(deployment.dependencies.some((urn) => urn.endsWith("::image-build")), "the rollout waits for the push");
    });
});
