import * as net from "node:net";
import { InvalidSettingError } from "../../components/validation/errors";

/** The loopback ports of one orderer. */
export interface OrdererPorts { listen: number; admin: number; operations: number; }
/** The loopback ports of one peer (gossip shares the listen port). */
export interface PeerPorts { listen: number; chaincode: number; operations: number; }

export interface PortLayout {
    orderer: OrdererPorts;
    /** In the order of the topology's peers (peer0.org1, peer1.org1, peer0.org2). */
    peers: PeerPorts[];
}

export const portsPerNode = 3;

/** How many consecutive ports a network of `peerCount` peers takes. */
export function portCount(peerCount: number): number {
    return portsPerNode * (1 + peerCount);
}

/** The fixed assignment of ports from a base: the orderer first, then each peer in topology order. */
export function portLayout(basePort: number, peerCount: number): PortLayout {
    const peers: PeerPorts[] = [];
    for (let i = 0; i < peerCount; i++) {
        const first = basePort + portsPerNode * (i + 1);
        peers.push({ listen: first, chaincode: first + 1, operations: first + 2 });
    }
    return { orderer: { listen: basePort, admin: basePort + 1, operations: basePort + 2 }, peers };
}

export function validateBasePort(basePort: number, peerCount: number): void {
    const highest = 65535 - portCount(peerCount) + 1;
    if (!Number.isInteger(basePort) || basePort < 1024 || basePort > highest) {
        throw new InvalidSettingError("basePort", basePort, `an integer from 1024 to ${highest}`);
    }
}

/** True if a listener can be bound on 127.0.0.1:<port> right now. */
export function canBind(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const server = net.createServer();
        server.once("error", () => resolve(false));
        server.listen({ host: "127.0.0.1", port, exclusive: true }, () => server.close(() => resolve(true)));
    });
}

// Below Linux's ephemeral range (32768+), so outgoing connections do not take our ports.
const searchFloor = 20000;
const searchCeiling = 32000;
const maxProbes = 2000;

/**
 * Finds `count` consecutive loopback ports that can be bound now, starting the
 * search at a random place so that networks started side by side rarely collide.
 */
export async function findFreePortBlock(count: number): Promise<number> {
    const span = searchCeiling - searchFloor - count;
    let base = searchFloor + Math.floor(Math.random() * span);
    let probes = 0;
    for (let offset = 0; offset < count; ) {
        if (++probes > maxProbes) {
            throw new Error(`no ${count} consecutive free loopback ports found between ${searchFloor} and ${searchCeiling} after ${maxProbes} probes`);
        }
        if (await canBind(base + offset)) {
            offset++;
            continue;
        }
        base = base + offset + 1;
        if (base + count > searchCeiling) base = searchFloor;
        offset = 0;
    }
    return base;
}
