import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { dependsOn, promiseOf, registrationsSettled } from "./support/pulumiMocks";
import { loadProgram } from "./support/program";
import { imageTagDigest, registryDigest, sourceDigest } from "../../components/chaincode/chaincode-image";

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
    const sourceTag = () =>
        `src-${sourceDigest(join(__dirname, "..", "..", "..", "chaincode", "asset-transfer-basic")).slice(0, 16)}`;

    it("builds the chaincode image in ACR, reads its digest from the registry, and deploys exactly those bytes", async () => {
        const { mocks, run } = loadProgram({ config: { imageBuild: "true", imageRegistry: "fabricccaas" } });
        const program = await run();
        const image: string = await promiseOf(program.chaincodeImage);
        await promiseOf(program.serviceName);
        await registrationsSettled();
        const build = mocks.named("image-build");
        assert.match(
            build.inputs.create,
            /^az acr build --registry 'fabricccaas' --image 'asset-transfer-basic:src-[0-9a-f]{16}' '.*chaincode\/asset-transfer-basic'$/,
        );
        assert.deepEqual(build.inputs.triggers, [sourceTag()]);
        const inspect = mocks.named("image-digest");
        assert.equal(
            inspect.inputs.create,
            `az acr repository show --name 'fabricccaas' --image 'asset-transfer-basic:${sourceTag()}' --query digest --output tsv`,
        );
        assert.deepEqual(
            inspect.inputs.triggers,
            [sourceTag()],
            "read again exactly when the source, and so the build, changes",
        );
        assert.ok(dependsOn(inspect, "image-build"), "the digest is read after the push");
        assert.match(
            image,
            new RegExp(`^fabricccaas\\.azurecr\\.io/asset-transfer-basic:${sourceTag()}@sha256:[0-9a-f]{64}$`),
        );
        const container = mocks.byType("kubernetes:apps/v1:Deployment")[0].inputs.spec.template.spec.containers[0];
        assert.equal(container.image, image, "the Deployment names the registry's digest");
        assert.equal(container.imagePullPolicy, "IfNotPresent");
        assert.ok(
            dependsOn(mocks.byType("kubernetes:apps/v1:Deployment")[0], "image-digest"),
            "the rollout waits for the push and its digest",
        );
    });

    it("asks a docker registry for the digest: Docker through imagetools, podman (as docker) through its push's digest file", async () => {
        const { mocks, run } = loadProgram({
            config: { imageBuild: "true", imageBuildTool: "docker", imageRegistry: "registry.example.com:5000" },
        });
        await promiseOf((await run()).chaincodeImage);
        await registrationsSettled();
        const ref = `'registry.example.com:5000/asset-transfer-basic:${sourceTag()}'`;
        assert.equal(
            mocks.named("image-digest").inputs.create,
            `if docker --version 2>/dev/null | grep -qi podman; then f=$(mktemp) && { docker push --quiet --digestfile "$f" ${ref} && cat "$f"; rc=$?; rm -f "$f"; exit $rc; }; ` +
                `else docker buildx imagetools inspect ${ref} --format '{{printf "%s" .Manifest.Digest}}'; fi`,
        );
    });

    it("passes imageBuildArgs as --build-arg, and makes them part of the tag (the same source on another base is another image)", async () => {
        const context = join(__dirname, "..", "..", "..", "chaincode", "asset-transfer-basic");
        const buildArgs = { NODE_IMAGE: "registry.example.com:5000/base/node:22", APP_ENV: "prod" };
        const { mocks, run } = loadProgram({
            config: {
                imageBuild: "true",
                imageBuildTool: "docker",
                imageRegistry: "registry.example.com:5000",
                imageBuildArgs: JSON.stringify(Object.entries(buildArgs).map(([k, v]) => `${k}=${v}`)),
            },
        });
        const image = await promiseOf((await run()).chaincodeImage);
        await registrationsSettled();
        const tag = `src-${imageTagDigest(context, buildArgs).slice(0, 16)}`;
        assert.notEqual(tag, sourceTag());
        assert.equal(
            imageTagDigest(context, {}),
            sourceDigest(context),
            "without arguments the tag is the source's alone",
        );
        assert.equal(
            imageTagDigest(context, { APP_ENV: "prod", NODE_IMAGE: buildArgs.NODE_IMAGE }),
            imageTagDigest(context, buildArgs),
            "argument order does not matter",
        );
        assert.match(
            mocks.named("image-build").inputs.create,
            new RegExp(
                `^docker build --tag 'registry\\.example\\.com:5000/asset-transfer-basic:${tag}' --build-arg 'APP_ENV=prod' --build-arg 'NODE_IMAGE=registry\\.example\\.com:5000/base/node:22' '.*chaincode/asset-transfer-basic' && docker push`,
            ),
        );
        assert.match(String(image), new RegExp(`:${tag}@sha256:`));
    });

    it("refuses an imageBuildArgs item that is not NAME=value with an ARG name, naming it", () => {
        // Refused as the program loads, before anything is declared.
        const spaced = loadProgram({
            config: {
                imageBuild: "true",
                imageBuildTool: "docker",
                imageRegistry: "r:5000",
                imageBuildArgs: '["NODE IMAGE=x"]',
            },
        });
        assert.throws(
            spaced.load,
            /invalid imageBuildArgs: "NODE IMAGE"; expected NAME=value items whose NAME is a Dockerfile ARG name/,
        );
        const noEquals = loadProgram({
            config: {
                imageBuild: "true",
                imageBuildTool: "docker",
                imageRegistry: "r:5000",
                imageBuildArgs: '["NODE_IMAGE"]',
            },
        });
        assert.throws(
            noEquals.load,
            /invalid imageBuildArgs\[0\]: "NODE_IMAGE"; expected an item of the form NAME=value/,
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
