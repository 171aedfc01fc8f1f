import { InvalidSettingError } from "../validation/errors";
import { checkChaincodeLabel } from "../validation/fabric";

export const CHAINCODE_PACKAGE_TYPES = ["ccaas", "external"] as const;
/** "ccaas" for Fabric's built-in builder (2.4.1+); "external" for a custom external builder. */
export type ChaincodePackageType = (typeof CHAINCODE_PACKAGE_TYPES)[number];

export interface MetadataInput {
    readonly label: string;
    /** Defaults to "ccaas". */
    readonly type?: ChaincodePackageType;
    /** Written as metadata.json "path" when given; the ccaas builder ignores it. Defaults to none. */
    readonly path?: string;
}

/** Validates and renders metadata.json: compact JSON, keys type, label, then path when given. */
export function renderMetadataJson(input: MetadataInput): string {
    const label = checkChaincodeLabel("label", input.label);
    const type = input.type ?? "ccaas";
    if (!(CHAINCODE_PACKAGE_TYPES as readonly unknown[]).includes(type)) {
        throw new InvalidSettingError("type", type, `one of ${CHAINCODE_PACKAGE_TYPES.join(", ")}`);
    }
    if (input.path === undefined) return JSON.stringify({ type, label });
    // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point of this check.
    if (typeof input.path !== "string" || !/^[^\x00-\x1f\x7f]+$/.test(input.path)) {
        throw new InvalidSettingError("path", input.path, "a non-empty string without control characters");
    }
    return JSON.stringify({ type, label, path: input.path });
}
