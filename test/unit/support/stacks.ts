/** Valid stack configs (as Pulumi hands them over) that tests change one key of. */
import { testPki } from "../../support/pki";

/** The least a stack sets: an image. */
export const BASE_STACK = { image: "registry.example.com/basic:1.0" };

/** A stack of one org with the Fabric lifecycle on. */
export function orgStack(): Record<string, string> {
    const pki = testPki();
    return {
        ...BASE_STACK,
        channel: "mychannel",
        mspId: "Org1MSP",
        peers: JSON.stringify([{ endpoint: "peer0.org1.example.com:7051" }]),
        peerTlsCaPem: pki.caCertPem,
        adminCertPem: pki.clientCertPem,
        adminKeyPem: pki.clientKeyPem,
    };
}
