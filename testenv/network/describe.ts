import * as fs from "node:fs";
import * as path from "node:path";
import type { FabricInstall } from "./binaries";
import { processNamed, type ProcessRecord } from "./processes";
import { addressOf, type IdentityFiles, type NetworkPlan, type OrdererPlan, type PeerPlan } from "./topology";
import type { AdminIdentity, FabricNetwork, OrdererNode, Org, PeerNode, TlsClientCert } from "./types";

/** The single file in a folder (cryptogen writes one cert in signcerts, one key in keystore). */
function onlyFile(dir: string): string {
    const entries = fs.readdirSync(dir).filter((entry) => !entry.startsWith("."));
    if (entries.length !== 1) throw new Error(`expected exactly one file in ${dir}, found ${entries.length}`);
    return path.join(dir, entries[0]);
}

function read(file: string): string {
    return fs.readFileSync(file, "utf8");
}

function identity(mspId: string, files: IdentityFiles): AdminIdentity {
    return {
        mspId,
        certPem: read(onlyFile(path.join(files.mspDir, "signcerts"))),
        keyPem: read(onlyFile(path.join(files.mspDir, "keystore"))),
        mspDir: files.mspDir,
    };
}

function clientTls(files: IdentityFiles): TlsClientCert {
    const certFile = path.join(files.tlsDir, "client.crt");
    const keyFile = path.join(files.tlsDir, "client.key");
    return { certPem: read(certFile), keyPem: read(keyFile), certFile, keyFile };
}

/**
 * The public description of a started network, with the PEMs read from the
 * material cryptogen wrote. Stopping (the network or one node) is the caller's.
 */
export type NetworkControl = Pick<FabricNetwork, "stop" | "stopNode" | "startNode">;

/** Node control for a network this process did not start (the CLI's): only the whole network stops. */
export function wholeNetworkOnly(stop: () => Promise<void>): NetworkControl {
    const refuse = async (name: string) => {
        throw new Error(
            `${name}: single nodes can be stopped and started only in the process that started the network`,
        );
    };
    return { stop, stopNode: refuse, startNode: refuse };
}

export function describeNetwork(
    plan: NetworkPlan,
    install: FabricInstall,
    processes: readonly ProcessRecord[],
    control: NetworkControl,
): FabricNetwork {
    const ordererNode = (o: OrdererPlan): OrdererNode => ({
        name: o.name,
        mspId: o.mspId,
        endpoint: addressOf(o, o.ports.listen),
        hostOverride: o.name,
        tlsCaPem: read(o.tlsCaFile),
        tlsCaFile: o.tlsCaFile,
        adminEndpoint: addressOf(o, o.ports.admin),
        adminClientTls: clientTls(o.admin),
        operationsUrl: `http://${addressOf(o, o.ports.operations)}`,
        logFile: o.logFile,
        get pid() {
            return processNamed(processes, o.name).pid;
        },
    });
    const orderers = plan.orderers.map(ordererNode);
    const peerNode = (peer: PeerPlan, tlsCaFile: string): PeerNode => ({
        name: peer.name,
        mspId: peer.mspId,
        endpoint: addressOf(peer, peer.ports.listen),
        hostOverride: peer.name,
        tlsCaPem: read(tlsCaFile),
        tlsCaFile,
        operationsUrl: `http://${addressOf(peer, peer.ports.operations)}`,
        chaincodeEndpoint: addressOf(peer, peer.ports.chaincode),
        logFile: peer.logFile,
        get pid() {
            return processNamed(processes, peer.name).pid;
        },
    });
    const orgs: Org[] = plan.orgs.map((org) => ({
        mspId: org.mspId,
        domain: org.domain,
        admin: identity(org.mspId, org.admin),
        user: identity(org.mspId, org.user),
        tlsCaPem: read(org.tlsCaFile),
        tlsCaFile: org.tlsCaFile,
        clientTls: clientTls(org.admin),
        peers: org.peers.map((peer) => peerNode(peer, org.tlsCaFile)),
    }));
    return {
        version: install.version,
        channel: plan.channel,
        clientAuthRequired: plan.clientAuthRequired,
        consensus: plan.consensus,
        orderer: orderers[0],
        orderers,
        orgs,
        peers: orgs.flatMap((org) => org.peers),
        dataDir: plan.dataDir,
        binDir: install.binDir,
        configDir: plan.configDir,
        ...control,
    };
}
