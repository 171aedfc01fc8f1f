/**
 * No key material in plaintext among a resource's inputs. @pulumi/policy hands
 * validations plain values, so a rule cannot see whether a value was marked
 * secret: key material is recognised by its form (a PEM private key, also
 * base64-encoded) and allowed only in the inputs that their provider always
 * encrypts. Anywhere else (an environment variable, a ConfigMap, an
 * annotation) it would sit in the state and the cluster in the clear.
 */
import { keyMaterialIn } from "../../components/validation/key-material";
import { FABRIC_SECRET_INPUTS, fabricResourceType } from "../../components/lifecycle/providers/resource-args";
import { SECRET_KEYS } from "../../config/settings";
import type { ResourceView } from "./resource";

/** Input paths (prefixes) that hold key material by design and are stored encrypted. */
const SECRET_INPUTS: ReadonlyMap<string, readonly string[]> = new Map<string, readonly string[]>([
    ["kubernetes:core/v1:Secret", ["data.", "stringData."]],
    // The TLS provider's schema marks these secret.
    ["tls:index/selfSignedCert:SelfSignedCert", ["privateKeyPem"]],
    ["tls:index/certRequest:CertRequest", ["privateKeyPem"]],
    ["tls:index/locallySignedCert:LocallySignedCert", ["caPrivateKeyPem"]],
    // The Kubernetes provider encrypts its kubeconfig.
    ["pulumi:providers:kubernetes", ["kubeconfig"]],
    ...Object.entries(FABRIC_SECRET_INPUTS).map(
        ([type, keys]) =>
            [fabricResourceType(type as keyof typeof FABRIC_SECRET_INPUTS), keys] as [string, readonly string[]],
    ),
]);

/**
 * The dynamic resources' provider receives the stack's configuration as its
 * inputs (`<project>:<key>`). The program's secret keys there are as safe as
 * their config entries: encrypted when set with `pulumi config set --secret`,
 * as docs/configuration.md says to (a rule sees the value, not how it was set).
 */
const DYNAMIC_PROVIDER = "pulumi:providers:pulumi-nodejs";

function isSecretConfigInput(type: string, path: string): boolean {
    if (type !== DYNAMIC_PROVIDER) return false;
    const key = path.slice(path.indexOf(":") + 1).split(/[.[]/)[0];
    return path.includes(":") && (SECRET_KEYS as readonly string[]).includes(key);
}

function isDeclaredSecret(type: string, path: string): boolean {
    if (isSecretConfigInput(type, path)) return true;
    return (SECRET_INPUTS.get(type) ?? []).some(
        (prefix) =>
            path === prefix ||
            path.startsWith(prefix.endsWith(".") ? prefix : `${prefix}.`) ||
            path.startsWith(`${prefix}[`),
    );
}

function* stringsOf(value: unknown, path: string): Generator<[string, string]> {
    if (typeof value === "string") yield [path, value];
    else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* stringsOf(item, `${path}[${i}]`);
    else if (value !== null && typeof value === "object") {
        for (const [key, inner] of Object.entries(value)) yield* stringsOf(inner, path ? `${path}.${key}` : key);
    }
}

export function plaintextKeyMaterial(resource: ResourceView): string[] {
    const found: string[] = [];
    for (const [path, text] of stringsOf(resource.props, "")) {
        const kind = keyMaterialIn(text);
        if (kind && !isDeclaredSecret(resource.type, path)) {
            found.push(
                `${resource.type} "${resource.name}": input ${path} holds ${kind} in plaintext; expected it in a Secret (or a secret input of its provider)`,
            );
        }
    }
    return found;
}
