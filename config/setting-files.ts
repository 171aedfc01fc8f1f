import * as fs from "node:fs";
import * as path from "node:path";
import type { CouchDbIndexInput } from "../components/packaging";
import type { CollectionArgs } from "../components/lifecycle/providers";
import { type CliCollectionJson, collectionsFromCliJson, encodeCollections } from "../components/fabric";
import { InvalidSettingError } from "../components/validation/errors";

/*
 * The settings that name files: read while the settings are checked, so a
 * missing or malformed file stops the program before anything else.
 */

/** The collections of a peer-CLI collections_config.json file. */
export function readCollectionsFile(file: string, setting = "collectionsFile"): CollectionArgs[] {
    let text: string;
    try {
        text = fs.readFileSync(path.resolve(file), "utf8");
    } catch (err) {
        throw new InvalidSettingError(
            setting,
            file,
            `a readable collections_config.json file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message} at ${path.resolve(file)})`,
        );
    }
    try {
        return collectionsFromConfigJson(text, setting);
    } catch (err) {
        // The file's content is not the value the user wrote: name the file, then the problem.
        if (err instanceof InvalidSettingError)
            throw new InvalidSettingError(setting, file, `a valid collections_config.json; ${err.message}`);
        throw err;
    }
}

/**
 * The CouchDB indexes of `dir`, in either layout:
 * - this project's: <dir>/*.json index the public state, <dir>/<collection>/*.json that private data collection;
 * - Fabric's package layout, as fabric-samples keep it beside the chaincode:
 *   META-INF/statedb/couchdb/indexes/*.json and .../couchdb/collections/<collection>/indexes/*.json,
 *   with `dir` the chaincode folder, its META-INF, or the couchdb folder itself.
 */
export function readIndexDir(dir: string, setting = "couchDbIndexDir"): CouchDbIndexInput[] {
    const root = path.resolve(dir);
    if (!isDirectory(root)) {
        throw new InvalidSettingError(setting, dir, `a directory of CouchDB index .json files (${root} is none)`);
    }
    const couchdb = [
        path.join(root, "META-INF", "statedb", "couchdb"),
        path.join(root, "statedb", "couchdb"),
        root,
    ].find(
        (candidate) =>
            isDirectory(path.join(candidate, "indexes")) && (candidate !== root || path.basename(root) === "couchdb"),
    );
    const collections = couchdb && path.join(couchdb, "collections");
    const indexes = couchdb
        ? [
              ...indexesIn(path.join(couchdb, "indexes")),
              ...subfolders(collections!).flatMap((c) => indexesIn(path.join(collections!, c, "indexes"), c)),
          ]
        : [...indexesIn(root), ...subfolders(root).flatMap((c) => indexesIn(path.join(root, c), c))];
    if (indexes.length === 0) {
        throw new InvalidSettingError(
            setting,
            dir,
            `a directory of CouchDB index .json files: ${root} holds none (<dir>/*.json, <dir>/<collection>/*.json, or META-INF/statedb/couchdb/indexes as in fabric-samples)`,
        );
    }
    return indexes;
}

/** Whether `folder` is one; a path the system cannot even look up (too long, a file in the way) is not. */
function isDirectory(folder: string): boolean {
    try {
        return fs.statSync(folder, { throwIfNoEntry: false })?.isDirectory() ?? false;
    } catch {
        return false;
    }
}

function subfolders(folder: string): string[] {
    if (!isDirectory(folder)) return [];
    return fs
        .readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort();
}

/** The .json files of `folder` (a folder named like one is not an index). */
function indexesIn(folder: string, collection?: string): CouchDbIndexInput[] {
    if (!isDirectory(folder)) return [];
    return fs
        .readdirSync(folder, { withFileTypes: true })
        .filter((entry) => entry.isFile() && entry.name.endsWith(".json"))
        .map((entry) => entry.name)
        .sort()
        .map((file) => ({
            name: file.slice(0, -".json".length),
            collection,
            definition: fs.readFileSync(path.join(folder, file), "utf8"),
        }));
}

/** Collections from a peer-CLI collections_config.json text, checked by Fabric's rules. */
export function collectionsFromConfigJson(text: string, setting = "collectionsFile"): CollectionArgs[] {
    let entries: unknown;
    try {
        entries = JSON.parse(text);
    } catch (err) {
        throw new InvalidSettingError(
            setting,
            text,
            `a JSON array like the peer CLI's collections_config.json (${(err as Error).message})`,
        );
    }
    const collections = collectionsFromCliJson(entries as CliCollectionJson[]);
    // Encoding applies every rule the peer applies; it throws InvalidSettingError naming the field.
    encodeCollections(collections, setting);
    return collections;
}
