import { isIP } from "node:net";
import { InvalidSettingError } from "./errors";

// RFC 1123 label: what Kubernetes accepts for namespace and Service names.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
// [registry[:port]/]path[:tag][@sha256:digest], lower-case path components as the distribution spec says.
const IMAGE_REFERENCE =
    /^(?:(?:[a-zA-Z0-9-]+\.)*[a-zA-Z0-9-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?(?:@sha256:[a-f0-9]{64})?$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
// RFC 1035 label: what Kubernetes accepts for a Service name (it must start with a letter).
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
// Kubernetes resource quantity, e.g. 250m, 0.5, 128Mi, 1G.
const QUANTITY = /^[0-9]+(\.[0-9]+)?(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const QUANTITY_SUFFIXES: Readonly<Record<string, number>> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};
/** Namespaces Kubernetes makes itself: a stack that creates one would fail, and its destroy would delete it. */
export const KUBERNETES_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"] as const;
// Label keys with an optional DNS prefix, and label values (may be empty).
const LABEL_KEY =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** A namespace name: an RFC 1123 label of at most 63 characters. */
export function checkDnsLabel(setting: string, value: string): string {
    return checkLabel(
        setting,
        value,
        DNS_LABEL,
        "a DNS label: 1-63 lower-case letters, digits or '-', starting and ending with a letter or digit",
    );
}

/** A Service name: an RFC 1035 label (a letter first) of at most 63 characters. */
export function checkServiceName(setting: string, value: string): string {
    return checkLabel(
        setting,
        value,
        DNS_1035_LABEL,
        "a Service name: 1-63 lower-case letters, digits or '-', starting with a letter and ending with a letter or digit",
    );
}

function checkLabel(setting: string, value: string, rule: RegExp, accepted: string): string {
    if (typeof value !== "string" || value.length > 63 || !rule.test(value))
        throw new InvalidSettingError(setting, value, accepted);
    return value;
}

/** A Secret or other object name: an RFC 1123 subdomain of at most 253 characters. */
export function checkDnsSubdomain(setting: string, value: string): string {
    if (typeof value !== "string" || value.length > 253 || !value.split(".").every((label) => DNS_LABEL.test(label))) {
        throw new InvalidSettingError(
            setting,
            value,
            "a Kubernetes object name: lower-case letters, digits, '-' and '.', at most 253 characters, e.g. 'acr-pull'",
        );
    }
    return value;
}

export function checkImageReference(setting: string, value: string): string {
    if (typeof value !== "string" || value.length === 0 || value.length > 512 || !IMAGE_REFERENCE.test(value)) {
        throw new InvalidSettingError(
            setting,
            value,
            "a container image reference such as 'myregistry.azurecr.io/chaincode/basic:1.0' or 'repo@sha256:<64 hex>'",
        );
    }
    return value;
}

export function checkImageDigest(setting: string, value: string): string {
    if (!DIGEST.test(value)) {
        throw new InvalidSettingError(setting, value, "an image digest 'sha256:' followed by 64 lower-case hex digits");
    }
    return value;
}

/** The image to run: pinned by digest when one is given (a tag can move, a digest cannot). */
export function imageWithDigest(image: string, digest: string | undefined): string {
    if (!digest) return image;
    const withoutDigest = image.split("@")[0];
    return `${withoutDigest}@${digest}`;
}

export function checkIntegerInRange(setting: string, value: number, min: number, max: number): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
        throw new InvalidSettingError(setting, value, `a whole number from ${min} to ${max}`);
    }
    return value;
}

export function checkQuantity(setting: string, value: string): string {
    if (typeof value !== "string" || !QUANTITY.test(value)) {
        throw new InvalidSettingError(setting, value, "a Kubernetes quantity such as '250m', '0.5', '128Mi' or '1Gi'");
    }
    return value;
}

/** A checked quantity's amount in its base unit (cores, bytes). */
export function quantityAmount(quantity: string): number {
    const match = /^([0-9.]+)([a-zA-Z]*)$/.exec(quantity);
    return match ? Number(match[1]) * QUANTITY_SUFFIXES[match[2]] : Number.NaN;
}

/** A container quantity as checked: its setting, its value, and whether the user gave it (or it is the default). */
export interface QuantitySetting {
    readonly setting: string;
    readonly value: string;
    readonly given: boolean;
}

/**
 * A request above its limit is refused by the API server mid-update; refused
 * here first, naming the one of the two the user set (a limit below the
 * default request names the limit).
 */
export function checkRequestWithinLimit(request: QuantitySetting, limit: QuantitySetting): void {
    if (quantityAmount(request.value) <= quantityAmount(limit.value)) return;
    if (limit.given && !request.given) {
        throw new InvalidSettingError(
            limit.setting,
            limit.value,
            `at least ${request.setting} (${request.value}, its default; set it lower too): Kubernetes refuses a request above its limit`,
        );
    }
    throw new InvalidSettingError(
        request.setting,
        request.value,
        `at most ${limit.setting} (${limit.value}): Kubernetes refuses a request above its limit`,
    );
}

/** Parses "key=value" selector terms into a label map. */
export function parseLabelSelector(setting: string, terms: readonly string[]): Record<string, string> {
    const labels: Record<string, string> = {};
    for (const term of terms) {
        const eq = typeof term === "string" ? term.indexOf("=") : -1;
        const key = eq > 0 ? term.slice(0, eq) : "";
        const value = eq > 0 ? term.slice(eq + 1) : "";
        if (!LABEL_KEY.test(key) || !LABEL_VALUE.test(value)) {
            throw new InvalidSettingError(
                setting,
                term,
                "label terms 'key=value' with valid Kubernetes label keys and values",
            );
        }
        labels[key] = value;
    }
    return labels;
}

/** An IPv4 or IPv6 CIDR block such as 10.0.0.0/16 or fd00::/64 (the address parsed as one, not only its characters). */
export function checkCidr(setting: string, value: string): string {
    const match = /^([^/]+)\/([0-9]{1,3})$/.exec(typeof value === "string" ? value : "");
    const family = match ? isIP(match[1]) : 0;
    if (!match || family === 0 || Number(match[2]) > (family === 4 ? 32 : 128)) {
        throw new InvalidSettingError(setting, value, "a CIDR block such as '10.0.0.0/16' or 'fd00::/64'");
    }
    return value;
}
