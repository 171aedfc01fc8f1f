import * as path from "node:path";
import { runTool, type ToolRun } from "./tools";
import type { FabricNetwork, Org, PeerNode } from "./types";

/** The parts of a network description the peer CLI needs (a loaded state file has them too). */
export type PeerCliNetwork = Pick<FabricNetwork, "binDir" | "configDir" | "orgs">;

function orgOf(network: PeerCliNetwork, peer: PeerNode): Org {
    const org = network.orgs.find((candidate) => candidate.mspId === peer.mspId);
    if (!org) throw new Error(`no org with MSP ID ${peer.mspId} in the network (peer ${peer.name})`);
    return org;
}

/**
 * Environment for running `peer` (the CLI) against one peer as its org's
 * Admin or User1, with mutual TLS from the org admin's TLS client cert.
 */
export function peerCliEnv(network: PeerCliNetwork, peer: PeerNode, as: "admin" | "user" = "admin"): NodeJS.ProcessEnv {
    const org = orgOf(network, peer);
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(CORE_|FABRIC_)/.test(key)));
    return {
        ...inherited,
        FABRIC_CFG_PATH: network.configDir,
        FABRIC_LOGGING_SPEC: "warning",
        CORE_PEER_LOCALMSPID: org.mspId,
        CORE_PEER_MSPCONFIGPATH: org[as].mspDir,
        CORE_PEER_ADDRESS: peer.endpoint,
        CORE_PEER_TLS_ENABLED: "true",
        CORE_PEER_TLS_ROOTCERT_FILE: peer.tlsCaFile,
        // Sent always: a peer that does not ask for a client cert ignores it.
        CORE_PEER_TLS_CLIENTAUTHREQUIRED: "true",
        CORE_PEER_TLS_CLIENTCERT_FILE: org.clientTls.certFile,
        CORE_PEER_TLS_CLIENTKEY_FILE: org.clientTls.keyFile,
    };
}

/** Runs the peer CLI against `peer` as its org admin. */
export function runPeerCli(
    network: PeerCliNetwork,
    peer: PeerNode,
    args: readonly string[],
    timeoutMs = 30_000,
): Promise<ToolRun> {
    return runTool(path.join(network.binDir, "peer"), args, { env: peerCliEnv(network, peer), timeoutMs });
}

/** The peer's ledger height on a channel, from `peer channel getinfo`. */
export async function channelHeight(network: PeerCliNetwork, peer: PeerNode, channel: string): Promise<number> {
    const { stdout } = await runPeerCli(network, peer, ["channel", "getinfo", "-c", channel]);
    const match = /Blockchain info: (\{.*\})/.exec(stdout);
    if (!match) throw new Error(`peer channel getinfo on ${peer.name} printed no blockchain info: ${stdout.trim()}`);
    const info = JSON.parse(match[1]) as { height?: number };
    if (typeof info.height !== "number")
        throw new Error(`peer channel getinfo on ${peer.name} printed no height: ${match[1]}`);
    return info.height;
}
