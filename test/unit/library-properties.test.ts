import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { installMocks, registrationsSettled } from "./support/pulumiMocks";

// Mocks must be in place before any component module registers resources.
const mocks = installMocks();
import { AksCluster } from "../../components/azure/aks-cluster";
import { ChaincodeImage } from "../../components/chaincode/chaincode-image";
import { ExternalChaincode } from "../../components/chaincode/external-chaincode";
import { testPki } from "../support/pki";

/*
 * The library's public constructor under generated bad arguments, as a
 * JavaScript caller (no type checker) can pass them: each path of a valid
 * ExternalChaincodeArgs set to a value of another type, null, an odd string
 * or a secret (a private key, a secret variable, a field named like a
 * secret). Each construction either succeeds or stops with
 * `invalid <argument path>: <value>; expected <accepted>` naming an argument
 * the caller passed (or a required one left out); never a TypeError, never a
 * secret in the message.
 */

const SEED = Number(process.env.CCAAS_PROPERTY_SEED ?? 20261207);
// Each accepted set declares a whole chaincode under mocks (about 0.1 s): 300 here, more with CCAAS_PROPERTY_RUNS.
const RUNS = Number(process.env.CCAAS_PROPERTY_RUNS ?? 300);
const pki = testPki();
const MARK = "S3CR3T-MARK-7f2c";
const KEY_LINE = pki.clientKeyPem.split("\n")[1];

function validArgs(): Record<string, any> {
    return {
        chaincodeName: "basic",
        chaincodeVersion: "1.0",
        namespace: "hlf1",
        image: "registry.example.com/basic:1.0",
        replicas: 1,
        port: 9999,
        resources: { cpuRequest: "100m", cpuLimit: "500m" },
        env: { LOG: "debug" },
        secretEnv: { API_TOKEN: MARK },
        imagePullSecrets: ["pull"],
        peerAccess: { peerCidrs: ["10.0.0.0/8"], peerPodSelector: ["app=peer"] },
        tls: { clientAuth: true, extraSans: ["cc.example.com"] },
        channelPlan: {},
        lifecycle: {
            channel: "mychannel",
            org: {
                mspId: "Org1MSP",
                peers: [{ endpoint: "peer0.org1.example.com:7051", tlsCaPem: pki.caCertPem }],
                adminCertPem: pki.clientCertPem,
                adminKeyPem: pki.clientKeyPem,
            },
        },
        smokeCheck: { enabled: true, waitSeconds: 60 },
    };
}

/** Every path of the valid arguments, objects and list items included. */
function pathsOf(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
    if (value === null || typeof value !== "object") return [prefix];
    const entries = Array.isArray(value) ? value.map((item, i) => [i, item] as const) : Object.entries(value);
    return [prefix, ...entries.flatMap(([key, inner]) => pathsOf(inner, [...prefix, key]))].filter((p) => p.length);
}
// channelPlan stands for what the channel runs (no peer to ask here): kept as it is.
const PATHS = pathsOf(validArgs()).filter((path) => path[0] !== "channelPlan");

const strangeValue = fc.oneof(
    fc.constantFrom(
        null,
        0,
        -1,
        1.5,
        Number.NaN,
        Number.POSITIVE_INFINITY,
        2 ** 64,
        "",
        " ",
        "ü",
        "a".repeat(300),
        true,
        [],
        {},
        [null],
        { x: 1 },
        ["a", "a"],
        pki.clientKeyPem,
        { adminKeyPem: pki.clientKeyPem },
        { passwrd: MARK },
    ),
    fc.string({ maxLength: 20 }),
    fc.integer(),
    fc.jsonValue({ maxDepth: 2 }),
);

const changeOf = (paths: Array<Array<string | number>>) =>
    fc.record({ path: fc.constantFrom(...paths), to: strangeValue, remove: fc.boolean() });
const change = changeOf(PATHS);

