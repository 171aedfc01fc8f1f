import { createHash } from "node:crypto";
import { checkChaincodeLabel } from "../validation/fabric";
import { buildConnection, renderConnectionJson, type ChaincodeConnectionInput } from "./connection-json";
import { couchDbIndexFiles, type CouchDbIndexInput } from "./couchdb-indexes";
import { gzipStored } from "./gzip";
import { renderMetadataJson, type MetadataInput } from "./metadata";
import { writeTar } from "./tar";

/*
 * The chaincode-as-a-service install package, built byte for byte the same
 * from the same input on any machine: fixed JSON key order, fixed tar headers
 * (mode 0644, owner 0, mtime 0), stored-block gzip, CouchDB indexes sorted by
 * path, PEMs in canonical form. The peer's parser (core/chaincode/persistence)
 * wants regular-file entries only at the top level; the ccaas builder reads
 * connection.json and META-INF/ from the extracted code package, and the
 * peer's extraction creates parent directories itself, so no directory
 * entries are written anywhere.
 */

export const METADATA_FILE = "metadata.json";
export const CODE_PACKAGE_FILE = "code.tar.gz";
export const CONNECTION_FILE = "connection.json";

export interface ChaincodePackageInput extends MetadataInput, ChaincodeConnectionInput {
    /** CouchDB indexes to ship in META-INF/statedb/couchdb/. Defaults to none. */
    readonly couchDbIndexes?: readonly CouchDbIndexInput[];
}

export interface ChaincodePackage {
    /** The .tgz file to install. */
    readonly bytes: Buffer;
    /** label:sha256hex(bytes), as the peer computes it. */
    readonly packageId: string;
    readonly label: string;
    readonly metadataJson: string;
    readonly connectionJson: string;
    readonly codeTarGz: Buffer;
    /** True with client auth: the package then holds a private key and must be treated as a secret. */
    readonly containsPrivateKey: boolean;
}

/** label + ":" + hex(sha256(package bytes)): the ID the peer gives an installed package. */
export function computePackageId(label: string, packageBytes: Uint8Array): string {
    const checked = checkChaincodeLabel("label", label);
    return `${checked}:${createHash("sha256").update(packageBytes).digest("hex")}`;
}

/** Validates everything first, then builds the package. Throws InvalidSettingError on bad input. */
export function buildChaincodePackage(input: ChaincodePackageInput): ChaincodePackage {
    const metadataJson = renderMetadataJson(input);
    const connection = buildConnection(input);
    const indexFiles = couchDbIndexFiles(input.couchDbIndexes ?? []);

    const connectionJson = renderConnectionJson(connection);
    const codeTarGz = gzipStored(
        writeTar([{ path: CONNECTION_FILE, data: Buffer.from(connectionJson, "utf8") }, ...indexFiles]),
    );
    const bytes = gzipStored(
        writeTar([
            { path: METADATA_FILE, data: Buffer.from(metadataJson, "utf8") },
            { path: CODE_PACKAGE_FILE, data: codeTarGz },
        ]),
    );
    return {
        bytes,
        packageId: computePackageId(input.label, bytes),
        label: input.label,
        metadataJson,
        connectionJson,
        codeTarGz,
        containsPrivateKey: connection.client_key !== undefined,
    };
}
