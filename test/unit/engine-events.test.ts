/*
 * The e2e tier reads what `pulumi up --json` did from the engine's event
 * stream; these lines have the shape the CLI prints (one JSON object a line,
 * stamped by the second).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseEventStream, withoutDebugDiagnostics } from "../e2e/support/engine-events";

const URN_DEPLOYMENT =
    "urn:pulumi:org1::fabric-ccaas::fabric-ccaas:index:ExternalChaincode$kubernetes:apps/v1:Deployment::basic-server-deployment";
const URN_SMOKE = "urn:pulumi:org1::fabric-ccaas::pulumi-nodejs:dynamic:Resource::basic-smoke";

const stream = [
    {
        sequence: 1,
        timestamp: 100,
        resourcePreEvent: { metadata: { op: "create", urn: URN_DEPLOYMENT, type: "kubernetes:apps/v1:Deployment" } },
    },
    { sequence: 2, timestamp: 100, diagnosticEvent: { message: "Waiting for app ReplicaSet to be available" } },
    {
        sequence: 3,
        timestamp: 142,
        resOutputsEvent: { metadata: { op: "create", urn: URN_DEPLOYMENT, type: "kubernetes:apps/v1:Deployment" } },
    },
    {
        sequence: 4,
        timestamp: 142,
        resourcePreEvent: { metadata: { op: "create", urn: URN_SMOKE, type: "pulumi-nodejs:dynamic:Resource" } },
    },
    {
        sequence: 5,
        timestamp: 145,
        resOutputsEvent: { metadata: { op: "create", urn: URN_SMOKE, type: "pulumi-nodejs:dynamic:Resource" } },
    },
    { sequence: 6, timestamp: 146, summaryEvent: { resourceChanges: { create: 2 } } },
]
    .map((event) => JSON.stringify(event))
    .join("\n");

describe("the engine event stream of pulumi up --json", () => {
    it("gives each step's op, the diagnostics and the change summary", () => {
        const report = parseEventStream(`Previewing update (org1)\n${stream}\n`);
        assert.deepEqual(
            report.steps.map((step) => `${step.op} ${step.type}`),
            ["create kubernetes:apps/v1:Deployment", "create pulumi-nodejs:dynamic:Resource"],
        );
        assert.deepEqual(report.messages, ["Waiting for app ReplicaSet to be available"]);
        assert.deepEqual(report.changes, { create: 2 });
    });

    it("times each resource step from its start event to its outputs event", () => {
        assert.deepEqual(parseEventStream(stream).stepSeconds, { "basic-server-deployment": 42, "basic-smoke": 3 });
    });

    it("times nothing whose start it did not see", () => {
        const withoutStarts = stream
            .split("\n")
            .filter((line) => !line.includes("resourcePreEvent"))
            .join("\n");
        assert.deepEqual(parseEventStream(withoutStarts).stepSeconds, {});
    });

    it("drops the SDK's debug diagnostics and keeps every other line", () => {
        const debug = JSON.stringify({
            sequence: 7,
            timestamp: 146,
            diagnosticEvent: { prefix: "debug: ", message: "RegisterResource RPC finished: ...", severity: "debug" },
        });
        const warning = JSON.stringify({
            sequence: 8,
            timestamp: 146,
            diagnosticEvent: { prefix: "warning: ", message: "expected version >=4.32.0", severity: "warning" },
        });
        const kept = withoutDebugDiagnostics(["Updating (org1)", debug, warning, stream].join("\n"));
        assert.equal(kept, ["Updating (org1)", warning, stream].join("\n"));
    });
});
