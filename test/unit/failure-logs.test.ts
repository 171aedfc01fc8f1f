import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { failureLogs } from "../support/failure-logs";
import type { FabricNetwork } from "../../testenv/network/types";

describe("the logs a failed real-network test reports", () => {
    it("shows each peer's chaincode lines (or its last lines) and each chaincode server's output", () => {
        const dir = mkdtempSync(join(tmpdir(), "failure-logs-"));
        try {
            const busy = join(dir, "peer0.log");
            const quiet = join(dir, "peer1.log");
            writeFileSync(
                busy,
                [
                    "gossip: alive",
                    "[chaincode] Launch -> external builder ccaas detected",
                    "ledger: committed block 7",
                    "[chaincode] could not launch chaincode basic_1.0:ab: connection refused",
                ].join("\n"),
            );
            writeFileSync(quiet, "gossip: alive\nledger: committed block 7\n");
            const network = {
                peers: [
                    { name: "peer0.org1", logFile: busy },
                    { name: "peer1.org1", logFile: quiet },
                ],
            } as unknown as FabricNetwork;
            const kubelet = {
                running: () => ["hlf-org1/basic-0d9d15e8"],
                output: () => "stdout: listening on 127.0.0.1:40000\nstderr: TLS handshake failed",
            };
            const report = failureLogs({ network, kubelet }, "3. upgrade");
            assert.equal(
                report,
                [
                    '--- logs after the failed test "3. upgrade" ---',
                    `peer0.org1 (${busy}), its last chaincode lines:`,
                    "  [chaincode] Launch -> external builder ccaas detected",
                    "  [chaincode] could not launch chaincode basic_1.0:ab: connection refused",
                    `peer1.org1 (${quiet}), its last lines:`,
                    "  gossip: alive",
                    "  ledger: committed block 7",
                    "chaincode server hlf-org1/basic-0d9d15e8:",
                    "  stdout: listening on 127.0.0.1:40000",
                    "  stderr: TLS handshake failed",
                ].join("\n"),
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });

    it("adds each orderer's last warnings and errors, and nothing for a quiet orderer", () => {
        const dir = mkdtempSync(join(tmpdir(), "failure-logs-"));
        try {
            const down = join(dir, "orderer0.log");
            const quiet = join(dir, "orderer1.log");
            writeFileSync(
                down,
                [
                    "2026-12-06 03:00:00.000 UTC 0001 INFO [orderer.consensus.smartbft] start",
                    "2026-12-06 03:00:01.000 UTC 0002 WARN [orderer.common.cluster] could not connect to orderer3: connection refused",
                ].join("\n"),
            );
            writeFileSync(quiet, "2026-12-06 03:00:00.000 UTC 0001 INFO [orderer.consensus.smartbft] start\n");
            const network = {
                peers: [],
                orderers: [
                    { name: "orderer0", logFile: down },
                    { name: "orderer1", logFile: quiet },
                ],
            } as unknown as FabricNetwork;
            assert.equal(
                failureLogs({ network }, "bft"),
                [
                    '--- logs after the failed test "bft" ---',
                    `orderer0 (${down}), its last warnings and errors:`,
                    "  2026-12-06 03:00:01.000 UTC 0002 WARN [orderer.common.cluster] could not connect to orderer3: connection refused",
                ].join("\n"),
            );
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});
