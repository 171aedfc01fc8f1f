import type { Endpoint } from "../../components/fabric";
import type { OrdererNode, Org, PeerNode } from "./types";

/** A node as our Fabric client dials it: its TLS CA and server name, and the org's client TLS pair for mutual TLS. */
export function clientEndpoint(node: PeerNode | OrdererNode, org: Org): Endpoint {
    return {
        address: node.endpoint,
        tlsCaPem: node.tlsCaPem,
        hostOverride: node.hostOverride,
        clientCertPem: org.clientTls.certPem,
        clientKeyPem: org.clientTls.keyPem,
    };
}