type Change = { path: Array<string | number>; to: unknown; remove: boolean };

function mutated(changes: readonly Change[], base: () => Record<string, any> = validArgs) {
    const args = base();
    for (const { path, to, remove } of changes) {
        let holder: any = args;
        for (const part of path.slice(0, -1)) {
            if (holder === null || typeof holder !== "object") break;
            holder = holder[part];
        }
        if (holder === null || typeof holder !== "object") continue;
        const last = path[path.length - 1];
        if (remove && !Array.isArray(holder)) delete holder[last];
        else holder[last] = to;
    }
    return args;
}

/** A refusal in the message format naming an argument the caller passed (or a required one), and no secret; else it fails. */
function assertRefusal(error: unknown, args: Record<string, unknown>): void {
    const message = (error as Error)?.message ?? String(error);
    const format = /^invalid ([^\s:]+): ([\s\S]*); expected ([\s\S]+)$/.exec(message);
    assert.ok(format, `not a refusal in the message format: ${(error as Error)?.stack ?? message}`);
    const root = format[1].split(/[.[]/)[0];
    assert.ok(root in args || format[2] === "(not set)", `${format[1]} is no argument of ${Object.keys(args)}`);
    for (const secret of [MARK, KEY_LINE]) assert.ok(!message.includes(secret), `a secret shown: ${message}`);
}

let counter = 0;
const outcomes = { accepted: 0, refused: 0 };

describe("the library's constructor under generated bad arguments (fast-check, mocks)", () => {
    it(`ExternalChaincode: ${RUNS} mutated argument sets refused by argument path or accepted, never a crash or a secret (seed ${SEED})`, async () => {
        await fc.assert(
            fc.property(fc.array(change, { minLength: 1, maxLength: 2 }), (changes) => {
                const args = mutated(changes);
                // What earlier cases registered is not looked at: let it go.
                mocks.resources.length = 0;
                try {
                    new ExternalChaincode(`p${counter++}`, args as never);
                    outcomes.accepted++;
                    return;
                } catch (error) {
                    assertRefusal(error, args);
                    outcomes.refused++;
                }
            }),
            { seed: SEED, numRuns: RUNS },
        );
        await registrationsSettled();
        console.log(`# generated argument sets: ${RUNS}, refused ${outcomes.refused}, accepted ${outcomes.accepted}`);
        assert.ok(outcomes.refused > 0 && outcomes.accepted > 0);
    });

    const others: Array<[string, () => Record<string, any>, (name: string, args: never) => unknown]> = [
        [
            "AksCluster",
            () => ({
                location: "westeurope",
                nodeCount: 2,
                registry: { name: "fabricccaas" },
                adminGroupObjectIds: ["0b8d9c52-1f3e-4a6b-9d2c-7e5f4a3b2c1d"],
                authorizedIpRanges: ["203.0.113.0/24"],
                login: "azurecli",
            }),
            (name, args) => new AksCluster(name, args),
        ],
        [
            "ChaincodeImage",
            () => ({
                tool: "docker",
                context: "chaincode/asset-transfer-basic",
                registry: "registry.example.com",
                buildArgs: { NODE_IMAGE: "node:22" },
            }),
            (name, args) => new ChaincodeImage(name, args),
        ],
    ];
    for (const [component, base, construct] of others) {
        it(`${component}: ${RUNS} mutated argument sets refused by argument path or accepted, never a crash (seed ${SEED})`, async () => {
            await fc.assert(
                fc.property(fc.array(changeOf(pathsOf(base())), { minLength: 1, maxLength: 2 }), (changes) => {
                    const args = mutated(changes, base);
                    mocks.resources.length = 0;
                    try {
                        construct(`${component.toLowerCase()}${counter++}`, args as never);
                    } catch (error) {
                        assertRefusal(error, args);
                    }
                }),
                { seed: SEED, numRuns: RUNS },
            );
            await registrationsSettled();
        });
    }
});
