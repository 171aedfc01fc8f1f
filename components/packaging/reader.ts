import { gunzipSync } from "node:zlib";
import { InvalidSettingError } from "../validation/errors";
import { checkChaincodeLabel } from "../validation/fabric";
import { parseCouchDbIndexPath } from "./couchdb-indexes";
import { CODE_PACKAGE_FILE, CONNECTION_FILE, METADATA_FILE, computePackageId } from "./package";
import { readTar, type TarEntry } from "./tar";

/** Thrown when bytes are not a chaincode package the peer would accept. */
export class ChaincodePackageFormatError extends Error {
    constructor(message: string) {
        super(`not a valid chaincode package: ${message}`);
        this.name = "ChaincodePackageFormatError";
    }
}

export interface ReadCouchDbIndex {
    readonly path: string;
    readonly name: string;
    readonly collection?: string;
    readonly definition: string;
}

export interface ReadChaincodePackage {
    readonly packageId: string;
    readonly label: string;
    readonly type: string;
    readonly path?: string;
    readonly metadataJson: string;
    readonly codeTarGz: Buffer;
    /** Top-level tar entries, in archive order. */
    readonly entries: readonly TarEntry[];
    /** Entries of code.tar.gz, in archive order. */
    readonly codeEntries: readonly TarEntry[];
    /** connection.json text, when the code package has one at its root. */
    readonly connectionJson?: string;
    /** connection.json parsed; fields as found, unchecked. */
    readonly connection?: Readonly<Record<string, unknown>>;
    readonly couchDbIndexes: readonly ReadCouchDbIndex[];
}

function untgz(bytes: Uint8Array, what: string): TarEntry[] {
    let tar: Buffer;
    try {
        tar = gunzipSync(bytes);
    } catch (err) {
        throw new ChaincodePackageFormatError(`${what} is not gzip data (${(err as Error).message})`);
    }
    try {
        return readTar(tar);
    } catch (err) {
        throw new ChaincodePackageFormatError(`${what} is not a tar archive (${(err as Error).message})`);
    }
}

function parseJsonObject(text: string, what: string): Record<string, unknown> {
    let parsed: unknown;
    try {
        parsed = JSON.parse(text);
    } catch (err) {
        throw new ChaincodePackageFormatError(`${what} is not JSON (${(err as Error).message})`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
        throw new ChaincodePackageFormatError(`${what} is not a JSON object`);
    }
    return parsed as Record<string, unknown>;
}

/**
 * Parses a chaincode package with the peer's acceptance rules (top-level
 * entries regular files, metadata.json with a valid label, code.tar.gz
 * present) and reads what the code package holds.
 */
export function readChaincodePackage(bytes: Uint8Array): ReadChaincodePackage {
    const entries = untgz(bytes, "the package");
    const irregular = entries.find((entry) => entry.type !== "file");
    if (irregular !== undefined) {
        throw new ChaincodePackageFormatError(`top-level entry ${irregular.path} is not a regular file`);
    }
    const metadataEntry = entries.find((entry) => entry.path === METADATA_FILE);
    const codeEntry = entries.find((entry) => entry.path === CODE_PACKAGE_FILE);
    if (metadataEntry === undefined) throw new ChaincodePackageFormatError(`${METADATA_FILE} is missing`);
    if (codeEntry === undefined) throw new ChaincodePackageFormatError(`${CODE_PACKAGE_FILE} is missing`);

    const metadataJson = metadataEntry.data.toString("utf8");
    const metadata = parseJsonObject(metadataJson, METADATA_FILE);
    let label: string;
    try {
        label = checkChaincodeLabel(`${METADATA_FILE} label`, metadata.label);
    } catch (err) {
        if (err instanceof InvalidSettingError) throw new ChaincodePackageFormatError(err.message);
        throw err;
    }
    const type = typeof metadata.type === "string" ? metadata.type : "";
    const path = typeof metadata.path === "string" && metadata.path !== "" ? metadata.path : undefined;

    const codeEntries = untgz(codeEntry.data, CODE_PACKAGE_FILE);
    const connectionEntry = codeEntries.find((entry) => entry.type === "file" && entry.path === CONNECTION_FILE);
    const connectionJson = connectionEntry?.data.toString("utf8");
    const connection =
        connectionJson === undefined
            ? undefined
            : parseJsonObject(connectionJson, `${CODE_PACKAGE_FILE}/${CONNECTION_FILE}`);
    const couchDbIndexes: ReadCouchDbIndex[] = [];
    for (const entry of codeEntries) {
        const index = entry.type === "file" ? parseCouchDbIndexPath(entry.path) : undefined;
        if (index !== undefined)
            couchDbIndexes.push({ path: entry.path, ...index, definition: entry.data.toString("utf8") });
    }

    return {
        packageId: computePackageId(label, bytes),
        label,
        type,
        ...(path === undefined ? {} : { path }),
        metadataJson,
        codeTarGz: codeEntry.data,
        entries,
        codeEntries,
        ...(connectionJson === undefined ? {} : { connectionJson, connection }),
        couchDbIndexes,
    };
}
