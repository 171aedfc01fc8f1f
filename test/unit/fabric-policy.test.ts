/*
 * The policy language against Fabric's own encoder: every vector in
 * test/data/policy-vectors.json was produced by Fabric v2.5.16's policydsl
 * (see test/data/policy-vectors.README.md). Accepted policies must encode to
 * the same bytes; policies Fabric rejects must be rejected with a message
 * pointing at the offending character.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { common, msp, peer } from "@hyperledger/fabric-protos";
import {
    compileApplicationPolicy,
    compileSignaturePolicy,
    encodeEndorsementPolicy,
    formatApplicationPolicy,
    formatSignaturePolicy,
    InvalidSettingError,
    parsePolicy,
    PolicySyntaxError,
} from "../../components/fabric";

interface Vector {
    input: string;
    base64?: string;
    error?: string;
}
const vectorsFile = join(__dirname, "..", "..", "..", "test", "data", "policy-vectors.json");
const vectors = JSON.parse(readFileSync(vectorsFile, "utf8")) as {
    fabricVersion: string;
    vectors: { policies: Vector[] };
};
const policies = vectors.vectors.policies;

/**
 * Fabric accepts these degenerate thresholds (always true, never satisfiable,
 * silently truncated); we reject them on purpose with a clear message.
 */
const REJECTED_ON_PURPOSE = [
    "OutOf(0, 'A.member')",
    "OutOf(3, 'A.member', 'B.member')",
    "OutOf(1.5, 'A.member', 'B.member')",
];

function hex(bytes: Uint8Array): string {
    return Buffer.from(bytes).toString("hex");
}

describe(`policy encoding matches Fabric ${vectors.fabricVersion} policydsl`, () => {
    const accepted = policies.filter(
        (vector) => vector.base64 !== undefined && !REJECTED_ON_PURPOSE.includes(vector.input),
    );
    const rejected = policies.filter((vector) => vector.error !== undefined);

    it("has a meaningful number of vectors", () => {
        assert.ok(accepted.length >= 20, `only ${accepted.length} accepted vectors`);
        assert.ok(rejected.length >= 10, `only ${rejected.length} rejected vectors`);
    });

    for (const vector of accepted) {
        it(`encodes ${JSON.stringify(vector.input)} byte-identically`, () => {
            const ours = compileSignaturePolicy(vector.input).serializeBinary();
            assert.equal(hex(ours), hex(Buffer.from(vector.base64!, "base64")));
        });
    }

    for (const vector of rejected) {
        it(`rejects ${JSON.stringify(vector.input)} as Fabric does (${vector.error})`, () => {
            assert.throws(() => compileSignaturePolicy(vector.input), PolicySyntaxError);
        });
    }

    for (const input of REJECTED_ON_PURPOSE) {
        it(`rejects the degenerate ${JSON.stringify(input)} that Fabric would accept`, () => {
            const vector = policies.find((candidate) => candidate.input === input);
            assert.ok(vector?.base64, `the vectors should show Fabric accepting ${input}`);
            assert.throws(
                () => compileSignaturePolicy(input),
                (error: unknown) => {
                    assert.ok(error instanceof PolicySyntaxError);
                    assert.match(error.message, /OutOf threshold|whole number/);
                    assert.equal(error.position, input.indexOf("(") + 1);
                    return true;
                },
            );
        });
    }

    it("renders every accepted policy back to text that re-encodes to the same bytes", () => {
        for (const vector of accepted) {
            const envelope = compileSignaturePolicy(vector.input);
            const text = formatSignaturePolicy(envelope);
            assert.equal(
                hex(compileSignaturePolicy(text).serializeBinary()),
                hex(envelope.serializeBinary()),
                `${vector.input} -> ${text}`,
            );
        }
    });
});

