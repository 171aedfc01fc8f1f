import { InvalidSettingError } from "../validation/errors";
import { checkCollectionName } from "../validation/fabric";
import type { TarFileInput } from "./tar";

/*
 * CouchDB index files carried in the code package. The peer creates them when
 * the chaincode is defined on a channel with CouchDB state; it does not check
 * them on install, so they are checked here against the rules Fabric's own
 * packaging applies (internal/ccmetadata): a JSON object with an "index"
 * object, optional "ddoc" and "name" strings and "type": "json"; in "index"
 * only "fields" and "partial_filter_selector"; sort directions asc or desc.
 * CouchDB also needs "fields" to be a non-empty array, so that is required too.
 */

const INDEXES_DIR = "META-INF/statedb/couchdb/indexes";
const COLLECTIONS_DIR = "META-INF/statedb/couchdb/collections";
// Lengths keep every path within a ustar header (100-character name, 155-character prefix).
const INDEX_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,89}$/;
const MAX_COLLECTION_NAME = 110;

export interface CouchDbIndexInput {
    /** File name of the index; ".json" is appended unless already there. */
    readonly name: string;
    /** Private data collection the index belongs to. Defaults to the chaincode's public state. */
    readonly collection?: string;
    /** The index definition: JSON text (kept byte for byte) or an object (written with JSON.stringify). */
    readonly definition: string | object;
}

/** Where a CouchDB index lives inside code.tar.gz. */
export function couchDbIndexPath(name: string, collection?: string): string {
    const file = `${name}.json`;
    return collection === undefined ? `${INDEXES_DIR}/${file}` : `${COLLECTIONS_DIR}/${collection}/indexes/${file}`;
}

/** Recognises an index path written by couchDbIndexPath; undefined for anything else. */
export function parseCouchDbIndexPath(path: string): { name: string; collection?: string } | undefined {
    const match = /^META-INF\/statedb\/couchdb\/(?:indexes|collections\/([^/]+)\/indexes)\/([^/]+)\.json$/.exec(path);
    if (match === null) return undefined;
    return match[1] === undefined ? { name: match[2] } : { name: match[2], collection: match[1] };
}

function definitionProblem(definition: unknown): string | undefined {
    if (typeof definition !== "object" || definition === null || Array.isArray(definition)) return "not a JSON object";
    const record = definition as Record<string, unknown>;
    for (const [key, value] of Object.entries(record)) {
        if (key === "ddoc" || key === "name") {
            if (typeof value !== "string") return `"${key}" is not a string`;
        } else if (key === "type") {
            if (value !== "json") return `"type" is not "json"`;
        } else if (key !== "index") {
            return `unexpected top-level key "${key}"`;
        }
    }
    const index = record.index;
    if (typeof index !== "object" || index === null || Array.isArray(index))
        return `"index" is missing or not an object`;
    for (const key of Object.keys(index)) {
        if (key !== "fields" && key !== "partial_filter_selector") return `unexpected key "${key}" in "index"`;
    }
    const fields = (index as Record<string, unknown>).fields;
    if (!Array.isArray(fields) || fields.length === 0) return `"index.fields" is missing or not a non-empty array`;
    for (const field of fields) {
        if (typeof field === "string") continue;
        if (typeof field !== "object" || field === null || Array.isArray(field)) {
            return `a field is neither a name nor {"name": "asc"|"desc"}`;
        }
        for (const direction of Object.values(field)) {
            if (typeof direction !== "string" || !/^(asc|desc)$/i.test(direction)) {
                return `a sort direction is not "asc" or "desc"`;
            }
        }
    }
    return undefined;
}

const DEFINITION_ACCEPTED =
    'a CouchDB index definition: a JSON object with "index": {"fields": [...], "partial_filter_selector"?} ' +
    'and optionally "ddoc" and "name" (strings) and "type": "json"';

/**
 * Validates the indexes and returns them as tar files, sorted by path so the
 * order of the input does not change the package.
 */
export function couchDbIndexFiles(indexes: readonly CouchDbIndexInput[]): TarFileInput[] {
    if (!Array.isArray(indexes)) {
        throw new InvalidSettingError("couchDbIndexes", indexes, "a list of {name, collection?, definition}");
    }
    const files = new Map<string, Buffer>();
    indexes.forEach((index, i) => {
        const setting = `couchDbIndexes[${i}]`;
        const rawName = typeof index?.name === "string" ? index.name.replace(/\.json$/, "") : index?.name;
        if (typeof rawName !== "string" || !INDEX_NAME.test(rawName)) {
            throw new InvalidSettingError(
                `${setting}.name`,
                index?.name,
                'an index file name: a letter or digit, then letters, digits and _ . - (up to 90 characters, ".json" optional)',
            );
        }
        let collection: string | undefined;
        if (index.collection !== undefined) {
            collection = checkCollectionName(`${setting}.collection`, index.collection);
            if (collection.length > MAX_COLLECTION_NAME) {
                throw new InvalidSettingError(
                    `${setting}.collection`,
                    collection,
                    `at most ${MAX_COLLECTION_NAME} characters`,
                );
            }
        }
        let text: string;
        let parsed: unknown;
        try {
            text = typeof index.definition === "string" ? index.definition : JSON.stringify(index.definition);
            parsed = JSON.parse(text);
        } catch {
            // A circular object would also break the error's own rendering of the value.
            const shown = typeof index.definition === "string" ? index.definition : "(an object JSON cannot represent)";
            throw new InvalidSettingError(`${setting}.definition`, shown, `valid JSON: ${DEFINITION_ACCEPTED}`);
        }
        const problem = definitionProblem(parsed);
        if (problem !== undefined) {
            throw new InvalidSettingError(`${setting}.definition`, text, `${DEFINITION_ACCEPTED} (${problem})`);
        }
        const path = couchDbIndexPath(rawName, collection);
        if (files.has(path)) {
            throw new InvalidSettingError(
                `${setting}.name`,
                index.name,
                `a name not used by another index of the same ${collection === undefined ? "state" : "collection"}`,
            );
        }
        files.set(path, Buffer.from(text, "utf8"));
    });
    return [...files.keys()].sort().map((path) => ({ path, data: files.get(path)! }));
}
