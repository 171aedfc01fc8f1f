import * as fs from "node:fs/promises";
import * as path from "node:path";
import type { FabricInstall } from "./binaries";
import { addressOf, allTlsCaFiles, type NetworkPlan, type OrdererPlan, orgOfPeer, type PeerPlan } from "./topology";

/**
 * Node configuration: Fabric's sample core.yaml and orderer.yaml, overridden
 * through CORE_* / ORDERER_* variables. The one change that a variable cannot
 * make is written into this network's copy of core.yaml (see below).
 */

const dockerEndpointLine = /^(\s*)endpoint: unix:\/\/\/var\/run\/docker\.sock\s*$/m;

/**
 * core.yaml with vm.endpoint emptied, so the peer registers no Docker health
 * check. CORE_VM_ENDPOINT="" cannot do it: viper treats an empty variable as unset.
 */
export function renderCoreYaml(sampleCoreYaml: string): string {
    const matches = sampleCoreYaml.match(new RegExp(dockerEndpointLine.source, "gm")) ?? [];
    if (matches.length !== 1) {
        throw new Error(
            `sample core.yaml has ${matches.length} vm.endpoint docker lines where exactly 1 was expected; cannot disable the Docker health check`,
        );
    }
    return sampleCoreYaml.replace(dockerEndpointLine, '$1endpoint: ""');
}

/**
 * Writes core.yaml, orderer.yaml and the TLS CA bundle into plan.configDir
 * (FABRIC_CFG_PATH of every node and the peer CLI). Needs the crypto material.
 */
export async function writeNodeConfig(plan: NetworkPlan, install: FabricInstall): Promise<void> {
    const sampleCore = await fs.readFile(path.join(install.sampleConfigDir, "core.yaml"), "utf8");
    await fs.writeFile(path.join(plan.configDir, "core.yaml"), renderCoreYaml(sampleCore));
    await fs.copyFile(path.join(install.sampleConfigDir, "orderer.yaml"), path.join(plan.configDir, "orderer.yaml"));
    const cas = await Promise.all(allTlsCaFiles(plan).map((file) => fs.readFile(file, "utf8")));
    await fs.writeFile(plan.tlsCaBundleFile, `${cas.map((pem) => pem.trimEnd()).join("\n")}\n`);
}

/** Fabric's default log format without the terminal colour codes, which only clutter a log file. */
const plainLogFormat =
    "%{time:2006-01-02 15:04:05.000 MST} %{id:04x} %{level:.4s} [%{module}] %{shortfunc} -> %{message}";

/**
 * Variables every node gets: its config dir, and nothing inherited from the
 * caller's Fabric or proxy settings (gRPC dials through an HTTPS_PROXY it finds).
 */
function baseEnv(plan: NetworkPlan): NodeJS.ProcessEnv {
    const inherited = Object.fromEntries(
        Object.entries(process.env).filter(
            ([key]) =>
                !/^(CORE_|ORDERER_|FABRIC_|CHAINCODE_AS_A_SERVICE_)/.test(key) && !/^(https?|no|all)_proxy$/i.test(key),
        ),
    );
    return {
        ...inherited,
        FABRIC_CFG_PATH: plan.configDir,
        FABRIC_LOGGING_SPEC: plan.logSpec,
        FABRIC_LOGGING_FORMAT: plainLogFormat,
    };
}

/** orderer.yaml lists are overridden as "[a, b]". */
function ordererList(items: readonly string[]): string {
    return `[${items.join(", ")}]`;
}

/** Consenters of a BFT service talk on a listener of their own, with their TLS certificate as client and server. */
function clusterEnv(orderer: OrdererPlan): NodeJS.ProcessEnv {
    if (orderer.ports.cluster === undefined) return {};
    const tls = orderer.identity.tlsDir;
    return {
        ORDERER_GENERAL_CLUSTER_LISTENADDRESS: orderer.ip,
        ORDERER_GENERAL_CLUSTER_LISTENPORT: String(orderer.ports.cluster),
        ORDERER_GENERAL_CLUSTER_SERVERCERTIFICATE: path.join(tls, "server.crt"),
        ORDERER_GENERAL_CLUSTER_SERVERPRIVATEKEY: path.join(tls, "server.key"),
        ORDERER_GENERAL_CLUSTER_CLIENTCERTIFICATE: path.join(tls, "server.crt"),
        ORDERER_GENERAL_CLUSTER_CLIENTPRIVATEKEY: path.join(tls, "server.key"),
        ORDERER_GENERAL_CLUSTER_ROOTCAS: ordererList([path.join(tls, "ca.crt")]),
    };
}

