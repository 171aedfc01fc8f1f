/**
 * Public shape of the real Fabric test network (see testenv/network/README.md).
 * Fields beyond the contract are additions (file paths, PIDs) for tools that
 * run the peer CLI or check processes.
 */

export interface TlsClientCert {
    certPem: string;
    keyPem: string;
    /** The same certificate and key on disk, for CLIs that take file paths. */
    certFile: string;
    keyFile: string;
}

/** An MSP identity of an org (its Admin or User1). */
export interface AdminIdentity {
    mspId: string;
    certPem: string;
    keyPem: string;
    /** The identity's MSP folder (signcerts, keystore, cacerts, config.yaml): CORE_PEER_MSPCONFIGPATH for the peer CLI. */
    mspDir: string;
}

export interface PeerNode {
    /** e.g. "peer0.org1.example.com" */
    name: string;
    mspId: string;
    /** "<ip>:<port>" (gRPC, TLS), the ip 127.0.0.1 unless the node was placed elsewhere; the cert's SANs name it. */
    endpoint: string;
    /** The TLS server name in its cert, e.g. "peer0.org1.example.com". */
    hostOverride: string;
    /** CA that signed the peer's TLS cert. */
    tlsCaPem: string;
    tlsCaFile: string;
    /** "http://<ip>:<port>" (/healthz, /metrics). */
    operationsUrl: string;
    /** "<ip>:<port>" where the peer listens for chaincode connections. */
    chaincodeEndpoint: string;
    logFile: string;
    pid: number;
}

export interface OrdererNode {
    name: string;
    mspId: string;
    endpoint: string;
    hostOverride: string;
    tlsCaPem: string;
    tlsCaFile: string;
    /** "<ip>:<port>" of the channel participation API (HTTPS, mutual TLS with the orderer org's admin). */
    adminEndpoint: string;
    /** The orderer org admin's TLS client certificate for the channel participation API. */
    adminClientTls: TlsClientCert;
    operationsUrl: string;
    logFile: string;
    pid: number;
}

export interface Org {
    mspId: string;
    domain: string;
    /** The org's MSP admin (Admin@<domain>). */
    admin: AdminIdentity;
    /** User1@<domain>, a client. */
    user: AdminIdentity;
    tlsCaPem: string;
    tlsCaFile: string;
    /** The org admin's TLS client certificate, for mutual TLS to peers and orderer. */
    clientTls: TlsClientCert;
    peers: PeerNode[];
}

/** The ordering service's consensus: one Raft consenter, or four SmartBFT consenters (Fabric 3). */
export type Consensus = "etcdraft" | "BFT";

export interface FabricNetwork {
    /** e.g. "2.5.16" */
    version: string;
    /** e.g. "mychannel" */
    channel: string;
    /** Peers and orderers demand client certificates (mutual TLS). */
    clientAuthRequired: boolean;
    consensus: Consensus;
    /** The first of `orderers`. */
    orderer: OrdererNode;
    /** Every orderer: one with etcdraft, orderer0..orderer3.example.com with BFT. */
    orderers: OrdererNode[];
    /** [Org1MSP (peer0, peer1), Org2MSP (peer0)] */
    orgs: Org[];
    /** All three peers. */
    peers: PeerNode[];
    dataDir: string;
    /** Where peer, orderer, configtxgen, osnadmin and cryptogen live. */
    binDir: string;
    /** FABRIC_CFG_PATH for the peer CLI (holds this network's core.yaml). */
    configDir: string;
    /** Kills exactly this network's PIDs, waits for them to exit, removes dataDir (unless keepData). */
    stop(): Promise<void>;
    /** Stops one node (an orderer or a peer, by name) by its PID: SIGTERM, then SIGKILL. Its data and ports stay. */
    stopNode(name: string): Promise<void>;
    /** Starts a stopped node again with its data and ports; resolves once it serves and is back on the channel. */
    startNode(name: string): Promise<void>;
}

/** Faults a test can inject to prove that failures are reported well. Never set outside tests. */
export interface TestFaults {
    /** Hand this component (an orderer's or a peer's name) a corrupted channel block to join with. */
    corruptChannelBlockFor?: string;
}

/**
 * Where one node runs when not on this machine's loopback: a network
 * namespace of its own (a pod's, on a real node), entered with a command
 * prefix. The node listens on `ip`, everyone dials it there, and every
 * node's certificate names it.
 */
export interface NodeHost {
    readonly ip: string;
    /** Runs the rest of the command line inside the namespace, e.g. ["nsenter", "--net=/proc/<pid>/ns/net", "--"]. */
    readonly enter: readonly string[];
}

/** A node of the topology, as a placer sees it before anything starts. */
export interface NodeToPlace {
    /** e.g. "peer0.org1.example.com" */
    readonly name: string;
    readonly role: "orderer" | "peer";
    readonly mspId: string;
}

/** Gives every node of the topology its host; called once, before the crypto material (the certificates name the addresses). */
export type NodePlacer = (nodes: readonly NodeToPlace[]) => Promise<Readonly<Record<string, NodeHost>>>;

export interface StartOptions {
    /** Fabric release whose binaries to run. Defaults to $FABRIC_VERSION, else "2.5.16". */
    version?: string;
    /** Peers and orderer demand client certificates. Defaults to false. */
    clientAuthRequired?: boolean;
    /** Defaults to "mychannel". */
    channel?: string;
    /** "BFT" starts four SmartBFT orderers, each with its own TLS and signing identity (Fabric 3 or later). Defaults to "etcdraft" (one orderer). */
    consensus?: Consensus;
    /** Leave dataDir on disk after stop(). Defaults to false. */
    keepData?: boolean;
    /** FABRIC_LOGGING_SPEC of every node, e.g. "debug" or "info:gossip=debug". Defaults to "info". */
    logSpec?: string;
    /** Progress lines (no secrets). Defaults to silence. */
    log?: (line: string) => void;
    /** Root of the binary cache. Defaults to $CCAAS_CACHE, else ~/.cache/fabric-ccaas. */
    cacheDir?: string;
    /** Where to put crypto, ledgers and logs; must be absent or empty. Defaults to a new temp dir. */
    dataDir?: string;
    /** Use basePort..basePort+portCount-1 (see portLayout) without probing. Defaults to free ports found at start. */
    basePort?: number;
    /** Start the processes in their own session so they outlive this Node process (the CLI's `up`). Defaults to false. */
    detached?: boolean;
    testFaults?: TestFaults;
    /** Runs each node somewhere else than this machine's loopback (see NodeHost). Defaults to loopback, every node a process here. */
    placeNodes?: NodePlacer;
}
