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

/** <dir>/*.json index the public state; <dir>/<collection>/*.json index that private data collection. */
export function readIndexDir(dir: string, setting = "couchDbIndexDir"): CouchDbIndexInput[] {
    const root = path.resolve(dir);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        throw new InvalidSettingError(setting, dir, `a directory of CouchDB index .json files (${root} is none)`);
    }
    const indexesIn = (folder: string, collection?: string) =>
        fs
            .readdirSync(folder)
            .filter((file) => file.endsWith(".json"))
            .sort()
            .map((file) => ({
                name: file.slice(0, -".json".length),
                collection,
                definition: fs.readFileSync(path.join(folder, file), "utf8"),
            }));
    const collections = fs
        .readdirSync(root, { withFileTypes: true })
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    return [...indexesIn(root), ...collections.flatMap((c) => indexesIn(path.join(root, c), c))];
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
