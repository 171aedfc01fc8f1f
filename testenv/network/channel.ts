import * as fs from "node:fs";
import * as https from "node:https";
import { ComponentError } from "./logs";
import { channelHeight, type PeerCliNetwork, runPeerCli } from "./peer-cli";
import type { OrdererNode, PeerNode } from "./types";

/** One channel as the orderer's channel participation API reports it. */
export interface OrdererChannelInfo {
    name: string;
    consensusRelation: string;
    status: string;
    height: number;
}

/** A call to the orderer's channel participation API with the orderer admin's mutual TLS cert. */
function participationRequest(
    orderer: OrdererNode,
    method: "GET" | "POST",
    urlPath: string,
    body?: { contentType: string; bytes: Buffer },
): Promise<{ status: number; text: string }> {
    const [host, port] = orderer.adminEndpoint.split(":");
    return new Promise((resolve, reject) => {
        const request = https.request(
            {
                host,
                port: Number(port),
                method,
                path: urlPath,
                ca: orderer.tlsCaPem,
                cert: orderer.adminClientTls.certPem,
                key: orderer.adminClientTls.keyPem,
                servername: orderer.hostOverride,
                timeout: 15_000,
                headers: body ? { "Content-Type": body.contentType, "Content-Length": body.bytes.length } : {},
            },
            (response) => {
                const chunks: Buffer[] = [];
                response.on("data", (chunk: Buffer) => chunks.push(chunk));
                response.on("end", () =>
                    resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString("utf8") }),
                );
                response.on("error", reject);
            },
        );
        request.on("timeout", () =>
            request.destroy(new Error(`no answer from https://${orderer.adminEndpoint}${urlPath} within 15 s`)),
        );
        request.on("error", reject);
        request.end(body?.bytes);
    });
}

/** multipart/form-data with the one file field the join call takes. */
function configBlockForm(block: Buffer): { contentType: string; bytes: Buffer } {
    const boundary = "fabric-test-network-config-block";
    const head = `--${boundary}\r\nContent-Disposition: form-data; name="config-block"; filename="config.block"\r\nContent-Type: application/octet-stream\r\n\r\n`;
    return {
        contentType: `multipart/form-data; boundary=${boundary}`,
        bytes: Buffer.concat([Buffer.from(head), block, Buffer.from(`\r\n--${boundary}--\r\n`)]),
    };
}

/** Joins the orderer to the channel through the channel participation API (POST /participation/v1/channels). */
export async function joinOrderer(orderer: OrdererNode, blockFile: string): Promise<void> {
    const urlPath = "/participation/v1/channels";
    let answer: { status: number; text: string };
    try {
        answer = await participationRequest(orderer, "POST", urlPath, configBlockForm(fs.readFileSync(blockFile)));
    } catch (error) {
        throw new ComponentError(
            orderer.name,
            `channel join at https://${orderer.adminEndpoint}${urlPath} failed: ${(error as Error).message}`,
            orderer.logFile,
        );
    }
    if (answer.status !== 201) {
        throw new ComponentError(
            orderer.name,
            `channel join at https://${orderer.adminEndpoint}${urlPath} answered HTTP ${answer.status}: ${answer.text.trim()}`,
            orderer.logFile,
        );
    }
}

/** The orderer's view of a channel (GET /participation/v1/channels/<channel>). */
export async function ordererChannelInfo(orderer: OrdererNode, channel: string): Promise<OrdererChannelInfo> {
    const urlPath = `/participation/v1/channels/${encodeURIComponent(channel)}`;
    const answer = await participationRequest(orderer, "GET", urlPath);
    if (answer.status !== 200) {
        throw new Error(
            `${orderer.name}: GET https://${orderer.adminEndpoint}${urlPath} answered HTTP ${answer.status}: ${answer.text.trim()}`,
        );
    }
    return JSON.parse(answer.text) as OrdererChannelInfo;
}

/** Joins a peer to the channel with `peer channel join`, as its org admin. */
export async function joinPeer(network: PeerCliNetwork, peer: PeerNode, blockFile: string): Promise<void> {
    try {
        await runPeerCli(network, peer, ["channel", "join", "-b", blockFile]);
    } catch (error) {
        throw new ComponentError(peer.name, `peer channel join failed: ${(error as Error).message}`, peer.logFile);
    }
}

/** Confirms with `peer channel getinfo` that the peer has the channel; returns its height. */
export async function confirmPeerJoined(network: PeerCliNetwork, peer: PeerNode, channel: string): Promise<number> {
    let height: number;
    try {
        height = await channelHeight(network, peer, channel);
    } catch (error) {
        throw new ComponentError(
            peer.name,
            `does not report channel ${channel} after joining: ${(error as Error).message}`,
            peer.logFile,
        );
    }
    if (height < 1)
        throw new ComponentError(
            peer.name,
            `reports height ${height} on channel ${channel} after joining`,
            peer.logFile,
        );
    return height;
}
