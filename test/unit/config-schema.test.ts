import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as yaml from "js-yaml";
import * as z from "zod";
import { NAMESPACE, stackFileJsonSchema } from "../../config/reference";
import { CHAINCODE_KEYS, CONDITIONS, CONFIG_KEYS, KEYS, type KeyDeclaration, SECRET_KEYS } from "../../config/schema";
import { generatedFiles } from "../../config/write-reference";

const ROOT = join(__dirname, "..", "..", "..");
const declared = (key: string) => (KEYS as Record<string, KeyDeclaration>)[key];

describe("the configuration schema", () => {
    it("is what docs/configuration.md, Pulumi.yaml and the stack file's JSON Schema say (npm run config:reference)", () => {
        for (const [file, text] of Object.entries(generatedFiles(ROOT))) {
            assert.equal(
                readFileSync(join(ROOT, file), "utf8"),
                text,
                `${file} is stale: run npm run config:reference`,
            );
        }
    });

    it("documents every key once, with its type, default and meaning, and marks the secret ones", () => {
        const pulumiYaml = readFileSync(join(ROOT, "Pulumi.yaml"), "utf8");
        const listed = [...pulumiYaml.matchAll(/^# {3}([A-Za-z]+) \(([^)]+)\): (.+)\. Default: (.+)$/gm)];
        assert.deepEqual(
            listed.map((m) => m[1]),
            [...CONFIG_KEYS],
        );
        for (const [, key, type] of listed) {
            assert.equal(type.startsWith("secret "), SECRET_KEYS.includes(key as never), key);
            assert.equal(type.endsWith(", per chaincode"), CHAINCODE_KEYS.includes(key as never), key);
        }
        const doc = readFileSync(join(ROOT, "docs", "configuration.md"), "utf8");
        for (const key of CONFIG_KEYS) {
            const rows = doc.split("\n").filter((line) => line.startsWith(`| \`${key}\` |`));
            assert.equal(rows.length, 1, `${key}: one table row`);
        }
        const readme = readFileSync(join(ROOT, "README.md"), "utf8");
        assert.match(readme, new RegExp(`\\| ${CONFIG_KEYS.length} keys, each declared once`), "the README's figure");
        assert.deepEqual([...SECRET_KEYS].sort(), [
            "adminHsmPin",
            "adminKeyPem",
            "clientTlsKeyPem",
            "kubeconfig",
            "otherOrgs",
        ]);
    });

    it("makes every dependency name a key that exists, and no key depend on itself", () => {
        for (const condition of Object.values(CONDITIONS)) assert.ok(condition.key in KEYS, condition.key);
        for (const key of CONFIG_KEYS) {
            for (const name of declared(key).onlyWith ?? []) assert.notEqual(CONDITIONS[name].key, key, key);
        }
    });

    it("gives editors a JSON Schema that takes the shipped stacks and refuses a misspelled key or a wrong type", () => {
        const schema = z.fromJSONSchema(stackFileJsonSchema() as never);
        for (const stack of ["Pulumi.dev.yaml", "Pulumi.local.yaml"]) {
            const file = yaml.load(readFileSync(join(ROOT, stack), "utf8"));
            const result = schema.safeParse(file);
            assert.ok(result.success, `${stack}: ${JSON.stringify(result.error?.issues.slice(0, 2))}`);
        }
        const stackWith = (config: Record<string, unknown>) => ({ config: { "kubernetes:context": "dev", ...config } });
        assert.ok(schema.safeParse(stackWith({ [`${NAMESPACE}:replicas`]: 2 })).success);
        assert.ok(schema.safeParse(stackWith({ [`${NAMESPACE}:replicas`]: "2" })).success, "a number as text");
        assert.equal(schema.safeParse(stackWith({ [`${NAMESPACE}:replica`]: 2 })).success, false, "misspelled");
        assert.equal(schema.safeParse(stackWith({ [`${NAMESPACE}:replicas`]: "many" })).success, false);
        assert.equal(schema.safeParse(stackWith({ [`${NAMESPACE}:tls`]: "yes" })).success, false);
        assert.equal(
            schema.safeParse(stackWith({ [`${NAMESPACE}:peers`]: [{ endpoint: "p:7051", tlsCaPm: "x" }] })).success,
            false,
            "an unknown field of a peer",
        );
        assert.equal(
            schema.safeParse(stackWith({ [`${NAMESPACE}:chaincodes`]: [{ chaincodeName: "a", mspId: "Org1MSP" }] }))
                .success,
            false,
            "a stack-only key in a chaincodes item",
        );
    });
});
