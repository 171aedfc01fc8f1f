import * as fs from "node:fs/promises";
import * as path from "node:path";
import { fabricMajor } from "./binaries";
import { addressOf, type NetworkPlan, type OrdererPlan, type PeerOrgPlan } from "./topology";
import { runTool } from "./tools";

/** The configtxgen profile that describes the application channel. */
export const channelProfile = "TwoOrgsApplicationChannel";

// Short batches and a fast Raft tick keep tests quick; a single consenter has no followers to destabilise.
const batchTimeout = "500ms";
const raftOptions = {
    TickInterval: "100ms",
    ElectionTick: 10,
    HeartbeatTick: 1,
    MaxInflightBlocks: 5,
    SnapshotIntervalSize: "16 MB",
};
// Fabric's sample SmartBFT options, with requests batched and forwarded sooner (the sample waits 200 ms and 5 s) for quick tests.
const smartBftOptions = {
    RequestBatchMaxCount: 100,
    RequestBatchMaxBytes: 10485760,
    RequestBatchMaxInterval: "50ms",
    IncomingMessageBufferSize: 200,
    RequestPoolSize: 100000,
    RequestForwardTimeout: "2s",
    RequestComplainTimeout: "20s",
    RequestAutoRemoveTimeout: "3m0s",
    ViewChangeResendInterval: "5s",
    ViewChangeTimeout: "20s",
    LeaderHeartbeatTimeout: "1m0s",
    LeaderHeartbeatCount: 10,
    CollectTimeout: "1s",
};

function signature(rule: string) {
    return { Type: "Signature", Rule: rule };
}

function implicitMeta(rule: string) {
    return { Type: "ImplicitMeta", Rule: rule };
}

function peerOrgSection(org: PeerOrgPlan) {
    const anchor = org.peers[0];
    return {
        Name: org.mspId,
        ID: org.mspId,
        MSPDir: org.orgMspDir,
        Policies: {
            Readers: signature(`OR('${org.mspId}.admin', '${org.mspId}.peer', '${org.mspId}.client')`),
            Writers: signature(`OR('${org.mspId}.admin', '${org.mspId}.client')`),
            Admins: signature(`OR('${org.mspId}.admin')`),
            Endorsement: signature(`OR('${org.mspId}.peer')`),
        },
        // In the genesis block, so gateways discover the other org without a config update.
        AnchorPeers: [{ Host: anchor.ip, Port: anchor.ports.listen }],
    };
}

function tlsCertOf(orderer: OrdererPlan): string {
    return path.join(orderer.identity.tlsDir, "server.crt");
}

/** The consensus part of the Orderer section: one Raft consenter, or the BFT consenter mapping (TLS and signing identity per consenter). */
function consensusSection(plan: NetworkPlan) {
    if (plan.consensus === "BFT") {
        return {
            OrdererType: "BFT",
            SmartBFT: smartBftOptions,
            ConsenterMapping: plan.orderers.map((orderer) => ({
                ID: orderer.consenterId,
                Host: orderer.ip,
                Port: orderer.ports.cluster,
                MSPID: orderer.mspId,
                ClientTLSCert: tlsCertOf(orderer),
                ServerTLSCert: tlsCertOf(orderer),
                Identity: path.join(orderer.identity.mspDir, "signcerts", `${orderer.name}-cert.pem`),
            })),
        };
    }
    const { orderer } = plan;
    return {
        OrdererType: "etcdraft",
        EtcdRaft: {
            Consenters: [
                {
                    Host: orderer.ip,
                    Port: orderer.ports.listen,
                    ClientTLSCert: tlsCertOf(orderer),
                    ServerTLSCert: tlsCertOf(orderer),
                },
            ],
            Options: raftOptions,
        },
    };
}

/**
 * configtx.yaml for the channel's genesis block, as JSON (which YAML parsers
 * read): both peer orgs with anchor peers, the consenters, per-org orderer
 * endpoints (the only form Fabric 3 accepts). BFT needs the V3_0 channel
 * capability; configtxgen derives its block validation policy from the
 * consenter mapping.
 */
export function renderConfigtx(plan: NetworkPlan, version: string): string {
    const { orderer } = plan;
    const channelCapability = fabricMajor(version) >= 3 ? "V3_0" : "V2_0";
    const profile = {
        Policies: {
            Readers: implicitMeta("ANY Readers"),
            Writers: implicitMeta("ANY Writers"),
            Admins: implicitMeta("MAJORITY Admins"),
        },
        Capabilities: { [channelCapability]: true },
        Orderer: {
            ...consensusSection(plan),
            BatchTimeout: batchTimeout,
            BatchSize: { MaxMessageCount: 10, AbsoluteMaxBytes: "99 MB", PreferredMaxBytes: "512 KB" },
            Organizations: [
                {
                    Name: orderer.mspId,
                    ID: orderer.mspId,
                    MSPDir: orderer.orgMspDir,
                    Policies: {
                        Readers: signature(`OR('${orderer.mspId}.member')`),
                        Writers: signature(`OR('${orderer.mspId}.member')`),
                        Admins: signature(`OR('${orderer.mspId}.admin')`),
                    },
                    OrdererEndpoints: plan.orderers.map((node) => addressOf(node, node.ports.listen)),
                },
            ],
            Policies: {
                Readers: implicitMeta("ANY Readers"),
                Writers: implicitMeta("ANY Writers"),
                Admins: implicitMeta("MAJORITY Admins"),
                BlockValidation: implicitMeta("ANY Writers"),
            },
            Capabilities: { V2_0: true },
        },
        Application: {
            Organizations: plan.orgs.map(peerOrgSection),
            Policies: {
                Readers: implicitMeta("ANY Readers"),
                Writers: implicitMeta("ANY Writers"),
                Admins: implicitMeta("MAJORITY Admins"),
                LifecycleEndorsement: implicitMeta("MAJORITY Endorsement"),
                Endorsement: implicitMeta("MAJORITY Endorsement"),
            },
            Capabilities: { V2_5: true },
        },
    };
    return `${JSON.stringify({ Profiles: { [channelProfile]: profile } }, null, 2)}\n`;
}

/** Writes configtx.yaml and has configtxgen produce the channel's genesis block. */
export async function createChannelBlock(plan: NetworkPlan, configtxgen: string, version: string): Promise<void> {
    await fs.writeFile(path.join(plan.configDir, "configtx.yaml"), renderConfigtx(plan, version));
    await runTool(configtxgen, [
        "-configPath",
        plan.configDir,
        "-profile",
        channelProfile,
        "-channelID",
        plan.channel,
        "-outputBlock",
        plan.channelBlockFile,
    ]);
}