describe("policy structure", () => {
    it("numbers nested gates' identities before the gate's own principals", () => {
        const envelope = compileSignaturePolicy("AND('A.member', OR('B.peer', 'C.admin'), 'D.client')");
        const identities = envelope.getIdentitiesList().map((principal) => {
            const role = msp.MSPRole.deserializeBinary(principal.getPrincipal_asU8());
            return `${role.getMspIdentifier()}:${role.getRole()}`;
        });
        assert.deepEqual(identities, ["B:3", "C:1", "A:0", "D:2"]);
        const rules = envelope.getRule()!.getNOutOf()!.getRulesList();
        assert.equal(envelope.getRule()!.getNOutOf()!.getN(), 3);
        assert.equal(rules[0].getSignedBy(), 2);
        assert.deepEqual(
            rules[1]
                .getNOutOf()!
                .getRulesList()
                .map((rule) => rule.getSignedBy()),
            [0, 1],
        );
        assert.equal(rules[2].getSignedBy(), 3);
    });

    it("takes the MSP ID as everything before the last dot", () => {
        const gate = parsePolicy("OR('org1.example.com.peer')");
        assert.deepEqual(gate.rules[0], { kind: "principal", mspId: "org1.example.com", role: "peer", position: 3 });
    });

    it("wraps policy text and channel references in ApplicationPolicy", () => {
        const signature = compileApplicationPolicy("OR('Org1MSP.member')");
        assert.equal(signature.getTypeCase(), peer.ApplicationPolicy.TypeCase.SIGNATURE_POLICY);
        assert.equal(
            hex(signature.getSignaturePolicy()!.serializeBinary()),
            hex(compileSignaturePolicy("OR('Org1MSP.member')").serializeBinary()),
        );
        const reference = compileApplicationPolicy("/Channel/Application/Org1MSP/Endorsement");
        assert.equal(reference.getChannelConfigPolicyReference(), "/Channel/Application/Org1MSP/Endorsement");
        assert.equal(formatApplicationPolicy(reference.serializeBinary()), "/Channel/Application/Org1MSP/Endorsement");
        assert.equal(formatApplicationPolicy(new Uint8Array()), "/Channel/Application/Endorsement");
        assert.equal(formatApplicationPolicy(signature.serializeBinary()), "OR('Org1MSP.member')");
    });

    it("keeps the envelope at version 0 and role principals", () => {
        const envelope = common.SignaturePolicyEnvelope.deserializeBinary(
            compileSignaturePolicy("OR('A.orderer')").serializeBinary(),
        );
        assert.equal(envelope.getVersion(), 0);
        assert.equal(
            envelope.getIdentitiesList()[0].getPrincipalClassification(),
            msp.MSPPrincipal.Classification.ROLE,
        );
    });
});

describe("policy errors point at the offending character", () => {
    const cases: Array<{ policy: string; position: number; message: RegExp }> = [
        {
            policy: "OR('Org1MSP.superuser')",
            position: 12,
            message: /unknown role 'superuser'.*member, admin, client, peer, orderer/,
        },
        { policy: "OR('Org1MSP.Member')", position: 12, message: /unknown role 'Member'/ },
        { policy: "OR('Org1MSP')", position: 4, message: /needs the form 'MSPID.role'/ },
        { policy: "FOO('A.member')", position: 0, message: /unknown gate 'FOO'/ },
        { policy: "aNd('A.member')", position: 0, message: /unknown gate 'aNd'/ },
        { policy: "OR(Org1MSP.member)", position: 3, message: /unknown gate 'Org1MSP'.*must be quoted/ },
        { policy: "OR('Org1MSP.member'", position: 19, message: /expected ',' or '\)'.*end of the policy/ },
        { policy: "AND('A.member',)", position: 15, message: /expected a quoted principal.*"\)"/ },
        { policy: "OR('Org_1.member')", position: 7, message: /"_" is not allowed in a principal/ },
        { policy: "OR('A.member'))", position: 14, message: /unexpected "\)" after the end of the policy/ },
        { policy: "OR('A.member') OR('B.member')", position: 15, message: /unexpected "O" after the end/ },
        { policy: "   ", position: 0, message: /the policy is empty/ },
        { policy: "'A.member'", position: 0, message: /must start with a gate/ },
        {
            policy: "OutOf(4, 'A.member', 'B.member')",
            position: 6,
            message: /OutOf threshold 4 must be between 1 and the number of sub-policies \(2\)/,
        },
        {
            policy: "OutOf('A.member', 'B.member')",
            position: 6,
            message: /expected a whole number as the OutOf threshold/,
        },
        { policy: "OR('A.member' 'B.member')", position: 14, message: /expected ',' or '\)'/ },
        { policy: "OR('A.member", position: 3, message: /unterminated principal/ },
    ];
    for (const testCase of cases) {
        it(`${JSON.stringify(testCase.policy)} -> character ${testCase.position + 1}`, () => {
            assert.throws(
                () => parsePolicy(testCase.policy),
                (error: unknown) => {
                    assert.ok(error instanceof PolicySyntaxError, String(error));
                    assert.equal(error.position, testCase.position, error.message);
                    assert.match(error.message, testCase.message);
                    assert.match(error.message, new RegExp(`at character ${testCase.position + 1} `));
                    // The caret line points at the same column.
                    const lines = error.message.split("\n");
                    assert.equal(lines[2].indexOf("^"), testCase.position + 2);
                    return true;
                },
            );
        });
    }

    it("names the setting when a policy is given as a setting", () => {
        assert.throws(
            () => encodeEndorsementPolicy("OR('Org1MSP.boss')", "approval.endorsementPolicy"),
            (error: unknown) => {
                assert.ok(error instanceof InvalidSettingError);
                assert.equal(error.setting, "approval.endorsementPolicy");
                assert.match(error.message, /unknown role 'boss'/);
                return true;
            },
        );
        assert.throws(
            () => encodeEndorsementPolicy("/Channel//Endorsement", "p"),
            /invalid p: "\/Channel\/\/Endorsement"; expected a channel policy path/,
        );
    });
});