export function ordererEnv(plan: NetworkPlan, orderer: OrdererPlan): NodeJS.ProcessEnv {
    const tls = orderer.identity.tlsDir;
    return {
        ...baseEnv(plan),
        ORDERER_GENERAL_LISTENADDRESS: orderer.ip,
        ORDERER_GENERAL_LISTENPORT: String(orderer.ports.listen),
        ORDERER_GENERAL_LOCALMSPID: orderer.mspId,
        ORDERER_GENERAL_LOCALMSPDIR: orderer.identity.mspDir,
        ORDERER_GENERAL_TLS_ENABLED: "true",
        ORDERER_GENERAL_TLS_PRIVATEKEY: path.join(tls, "server.key"),
        ORDERER_GENERAL_TLS_CERTIFICATE: path.join(tls, "server.crt"),
        ORDERER_GENERAL_TLS_ROOTCAS: ordererList([path.join(tls, "ca.crt")]),
        ORDERER_GENERAL_TLS_CLIENTAUTHREQUIRED: String(plan.clientAuthRequired),
        ORDERER_GENERAL_TLS_CLIENTROOTCAS: ordererList(allTlsCaFiles(plan)),
        // Fabric 2.x; Fabric 3 has no system channel and ignores the key.
        ORDERER_GENERAL_BOOTSTRAPMETHOD: "none",
        ORDERER_CHANNELPARTICIPATION_ENABLED: "true",
        ORDERER_ADMIN_LISTENADDRESS: addressOf(orderer, orderer.ports.admin),
        ORDERER_ADMIN_TLS_ENABLED: "true",
        ORDERER_ADMIN_TLS_PRIVATEKEY: path.join(tls, "server.key"),
        ORDERER_ADMIN_TLS_CERTIFICATE: path.join(tls, "server.crt"),
        ORDERER_ADMIN_TLS_CLIENTAUTHREQUIRED: "true",
        ORDERER_ADMIN_TLS_CLIENTROOTCAS: ordererList([orderer.tlsCaFile]),
        ORDERER_OPERATIONS_LISTENADDRESS: addressOf(orderer, orderer.ports.operations),
        ORDERER_METRICS_PROVIDER: "prometheus",
        ORDERER_FILELEDGER_LOCATION: path.join(orderer.dataDir, "ledger"),
        ORDERER_CONSENSUS_WALDIR: path.join(orderer.dataDir, "etcdraft", "wal"),
        ORDERER_CONSENSUS_SNAPDIR: path.join(orderer.dataDir, "etcdraft", "snapshot"),
        ...clusterEnv(orderer),
    };
}

export function peerEnv(plan: NetworkPlan, peer: PeerPlan, install: FabricInstall): NodeJS.ProcessEnv {
    const org = orgOfPeer(plan, peer);
    const tls = peer.identity.tlsDir;
    const address = addressOf(peer, peer.ports.listen);
    // Gossip bootstraps from an org mate; a lone peer names itself, which gossip skips.
    const mate = org.peers.find((candidate) => candidate !== peer) ?? peer;
    return {
        ...baseEnv(plan),
        CORE_PEER_ID: peer.name,
        CORE_PEER_LOCALMSPID: peer.mspId,
        CORE_PEER_MSPCONFIGPATH: peer.identity.mspDir,
        CORE_PEER_FILESYSTEMPATH: path.join(peer.dataDir, "production"),
        CORE_LEDGER_SNAPSHOTS_ROOTDIR: path.join(peer.dataDir, "snapshots"),
        CORE_PEER_LISTENADDRESS: address,
        CORE_PEER_ADDRESS: address,
        CORE_PEER_CHAINCODELISTENADDRESS: addressOf(peer, peer.ports.chaincode),
        CORE_PEER_CHAINCODEADDRESS: addressOf(peer, peer.ports.chaincode),
        CORE_PEER_GOSSIP_ENDPOINT: address,
        CORE_PEER_GOSSIP_EXTERNALENDPOINT: address,
        CORE_PEER_GOSSIP_BOOTSTRAP: addressOf(mate, mate.ports.listen),
        // Gossip faster than Fabric's defaults (4-25 s), so peers and their chaincodes reach discovery within
        // seconds, a dial that raced a channel join is soon retried, and the membership metric
        // (startNetwork's readiness signal) is fresh.
        CORE_PEER_GOSSIP_PUBLISHSTATEINFOINTERVAL: "1s",
        CORE_PEER_GOSSIP_REQUESTSTATEINFOINTERVAL: "1s",
        CORE_PEER_GOSSIP_PULLINTERVAL: "1s",
        CORE_PEER_GOSSIP_ALIVETIMEINTERVAL: "1s",
        CORE_PEER_GOSSIP_RECONNECTINTERVAL: "2s",
        CORE_PEER_GOSSIP_MEMBERSHIPTRACKERINTERVAL: "1s",
        CORE_PEER_TLS_ENABLED: "true",
        CORE_PEER_TLS_CERT_FILE: path.join(tls, "server.crt"),
        CORE_PEER_TLS_KEY_FILE: path.join(tls, "server.key"),
        // All the network's TLS CAs, so gossip trusts other orgs' peers before the channel config tells it to.
        CORE_PEER_TLS_ROOTCERT_FILE: plan.tlsCaBundleFile,
        CORE_PEER_TLS_CLIENTAUTHREQUIRED: String(plan.clientAuthRequired),
        CORE_PEER_TLS_CLIENTROOTCAS_FILES: allTlsCaFiles(plan).join(" "),
        // The peer's own cert (cryptogen gives it client and server usage) for deliver and gossip.
        CORE_PEER_TLS_CLIENTCERT_FILE: path.join(tls, "server.crt"),
        CORE_PEER_TLS_CLIENTKEY_FILE: path.join(tls, "server.key"),
        CORE_PEER_GATEWAY_ENABLED: "true",
        CORE_OPERATIONS_LISTENADDRESS: addressOf(peer, peer.ports.operations),
        CORE_METRICS_PROVIDER: "prometheus",
        CORE_CHAINCODE_EXTERNALBUILDERS: JSON.stringify([
            {
                name: "ccaas_builder",
                path: install.ccaasDir,
                propagateEnvironment: ["CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG"],
            },
        ]),
        CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG: JSON.stringify({ peername: peer.builderPeerName }),
        // Small enough that a chaincode that never connects fails a test instead of hanging it.
        CORE_CHAINCODE_STARTUPTIMEOUT: "60s",
        CORE_CHAINCODE_EXECUTETIMEOUT: "30s",
    };
}
