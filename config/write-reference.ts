/**
 * Writes the configuration reference made from the schema into
 * docs/configuration.md, Pulumi.yaml and docs/stack-config.schema.json
 * (`npm run config:reference`); with --check, writes nothing and exits 1
 * naming the files that are stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { DOC_TABLES, PULUMI_YAML_KEYS, stackFileJsonSchema, withGeneratedPart } from "./reference";

/** The repository's root, from dist/config/. */
const ROOT = join(__dirname, "..", "..");

/** Each generated file as it should read. */
export function generatedFiles(root = ROOT): Record<string, string> {
    const read = (file: string) => readFileSync(join(root, file), "utf8");
    return {
        "docs/configuration.md": withGeneratedPart(read("docs/configuration.md"), DOC_TABLES, "docs/configuration.md"),
        "Pulumi.yaml": withGeneratedPart(read("Pulumi.yaml"), PULUMI_YAML_KEYS, "Pulumi.yaml"),
        "docs/stack-config.schema.json": `${JSON.stringify(stackFileJsonSchema(), null, 2)}\n`,
    };
}

function main(): void {
    const check = process.argv.includes("--check");
    const stale: string[] = [];
    for (const [file, text] of Object.entries(generatedFiles())) {
        let current = "";
        try {
            current = readFileSync(join(ROOT, file), "utf8");
        } catch {}
        if (current === text) continue;
        stale.push(file);
        if (!check) writeFileSync(join(ROOT, file), text);
    }
    if (check && stale.length) {
        console.error(`stale: ${stale.join(", ")} (run npm run config:reference)`);
        process.exit(1);
    }
    console.log(
        stale.length
            ? `${check ? "stale" : "wrote"}: ${stale.join(", ")}`
            : "the configuration reference is up to date",
    );
}

if (require.main === module) main();
