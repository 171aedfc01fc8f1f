import * as fs from "node:fs/promises";
import * as path from "node:path";
import { type NetworkPlan, nodeIps, ordererHostnames, ordererShape, peerOrgShapes } from "./topology";
import type { Consensus } from "./types";
import { runTool } from "./tools";

/**
 * cryptogen's input for the fixed topology, as JSON (which YAML parsers
 * read): each orderer gets its own TLS and signing identity. Every node's
 * certificate names localhost, loopback and every node's address, so nodes
 * and clients dial addresses without a host override.
 */
export function renderCryptoConfig(consensus: Consensus, ips: readonly string[]): string {
    const sans = [...new Set(["127.0.0.1", "localhost", ...ips])];
    const config = {
        OrdererOrgs: [
            {
                Name: ordererShape.name,
                Domain: ordererShape.domain,
                EnableNodeOUs: true,
                Specs: ordererHostnames(consensus).map((hostname) => ({ Hostname: hostname, SANS: sans })),
            },
        ],
        PeerOrgs: peerOrgShapes.map((org) => ({
            Name: org.name,
            Domain: org.domain,
            EnableNodeOUs: true,
            Template: { Count: org.peerCount, SANS: sans },
            Users: { Count: 1 },
        })),
    };
    return `${JSON.stringify(config, null, 2)}\n`;
}

/** Generates the MSPs and TLS material of every org, node and user into plan.cryptoDir. */
export async function generateCryptoMaterial(plan: NetworkPlan, cryptogen: string): Promise<void> {
    const configFile = path.join(plan.configDir, "crypto-config.yaml");
    await fs.writeFile(configFile, renderCryptoConfig(plan.consensus, nodeIps(plan)));
    await runTool(cryptogen, ["generate", `--config=${configFile}`, `--output=${plan.cryptoDir}`]);
}
