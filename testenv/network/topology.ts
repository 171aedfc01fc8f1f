import * as path from "node:path";
import { type OrdererCount, type OrdererPorts, type PeerPorts, portLayout } from "./ports";
import type { Consensus, NodeHost, NodeToPlace } from "./types";

/**
 * The fixed shape of the test network (two peer orgs; one Raft orderer, or
 * four SmartBFT orderers) and
 * where each node's material, data and log live under the data dir. The
 * crypto paths follow the folder layout cryptogen writes.
 */

/** Files of one MSP identity as cryptogen writes them. */
export interface IdentityFiles {
    mspDir: string;
    /** tls/ folder: ca.crt plus server.crt/server.key (nodes) or client.crt/client.key (users). */
    tlsDir: string;
}

/** Where a node runs: loopback here, or the host a placer gave it. */
export interface NodeSite {
    /** The address it listens on and is dialled at. */
    ip: string;
    /** The command prefix that starts its process there; empty on loopback. */
    enter: readonly string[];
}

export interface PeerPlan extends NodeSite {
    name: string;
    mspId: string;
    ports: PeerPorts;
    /** Name the ccaas builder sees in CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG, e.g. "peer0org1". */
    builderPeerName: string;
    identity: IdentityFiles;
    dataDir: string;
    logFile: string;
}

export interface PeerOrgPlan {
    /** cryptogen's org name, e.g. "Org1". */
    name: string;
    mspId: string;
    domain: string;
    /** The org's MSP (CA certs and NodeOU config), as the channel config carries it. */
    orgMspDir: string;
    tlsCaFile: string;
    admin: IdentityFiles;
    user: IdentityFiles;
    peers: PeerPlan[];
}

export interface OrdererPlan extends NodeSite {
    name: string;
    /** The consenter's ID in the channel's BFT consenter mapping (1, 2, ...). */
    consenterId: number;
    mspId: string;
    domain: string;
    ports: OrdererPorts;
    orgMspDir: string;
    tlsCaFile: string;
    identity: IdentityFiles;
    admin: IdentityFiles;
    dataDir: string;
    logFile: string;
}

export interface NetworkPlan {
    dataDir: string;
    /** FABRIC_CFG_PATH of every node and of the peer CLI. */
    configDir: string;
    /** Every TLS CA of the network in one PEM file (a peer takes a single root cert file). */
    tlsCaBundleFile: string;
    cryptoDir: string;
    channel: string;
    channelBlockFile: string;
    clientAuthRequired: boolean;
    /** FABRIC_LOGGING_SPEC of every node. */
    logSpec: string;
    consensus: Consensus;
    /** The first of `orderers`. */
    orderer: OrdererPlan;
    orderers: OrdererPlan[];
    orgs: PeerOrgPlan[];
    /** Every peer, in port-layout order. */
    peers: PeerPlan[];
}

/** cryptogen org names, domains and peer counts; the MSP ID is `${name}MSP`. */
export const peerOrgShapes: readonly { name: string; domain: string; peerCount: number }[] = [
    { name: "Org1", domain: "org1.example.com", peerCount: 2 },
    { name: "Org2", domain: "org2.example.com", peerCount: 1 },
];
export const ordererShape = { name: "Orderer", mspId: "OrdererMSP", domain: "example.com" } as const;
export const peerCount = peerOrgShapes.reduce((sum, org) => sum + org.peerCount, 0);

/** 3f+1 consenters with f = 1: the smallest BFT ordering service that survives one faulty orderer. */
export const bftOrdererCount = 4;

/** cryptogen host names of the orderers: "orderer" alone for Raft, orderer0..orderer3 for BFT. */
export function ordererHostnames(consensus: Consensus): string[] {
    return consensus === "BFT" ? Array.from({ length: bftOrdererCount }, (_, i) => `orderer${i}`) : ["orderer"];
}

/** How many orderers the consensus runs, and whether they need a cluster port of their own. */
export function ordererCount(consensus: Consensus): OrdererCount {
    return consensus === "BFT" ? { count: bftOrdererCount, clusterPort: true } : { count: 1, clusterPort: false };
}

export interface PlanInput {
    dataDir: string;
    basePort: number;
    channel: string;
    clientAuthRequired: boolean;
    logSpec: string;
    consensus: Consensus;
    /** Each node's host by name; nodes without one run on loopback. */
    hosts?: Readonly<Record<string, NodeHost>>;
}

const loopback: NodeSite = { ip: "127.0.0.1", enter: [] };

/** The nodes of the topology (orderers first, then peers), before any is planned: what a placer places. */
export function nodesToPlace(consensus: Consensus): NodeToPlace[] {
    const orderers = ordererHostnames(consensus).map(
        (hostname): NodeToPlace => ({
            name: `${hostname}.${ordererShape.domain}`,
            role: "orderer",
            mspId: ordererShape.mspId,
        }),
    );
    const peers = peerOrgShapes.flatMap((shape) =>
        Array.from(
            { length: shape.peerCount },
            (_, i): NodeToPlace => ({ name: `peer${i}.${shape.domain}`, role: "peer", mspId: `${shape.name}MSP` }),
        ),
    );
    return [...orderers, ...peers];
}

