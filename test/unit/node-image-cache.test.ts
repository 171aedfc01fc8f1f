/*
 * The key a built image is cached under on this machine (testenv/node/images.ts):
 * what decides the image's contents changes it; what does not (the node's
 * own registry address, files the .dockerignore leaves out) does not.
 */
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { buildInputsDigest } from "../../testenv/node/images";

describe("the node's image cache key", () => {
    let context: string;
    const build = (
        buildArgs: Record<string, string> = { NODE_IMAGE: "100.72.0.2:5000/ccaas/node:22" },
        labels?: Record<string, string>,
    ) => ({
        context,
        reference: "100.72.0.2:5000/asset-transfer-basic:1.0",
        buildArgs,
        labels,
    });

    before(() => {
        context = mkdtempSync(join(tmpdir(), "image-context-"));
        writeFileSync(join(context, "Dockerfile"), "ARG NODE_IMAGE\nFROM $NODE_IMAGE\nCOPY src ./src\n");
        writeFileSync(join(context, ".dockerignore"), "node_modules\n*.md\n");
        cpSync(join(__dirname, "..", "..", "..", "chaincode", "asset-transfer-basic", "src"), join(context, "src"), {
            recursive: true,
        });
    });

    after(() => rmSync(context, { recursive: true, force: true }));

    it("is the same on another node's registry, and with files the .dockerignore leaves out", () => {
        const key = buildInputsDigest(build(), "100.72.0.2:5000");
        assert.match(key, /^[0-9a-f]{32}$/);
        assert.equal(buildInputsDigest(build({ NODE_IMAGE: "100.72.0.6:5000/ccaas/node:22" }), "100.72.0.6:5000"), key);
        writeFileSync(join(context, "NOTES.md"), "not sent to the build");
        assert.equal(buildInputsDigest(build(), "100.72.0.2:5000"), key);
    });

    it("changes with a source file, the Dockerfile, a build argument or a label", () => {
        const key = buildInputsDigest(build(), "100.72.0.2:5000");
        assert.notEqual(
            buildInputsDigest(build({ NODE_IMAGE: "100.72.0.2:5000/ccaas/node:24" }), "100.72.0.2:5000"),
            key,
        );
        assert.notEqual(buildInputsDigest(build(undefined, { variant: "2" }), "100.72.0.2:5000"), key);
        writeFileSync(join(context, "src", "extra.ts"), "export const extra = 1;\n");
        const withSource = buildInputsDigest(build(), "100.72.0.2:5000");
        assert.notEqual(withSource, key);
        writeFileSync(join(context, "Dockerfile"), "ARG NODE_IMAGE\nFROM $NODE_IMAGE\nCOPY src ./src\nUSER 10001\n");
        assert.notEqual(buildInputsDigest(build(), "100.72.0.2:5000"), withSource);
    });
});
