/**
 * Lets callers pass PEM strings, an HSM key or an already built signing identity.
 */
import { createHsmSigningIdentity, type IdentityHsm } from "./hsm-identity";
import { createSigningIdentity, type IdentityPem, type SigningIdentity } from "./identity";

/** PEM strings, an HSM key by reference, or an identity already built. */
export type IdentityInput = IdentityPem | IdentityHsm | SigningIdentity;

export function asSigningIdentity(identity: IdentityInput, setting = "identity"): SigningIdentity {
    if ("sign" in identity && typeof identity.sign === "function") return identity;
    if ("hsm" in identity && identity.hsm !== undefined) return createHsmSigningIdentity(identity, setting);
    return createSigningIdentity(identity as IdentityPem, setting);
}