export function planNetwork(input: PlanInput): NetworkPlan {
    const { dataDir } = input;
    const cryptoDir = path.join(dataDir, "crypto");
    const logDir = path.join(dataDir, "logs");
    const layout = portLayout(input.basePort, peerCount, ordererCount(input.consensus));

    const siteOf = (name: string): NodeSite => {
        const host = input.hosts?.[name];
        return host ? { ip: host.ip, enter: [...host.enter] } : loopback;
    };
    const ordererOrgDir = path.join(cryptoDir, "ordererOrganizations", ordererShape.domain);
    const orderers = ordererHostnames(input.consensus).map((hostname, index): OrdererPlan => {
        const name = `${hostname}.${ordererShape.domain}`;
        return {
            name,
            ...siteOf(name),
            consenterId: index + 1,
            mspId: ordererShape.mspId,
            domain: ordererShape.domain,
            ports: layout.orderers[index],
            orgMspDir: path.join(ordererOrgDir, "msp"),
            tlsCaFile: path.join(ordererOrgDir, "tlsca", `tlsca.${ordererShape.domain}-cert.pem`),
            identity: identityFiles(path.join(ordererOrgDir, "orderers", name)),
            admin: identityFiles(path.join(ordererOrgDir, "users", `Admin@${ordererShape.domain}`)),
            dataDir: path.join(dataDir, "nodes", name),
            logFile: path.join(logDir, `${name}.log`),
        };
    });

    const peers: PeerPlan[] = [];
    const orgs = peerOrgShapes.map((shape): PeerOrgPlan => {
        const orgDir = path.join(cryptoDir, "peerOrganizations", shape.domain);
        const mspId = `${shape.name}MSP`;
        const orgPeers: PeerPlan[] = [];
        for (let i = 0; i < shape.peerCount; i++) {
            const name = `peer${i}.${shape.domain}`;
            const peer: PeerPlan = {
                name,
                ...siteOf(name),
                mspId,
                ports: layout.peers[peers.length],
                builderPeerName: `peer${i}${shape.name.toLowerCase()}`,
                identity: identityFiles(path.join(orgDir, "peers", name)),
                dataDir: path.join(dataDir, "nodes", name),
                logFile: path.join(logDir, `${name}.log`),
            };
            orgPeers.push(peer);
            peers.push(peer);
        }
        return {
            name: shape.name,
            mspId,
            domain: shape.domain,
            orgMspDir: path.join(orgDir, "msp"),
            tlsCaFile: path.join(orgDir, "tlsca", `tlsca.${shape.domain}-cert.pem`),
            admin: identityFiles(path.join(orgDir, "users", `Admin@${shape.domain}`)),
            user: identityFiles(path.join(orgDir, "users", `User1@${shape.domain}`)),
            peers: orgPeers,
        };
    });

    return {
        dataDir,
        configDir: path.join(dataDir, "config"),
        tlsCaBundleFile: path.join(dataDir, "config", "tls-ca-bundle.pem"),
        cryptoDir,
        channel: input.channel,
        channelBlockFile: path.join(dataDir, "config", `${input.channel}.block`),
        clientAuthRequired: input.clientAuthRequired,
        logSpec: input.logSpec,
        consensus: input.consensus,
        orderer: orderers[0],
        orderers,
        orgs,
        peers,
    };
}

/** Every node's address: what every certificate names besides localhost. */
export function nodeIps(plan: NetworkPlan): string[] {
    return [...new Set([...plan.orderers, ...plan.peers].map((node) => node.ip))].sort();
}

/** host:port of a node's port. */
export function addressOf(node: NodeSite, port: number): string {
    return `${node.ip}:${port}`;
}

function identityFiles(dir: string): IdentityFiles {
    return { mspDir: path.join(dir, "msp"), tlsDir: path.join(dir, "tls") };
}

/** The orderer of this name, if the plan has one. */
export function ordererNamed(plan: NetworkPlan, name: string): OrdererPlan | undefined {
    return plan.orderers.find((orderer) => orderer.name === name);
}

/** Every TLS CA of the network: what a node trusts for client certificates (the orderers share their org's). */
export function allTlsCaFiles(plan: NetworkPlan): string[] {
    return [plan.orderer.tlsCaFile, ...plan.orgs.map((org) => org.tlsCaFile)];
}

export function orgOfPeer(plan: NetworkPlan, peer: PeerPlan): PeerOrgPlan {
    const org = plan.orgs.find((candidate) => candidate.peers.includes(peer));
    if (!org) throw new Error(`${peer.name} belongs to no org of the plan`);
    return org;
}
