import * as net from "node:net";
import { InvalidSettingError } from "../../components/validation/errors";

/** The loopback ports of one orderer; `cluster` (consenter to consenter) only where the ordering service has several. */
export interface OrdererPorts {
    listen: number;
    admin: number;
    operations: number;
    cluster?: number;
}
/** The loopback ports of one peer (gossip shares the listen port). */
export interface PeerPorts {
    listen: number;
    chaincode: number;
    operations: number;
}

export interface PortLayout {
    /** In the order of the topology's orderers. */
    orderers: OrdererPorts[];
    /** In the order of the topology's peers (peer0.org1, peer1.org1, peer0.org2). */
    peers: PeerPorts[];
}

/** How many orderers, and whether they talk to each other on a cluster port of their own. */
export interface OrdererCount {
    count: number;
    clusterPort: boolean;
}
export const singleOrderer: OrdererCount = { count: 1, clusterPort: false };

export const portsPerNode = 3;

function portsPerOrderer(orderers: OrdererCount): number {
    return portsPerNode + (orderers.clusterPort ? 1 : 0);
}

/** How many consecutive ports a network of `peerCount` peers (and these orderers) takes. */
export function portCount(peerCount: number, orderers: OrdererCount = singleOrderer): number {
    return portsPerOrderer(orderers) * orderers.count + portsPerNode * peerCount;
}

/** The fixed assignment of ports from a base: the orderers first, then each peer in topology order. */
export function portLayout(basePort: number, peerCount: number, orderers: OrdererCount = singleOrderer): PortLayout {
    const perOrderer = portsPerOrderer(orderers);
    const ordererPorts: OrdererPorts[] = [];
    for (let i = 0; i < orderers.count; i++) {
        const first = basePort + perOrderer * i;
        ordererPorts.push({
            listen: first,
            admin: first + 1,
            operations: first + 2,
            ...(orderers.clusterPort ? { cluster: first + 3 } : {}),
        });
    }
    const peersFrom = basePort + perOrderer * orderers.count;
    const peers: PeerPorts[] = [];
    for (let i = 0; i < peerCount; i++) {
        const first = peersFrom + portsPerNode * i;
        peers.push({ listen: first, chaincode: first + 1, operations: first + 2 });
    }
    return { orderers: ordererPorts, peers };
}

export function checkBasePort(basePort: number, peerCount: number, orderers: OrdererCount = singleOrderer): void {
    const highest = 65535 - portCount(peerCount, orderers) + 1;
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

/** True if something accepts a TCP connection on 127.0.0.1:<port> right now (to check that a stopped server is gone). */
export function acceptsConnections(port: number): Promise<boolean> {
    return new Promise((resolve) => {
        const socket = net.connect({ host: "127.0.0.1", port });
        socket.once("connect", () => {
            socket.destroy();
            resolve(true);
        });
        socket.once("error", () => resolve(false));
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
            throw new Error(
                `no ${count} consecutive free loopback ports found between ${searchFloor} and ${searchCeiling} after ${maxProbes} probes`,
            );
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
