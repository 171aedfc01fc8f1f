/** A ChaincodeDefinition commit of the test network's chaincode, as the fabric-tier tests send it. */
import type { ChaincodeDefinitionInputs } from "../../components/lifecycle/providers";
import type { FabricNetwork, Org } from "../../testenv/network";

/** `committer`'s admin commits `basic`, endorsed by the first peer of every org; `fields` set the rest. */
export function definitionInputs(
    network: FabricNetwork,
    committer: Org,
    fields: Pick<ChaincodeDefinitionInputs, "version" | "endorsementPolicy"> & Partial<ChaincodeDefinitionInputs>,
): ChaincodeDefinitionInputs {
    return {
        channel: network.channel,
        name: "basic",
        sequence: "auto",
        peers: network.orgs.map((org) => ({
            endpoint: org.peers[0].endpoint,
            tlsCaPem: org.peers[0].tlsCaPem,
            hostOverride: org.peers[0].hostOverride,
            mspId: org.mspId,
        })),
        mspId: committer.mspId,
        adminCertPem: committer.admin.certPem,
        adminKeyPem: committer.admin.keyPem,
        ...fields,
    };
}

/** The definition fields of an approval of `basic` for `packageId`; the caller adds the org's peer and admin. */
export function approvalFields(
    network: FabricNetwork,
    fields: { version: string; endorsementPolicy: string; packageId: string },
) {
    return { channel: network.channel, name: "basic", sequence: "auto" as const, ...fields };
}
