import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dependsOn, promiseOf, registrationsSettled } from "./support/pulumiMocks";
import { loadProgram } from "./support/program";
import { registryDigest, sourceDigest } from "../../components/imageBuild";


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
    const sourceTag = () => `src-${sourceDigest(join(__dirname, "..", "..", "..", "chaincode", "asset-transfer-basic")).slice(0, 16)}`;

    it("builds the chaincode image in ACR, reads its digest from the registry, and deploys exactly those bytes", async () => {
        const { mocks, run } = loadProgram({ config: { imageBuild: "true", imageRegistry: "fabricccaas" } });
        const program = await run();
        const image: string = await promiseOf(program.chaincodeImage);
        await promiseOf(program.serviceName);
        await registrationsSettled();
        const build = mocks.named("image-build");
        assert.match(build.inputs.create, /^az acr build --registry 'fabricccaas' --image 'asset-transfer-basic:src-[0-9a-f]{16}' '.*chaincode\/asset-transfer-basic'$/);
        assert.deepEqual(build.inputs.triggers, [sourceTag()]);
        const inspect = mocks.named("image-digest");
        assert.equal(inspect.inputs.create, `az acr repository show --name 'fabricccaas' --image 'asset-transfer-basic:${sourceTag()}' --query digest --output tsv`);
        assert.deepEqual(inspect.inputs.triggers, [sourceTag()], "read again exactly when the source, and so the build, changes");
        assert.ok(dependsOn(inspect, "image-build"), "the digest is read after the push");
        assert.match(image, new RegExp(`^fabricccaas\\.azurecr\\.io/asset-transfer-basic:${sourceTag()}@sha256:[0-9a-f]{64}$`));
        const container = mocks.byType("kubernetes:apps/v1:Deployment")[0].inputs.spec.template.spec.containers[0];
        assert.equal(container.image, image, "the Deployment names the registry's digest");
        assert.equal(container.imagePullPolicy, "IfNotPresent");
        assert.ok(dependsOn(mocks.byType("kubernetes:apps/v1:Deployment")[0], "image-digest"), "the rollout waits for the push and its digest");
    });

    it("asks a docker registry for the digest with imagetools", async () => {
        const { mocks, run } = loadProgram({ config: { imageBuild: "true", imageBuildTool: "docker", imageRegistry: "registry.example.com:5000" } });
        await promiseOf((await run()).chaincodeImage);
        await registrationsSettled();
        assert.equal(
            mocks.named("image-digest").inputs.create,
            `docker buildx imagetools inspect 'registry.example.com:5000/asset-transfer-basic:${sourceTag()}' --format '{{printf "%s" .Manifest.Digest}}'`,
        );
    });

    it("stops the update naming the command and what it printed when the registry gives no digest", () => {
        const digest = `sha256:${"a".repeat(64)}`;
        assert.equal(registryDigest(`${digest}\n`, "az acr repository show"), digest);
        assert.throws(
            () => registryDigest("ERROR: repository not found\n", "az acr repository show --name 'x'"),
            /the image digest could not be read from the registry: `az acr repository show --name 'x'` printed "ERROR: repository not found", expected sha256:<64 hex digits>/,
        );
    });
});
