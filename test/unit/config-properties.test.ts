import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import * as fc from "fast-check";
import { readSettings } from "../../config/settings";
import { CHAINCODE_KEYS, CONFIG_KEYS, SECRET_KEYS } from "../../config/schema";
import { describeValue, InvalidSettingError } from "../../components/validation/errors";
import { testPki } from "../support/pki";
import { BASE_STACK, orgStack } from "./support/stacks";
import { acceptedSettingsViolations, declaredResourceViolations } from "./support/declared-rules";
import { loadProgram } from "./support/program";
import { registrationsSettled } from "./support/pulumiMocks";

/*
 * Generated bad configurations: valid stacks mutated with wrong types,
 * nulls, unknown and misspelled keys, repeats, out-of-range and odd-unicode
 * values, and secrets placed inside objects, lists and misspelled fields.
 * For each, exactly one holds: readSettings accepts it and what it accepted
 * passes Kubernetes' and Fabric's rules, and so do the resources the program
 * declares from it under mocks, or it refuses it with
 * `invalid <key>: <value>; expected <accepted>` naming a key the input has
 * (or, unset, one the program reads). Never a crash, never a secret in a
 * message. fast-check prints the seed and the smallest failing input.
 */

/** Fixed, so CI runs the same cases; CCAAS_PROPERTY_SEED and CCAAS_PROPERTY_RUNS explore others. */
const SEED = Number(process.env.CCAAS_PROPERTY_SEED ?? 20261207);
const RUNS = Number(process.env.CCAAS_PROPERTY_RUNS ?? 2000);
const pki = testPki();
/** Stand-ins for secrets: a marker, and a line of a private key's body. */
const MARK = "S3CR3T-MARK-7f2c";
const KEY_LINE = pki.clientKeyPem.split("\n")[1];
const SECRET_TEXTS = [MARK, KEY_LINE];

const base = BASE_STACK;
const org = orgStack();
const STACKS: ReadonlyArray<Record<string, string>> = [
    base,
    org,
    { ...base, aksCreate: "true", aksLocation: "westeurope", aksAdminGroupObjectIds: '["0b8d9c52-1f3e-4a6b"]' },
    { imageBuild: "true", imageRegistry: "fabricccaas", imageBuildContext: "chaincode/asset-transfer-basic" },
    { ...org, chaincodes: '[{"chaincodeName":"a"},{"chaincodeName":"b","namespace":"hlf-b","replicas":2}]' },
    {
        ...base,
        env: '["LOG=debug"]',
        peerCidrs: '["10.0.0.0/8"]',
        tlsExtraSans: '["cc.example.com"]',
        cpuRequest: "200m",
        cpuLimit: "1",
    },
];

/** Values a stack file can hold for a key, as Pulumi hands them over: plain text or JSON text. */
const oddText = fc.oneof(
    fc.constantFrom(
        "",
        " ",
        "null",
        "true",
        "false",
        "0",
        "-1",
        "1.5",
        "1e3",
        "1".repeat(400),
        "[]",
        "{}",
        "[null]",
        '["a","a"]',
        "[1,2]",
        '{"endpoint":"p:1"}',
        '[{"endpoint":"p:1"},{"endpoint":"p:1"}]',
        "ü-ñ-é",
        "\u0000",
        "a".repeat(300),
        "hlf-chaincode",
        "kube-system",
        "Org1MSP",
        "p:7051",
        "10.0.0.0/8",
        "::/0",
        "abc:/64",
        "100m",
        "1Gi",
        "2x",
        "-5",
        '["A=1","A=2"]',
        '["k=v","k=w"]',
        "sha256:abc",
        pki.caCertPem,
        pki.clientCertPem + pki.caCertPem,
        "{release}",
        "x-{release}.example.com:443",
    ),
    fc.string({ maxLength: 40 }),
    fc.string({ unit: "grapheme", maxLength: 20 }),
    fc.json({ maxDepth: 2 }),
);

/** Secrets where they may sit: a secret key's value, a field named like a secret, a private key's PEM. */
const secretCarrier = fc.constantFrom(
    pki.clientKeyPem,
    `${MARK}`,
    JSON.stringify({ adminKeyPem: pki.clientKeyPem }),
    JSON.stringify([{ endpoint: "p:7051", adminKeyPm: MARK }]),
    JSON.stringify([{ endpoint: "p:7051", password: MARK }]),
    JSON.stringify({ nested: [{ token: MARK }] }),
    JSON.stringify([{ mspId: "Org2MSP", peers: [], adminCertPem: "x", adminHsmPim: MARK }]),
    JSON.stringify([pki.clientKeyPem]),
);

/** A key name near a real one, and not one: a letter dropped, doubled, swapped or changed in case. */
const nearMiss = fc
    .tuple(fc.constantFrom(...CONFIG_KEYS), fc.nat(), fc.constantFrom("drop", "double", "swap", "case", "suffix"))
    .map(([key, at, how]) => {
        const i = at % key.length;
        switch (how) {
            case "drop":
                return key.slice(0, i) + key.slice(i + 1);
            case "double":
                return key.slice(0, i) + key[i] + key.slice(i);
            case "swap":
                return i + 1 < key.length ? key.slice(0, i) + key[i + 1] + key[i] + key.slice(i + 2) : `${key}s`;
            case "case":
                return key.slice(0, i) + key[i].toUpperCase() + key.slice(i + 1);
            default:
                return `${key}x`;
        }
    })
    .filter((key) => !(CONFIG_KEYS as readonly string[]).includes(key));

