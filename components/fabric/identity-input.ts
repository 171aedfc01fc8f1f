/** Lets callers pass either PEM strings or an already built signing identity. */
import { createSigningIdentity, type IdentityPem, type SigningIdentity } from "./identity";

export type IdentityInput = IdentityPem | SigningIdentity;

export function asSigningIdentity(identity: IdentityInput, setting = "identity"): SigningIdentity {
    return "sign" in identity && typeof identity.sign === "function" ? identity : createSigningIdentity(identity as IdentityPem, setting);
}
