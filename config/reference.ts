/**
 * The configuration reference, made from the schema: the tables of
 * docs/configuration.md, the key list in Pulumi.yaml's comment, and a JSON
 * Schema of the stack file for editors. `npm run config:reference` writes
 * them; a unit test fails when a written copy differs from what this makes.
 */
import * as z from "zod";
import {
    CONDITIONS,
    CONFIG_KEYS,
    type ConfigKey,
    chaincodeItemSchema,
    KEYS,
    type KeyDeclaration,
    SECTIONS,
} from "./schema";

/** The project's config namespace (Pulumi.yaml's name). */
export const NAMESPACE = "fabric-ccaas";

const declarationOf = (key: ConfigKey) => KEYS[key] as KeyDeclaration;

/** "only with `tls: true`, `channel`": the settings a key needs, as the reference states them. */
function requirements(declaration: KeyDeclaration): string {
    const needs = (declaration.onlyWith ?? []).map((name) => {
        const { key, holds } = CONDITIONS[name];
        return holds === "set" ? `\`${key}\`` : `\`${key}: ${holds.equals}\``;
    });
    return needs.length ? `only with ${needs.join(", ")}` : "";
}

function typeText(declaration: KeyDeclaration): string {
    return `${declaration.secret ? "secret " : ""}${declaration.kind.type}`;
}

/** The Markdown tables, a heading per section. */
function referenceTables(): string {
    const parts: string[] = [];
    for (const [section, title] of Object.entries(SECTIONS)) {
        const keys = CONFIG_KEYS.filter((key) => declarationOf(key).section === section);
        parts.push(`### ${title}`, "", "| key | type | default | meaning |", "|---|---|---|---|");
        for (const key of keys) {
            const declaration = declarationOf(key);
            const notes = [declaration.perChaincode ? "*per chaincode*" : "", requirements(declaration)].filter(
                Boolean,
            );
            const meaning = notes.length ? `${declaration.doc} (${notes.join("; ")})` : declaration.doc;
            const cell = (text: string) => text.replaceAll("|", "\\|");
            parts.push(`| \`${key}\` | ${typeText(declaration)} | ${cell(declaration.default)} | ${cell(meaning)} |`);
        }
        parts.push("");
    }
    return parts.join("\n");
}

/** One comment line per key for Pulumi.yaml, Markdown marks dropped. */
function pulumiYamlKeyList(): string {
    return CONFIG_KEYS.map((key) => {
        const declaration = declarationOf(key);
        const plain = (text: string) => text.replaceAll("`", "").replaceAll("*per chaincode*", "per chaincode");
        const required = requirements(declaration);
        const type = `${typeText(declaration)}${declaration.perChaincode ? ", per chaincode" : ""}`;
        return `#   ${key} (${type}): ${plain(declaration.doc)}. Default: ${plain(declaration.default)}${required ? `; ${plain(required)}` : ""}.`;
    }).join("\n");
}

/**
 * A JSON Schema of Pulumi.<stack>.yaml's `config:` block: this project's keys
 * with their types and meanings, a misspelled one refused; other namespaces'
 * keys (kubernetes:, azure-native:) left to their providers.
 */
export function stackFileJsonSchema(): Record<string, unknown> {
    const properties: Record<string, unknown> = {};
    for (const key of CONFIG_KEYS) {
        const declaration = declarationOf(key);
        const schema = key === "chaincodes" ? z.array(chaincodeItemSchema()) : declaration.kind.schema;
        const { $schema: _, ...json } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" });
        const plain = declaration.doc.replaceAll("`", "");
        properties[`${NAMESPACE}:${key}`] = {
            ...json,
            description: `${plain}. Default: ${declaration.default.replaceAll("`", "")}.`,
            ...(declaration.secret ? { "x-secret": true } : {}),
        };
    }
    return {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: `${NAMESPACE} stack configuration (Pulumi.<stack>.yaml)`,
        description: "Generated from config/schema.ts by npm run config:reference.",
        type: "object",
        properties: {
            config: {
                type: "object",
                properties,
                // Another namespace's keys (kubernetes:, azure-native:) are their providers'; a misspelled one of ours matches neither.
                patternProperties: { [`^(?!${NAMESPACE}:)`]: {} },
                additionalProperties: false,
            },
        },
    };
}

/** A generated part of a file: between its begin and end lines. */
export interface GeneratedPart {
    readonly begin: string;
    readonly end: string;
    readonly content: string;
}

export const DOC_TABLES: GeneratedPart = {
    begin: "<!-- generated from config/schema.ts by npm run config:reference: begin -->",
    end: "<!-- generated: end -->",
    content: referenceTables(),
};

export const PULUMI_YAML_KEYS: GeneratedPart = {
    begin: "# Keys (generated from config/schema.ts by npm run config:reference):",
    end: "# (end of keys)",
    content: pulumiYamlKeyList(),
};

/** `text` with the part between its markers replaced by `part.content`; throws when the markers are missing. */
export function withGeneratedPart(text: string, part: GeneratedPart, file: string): string {
    const start = text.indexOf(part.begin);
    const end = text.indexOf(part.end);
    if (start < 0 || end < start) throw new Error(`${file}: the lines ${part.begin} and ${part.end} are missing`);
    return `${text.slice(0, start + part.begin.length)}\n${part.content.trimEnd()}\n${text.slice(end)}`;
}