/** A change to a valid stack, as data (so a failing case prints as what it did). */
type Mutation =
    | { readonly set: string; readonly to: string; readonly stored?: boolean }
    | { readonly unset: string }
    | { readonly repeatFirstItemOf: string }
    | { readonly item: Record<string, unknown> };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ set: fc.constantFrom(...CONFIG_KEYS), to: oddText }),
    fc.record({
        set: fc.constantFrom(...SECRET_KEYS),
        to: fc.oneof(oddText, secretCarrier),
        stored: fc.constant(true),
    }),
    fc.record({ set: nearMiss, to: fc.oneof(oddText, secretCarrier) }),
    fc.record({ unset: fc.constantFrom(...CONFIG_KEYS) }),
    fc.record({ repeatFirstItemOf: fc.constantFrom(...CONFIG_KEYS) }),
    // A chaincodes item with one of its keys set to any JSON value, or a secret in a misspelled field.
    fc
        .tuple(
            fc.constantFrom(...CHAINCODE_KEYS, "replica", "mspId"),
            fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constant(null)),
        )
        .map(([key, value]) => ({ item: { chaincodeName: "a", [key]: value } })),
    fc
        .constantFrom("passwrd", "adminKeyPem", "adminKeyPm")
        .map((key) => ({ item: { chaincodeName: "a", [key]: MARK } })),
    // env stored as a secret (pulumi config set --secret), its values secret.
    fc
        .constantFrom('["A=MARK"]', '["A=MARK","A=MARK"]', '["BAD NAME=MARK"]', '["CHAINCODE_ID=MARK"]', "MARK")
        .map((text) => ({ set: "env", to: text.replaceAll("MARK", MARK), stored: true })),
);

function applied(stack: Record<string, string>, mutations: readonly Mutation[]) {
    const config: Record<string, string> = { ...stack };
    const stored = new Set<string>(SECRET_KEYS.filter((key) => key in config));
    for (const change of mutations) {
        if ("set" in change) {
            config[change.set] = change.to;
            if (change.stored) stored.add(change.set);
        } else if ("unset" in change) delete config[change.unset];
        else if ("item" in change) config.chaincodes = JSON.stringify([change.item]);
        else {
            try {
                const list = JSON.parse(config[change.repeatFirstItemOf] ?? "") as unknown[];
                if (Array.isArray(list) && list.length)
                    config[change.repeatFirstItemOf] = JSON.stringify([...list, list[0]]);
            } catch {}
        }
    }
    return { config, stored };
}

const generated = fc.record({
    stack: fc.constantFrom(...STACKS),
    mutations: fc.array(mutation, { minLength: 1, maxLength: 3 }),
});

/** Outcome counts, for the summary line. */
const outcomes = { accepted: 0, refused: 0 };

function check(stack: Record<string, string>, mutations: readonly Mutation[]): void {
    const { config, stored } = applied(stack, mutations);
    const source = {
        get: (key: string) => config[key],
        keys: () => Object.keys(config),
        isSecret: (key: string) => stored.has(key),
    };
    let settings: ReturnType<typeof readSettings>;
    try {
        settings = readSettings(source, {
            adminKeyPem: config.adminKeyPem,
            adminHsmPin: config.adminHsmPin,
            clientTlsKeyPem: config.clientTlsKeyPem,
        });
    } catch (error) {
        if (!(error instanceof InvalidSettingError))
            throw new Error(`not a refusal, a crash: ${(error as Error)?.stack}`);
        assert.equal(
            error.message,
            `invalid ${error.setting}: ${describeValue(error.value)}; expected ${error.accepted}`,
        );
        const root = error.setting.split(/[.[]/)[0];
        assert.ok(
            root in config || (error.value === undefined && (CONFIG_KEYS as readonly string[]).includes(root)),
            `${error.setting} names no key of the input (${Object.keys(config).join(", ")})`,
        );
        for (const secret of SECRET_TEXTS)
            assert.ok(!error.message.includes(secret), `a secret shown: ${error.message}`);
        outcomes.refused++;
        return;
    }
    assert.deepEqual(acceptedSettingsViolations(settings), [], JSON.stringify(config).slice(0, 400));
    outcomes.accepted++;
    const key = JSON.stringify(config);
    if (!accepted.has(key)) accepted.set(key, { config, secretKeys: [...stored] });
}

/** The distinct accepted stacks: the program then declares each under mocks. */
const accepted = new Map<string, { config: Record<string, string>; secretKeys: string[] }>();

describe("the configuration under generated bad input (fast-check)", () => {
    it(`refuses or accepts ${RUNS} mutated stacks as the rules say, never crashing or showing a secret (seed ${SEED})`, async () => {
        await fc.assert(
            fc.property(generated, ({ stack, mutations }) => check(stack, mutations)),
            { seed: SEED, numRuns: RUNS },
        );
        console.log(`# generated stacks: ${RUNS}, refused ${outcomes.refused}, accepted ${outcomes.accepted}`);
        assert.ok(outcomes.refused > RUNS / 2, "most mutations are refusals");
        assert.ok(outcomes.accepted > 0, "some are accepted, and their settings checked");
    });

    it("declares, for every distinct accepted stack, only resources the API server and the peers accept (the program under mocks)", async () => {
        assert.ok(accepted.size > 0, "the run above accepted some");
        for (const { config, secretKeys } of accepted.values()) {
            const { mocks, run } = loadProgram({ config, secretKeys });
            await run();
            await registrationsSettled();
            assert.ok(mocks.byType("kubernetes:apps/v1:Deployment").length > 0, "a server is declared");
            assert.deepEqual(declaredResourceViolations(mocks.resources), [], JSON.stringify(config).slice(0, 400));
        }
        console.log(`# accepted stacks declared under mocks: ${accepted.size}`);
    });
});
