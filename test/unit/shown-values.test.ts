/*
 * The one printer of values in messages (describeValue) never shows a
 * secret, wherever it sits: by field name (a misspelled one included) and by
 * content (private keys, kubeconfigs), inside objects, lists and JSON text;
 * odd values (huge numbers, bigints, cycles) render without throwing. The
 * last test places secrets at random depths in generated values (fixed seed).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { describeValue, InvalidSettingError } from "../../components/validation/errors";

const PIN = "492817";
const KEY =
    "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
const KUBECONFIG =
    "apiVersion: v1\nkind: Config\nusers:\n- name: admin\n  user:\n    client-key-data: c2VjcmV0LWJ5dGVz\n";
const TOKEN = "ghp_s3cr3tT0kenValue";

describe("values shown in messages", () => {
    it("hides secret fields inside objects and lists, misspelled ones included, and shows the rest", () => {
        const shown = describeValue({
            mspId: "Org2MSP",
            adminHsmPin: PIN,
            peers: [{ endpoint: "peer0:7051", adminHsmPim: PIN }],
            nested: { clientTlsKeyPm: KEY },
        });
        assert.doesNotMatch(shown, new RegExp(PIN));
        assert.doesNotMatch(shown, /PRIVATE KEY/);
        assert.match(shown, /"mspId":"Org2MSP"/);
        assert.match(shown, /"peers":\[\{"endpoint":"peer0:7051","adminHsmPim":"\(a secret, not shown\)"\}\]/);
        assert.match(shown, /"adminHsmPin":"\(a secret, not shown\)"/);
    });

    it("hides private keys and kubeconfigs by their content, under any field name or none", () => {
        assert.equal(describeValue(KEY), "(a private key, not shown)");
        assert.equal(describeValue(KUBECONFIG), "(a kubeconfig, not shown)");
        const shown = describeValue([{ note: KEY }, { cfg: KUBECONFIG }]);
        assert.equal(shown, '[{"note":"(a private key, not shown)"},{"cfg":"(a kubeconfig, not shown)"}]');
    });

    it("renders JSON text of a structured config value through the same redaction", () => {
        const shown = describeValue(JSON.stringify([{ mspId: "Org2MSP", adminKeyPem: KEY, password: "hunter22" }]));
        assert.equal(
            shown,
            '[{"mspId":"Org2MSP","adminKeyPem":"(a secret, not shown)","password":"(a secret, not shown)"}]',
        );
    });

    it("shows a number too large for a double, a bigint and a cycle without throwing", () => {
        assert.equal(describeValue(Number("1".repeat(400))), "Infinity");
        assert.equal(describeValue(10n ** 30n), "1000000000000000000000000000000n");
        const cyclic: Record<string, unknown> = { name: "a" };
        cyclic.self = cyclic;
        assert.equal(describeValue(cyclic), '{"name":"a","self":(circular)}');
    });

    it("cuts long values", () => {
        assert.equal(describeValue("x".repeat(100)), JSON.stringify(`${"x".repeat(77)}...`));
        assert.ok(describeValue({ list: Array.from({ length: 100 }, (_, i) => `item${i}`) }).length <= 200);
    });

    it("never shows a secret placed anywhere in 2,000 generated values (seed 20261207)", () => {
        let state = 20261207;
        const random = () => {
            // mulberry32: small, seeded, the same sequence on every machine.
            state = (state + 0x6d2b79f5) | 0;
            let t = Math.imul(state ^ (state >>> 15), 1 | state);
            t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
            return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
        };
        const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
        const secretPlacements: Array<[string, string]> = [
            ["adminHsmPin", PIN],
            ["adminHsmPim", PIN],
            ["adminkeypem", KEY],
            ["anything", KEY],
            ["kubeconfig", "plain-looking-but-secret"],
            ["cfg", KUBECONFIG],
            ["token", TOKEN],
            ["clientTlsKeyPem", KEY],
            ["password", TOKEN],
        ];
        const harmless = ["Org1MSP", "peer0:7051", 42, true, null, "mychannel"];
        const build = (depth: number, secret: [string, string]): unknown => {
            if (depth === 0) return { [secret[0]]: secret[1] };
            const inner = build(depth - 1, secret);
            return random() < 0.5
                ? [pick(harmless), inner]
                : { [pick(["peers", "orgs", "spec", "x"])]: inner, mspId: pick(harmless) };
        };
        for (let i = 0; i < 2000; i++) {
            const secret = pick(secretPlacements);
            const value = build(Math.floor(random() * 5), secret);
            const asText = random() < 0.3;
            const shown = describeValue(asText ? JSON.stringify(value) : value);
            const message = new InvalidSettingError("otherOrgs", value, "a list of orgs").message;
            for (const text of [shown, message]) {
                assert.equal(
                    text.includes(secret[1].trim().split("\n")[1] ?? secret[1]),
                    false,
                    `case ${i} (seed 20261207) shows a secret: ${text}`,
                );
                assert.equal(text.includes(secret[1]), false, `case ${i} (seed 20261207) shows a secret: ${text}`);
            }
        }
    });
});
