/**
 * The addresses of one real node. Everything lives inside the node's own
 * network namespace; the host sees only its end of one veth link. Each node
 * takes a slot, so two nodes on one machine never share a link, pod or
 * Service range, and the host could route to any of them.
 *
 * The ranges are cut from 100.64.0.0/10 (RFC 6598, shared address space):
 * addresses no machine here uses, reachable only through the node's link.
 */
import { InvalidSettingError } from "../../components/validation/errors";

/** How many nodes can run on one machine at once. */
export const NODE_SLOTS = 64;

export interface NodeAddresses {
    readonly slot: number;
    /** The veth end left in the host's namespace, and the node's end (renamed eth0 inside). */
    readonly hostLink: string;
    /** The host's address on the link, and the node's: the API server, the registry and CoreDNS listen on the node's. */
    readonly hostIp: string;
    readonly nodeIp: string;
    /** Prefix length of the link (a /30: host and node only). */
    readonly linkPrefix: number;
    /** The node's pod range (one node, so the cluster's too). */
    readonly podCidr: string;
    readonly podGateway: string;
    readonly serviceCidr: string;
    /** The `kubernetes` Service's address (the range's first). */
    readonly apiServiceIp: string;
    /** The cluster DNS Service's address. */
    readonly dnsServiceIp: string;
    /** The port of the node's image registry on nodeIp. */
    readonly registryPort: number;
    /** host:port of the registry, as images name it. */
    readonly registryHost: string;
    /** The API server's URL as the host and the node reach it. */
    readonly apiServerUrl: string;
}

export function nodeAddresses(slot: number): NodeAddresses {
    if (!Number.isInteger(slot) || slot < 0 || slot >= NODE_SLOTS) {
        throw new InvalidSettingError("slot", slot, `an integer from 0 to ${NODE_SLOTS - 1}`);
    }
    const linkBase = slot * 4;
    const hostIp = `100.72.${linkBase >> 8}.${(linkBase & 255) + 1}`;
    const nodeIp = `100.72.${linkBase >> 8}.${(linkBase & 255) + 2}`;
    const registryPort = 5000;
    return {
        slot,
        hostLink: `ccaasnode${slot}`,
        hostIp,
        nodeIp,
        linkPrefix: 30,
        podCidr: `100.73.${slot}.0/24`,
        podGateway: `100.73.${slot}.1`,
        serviceCidr: `100.74.${slot}.0/24`,
        apiServiceIp: `100.74.${slot}.1`,
        dnsServiceIp: `100.74.${slot}.10`,
        registryPort,
        registryHost: `${nodeIp}:${registryPort}`,
        apiServerUrl: `https://${nodeIp}:6443`,
    };
}
