/**
 * Why not the Gateway client (@hyperledger/fabric-gateway): every function here, gateway-backed or not, takes PEM or a built identity alike.
 *
 * Lets callers pass either PEM strings or an already built signing identity.
 */
import { createSigningIdentity, type IdentityPem, type SigningIdentity } from "./identity";

export type IdentityInput = IdentityPem | SigningIdentity;

export function asSigningIdentity(identity: IdentityInput, setting = "identity"): SigningIdentity {
    return "sign" in identity && typeof identity.sign === "function" ? identity : createSigningIdentity(identity as IdentityPem, setting);
}
