/*
 * Chaincode definitions: the peer's defaults applied up front so that what we
 * send, what the peer stores and what it answers compare equal.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { peer } from "@hyperledger/fabric-protos";
import {
    DEFAULT_ENDORSEMENT_POLICY_REFERENCE,
    definitionDifferences,
    encodeApplicationPolicy,
    encodeDefinition,
    InvalidSettingError,
} from "../../components/fabric";
import { applyDefinition, definitionFromMessage } from "../../components/fabric/chaincode-definition";

const base = { name: "basic", version: "1.0", sequence: 1 };

describe("definition encoding", () => {
    it("fills in escc, vscc and the channel's Endorsement policy", () => {
        const encoded = encodeDefinition(base);
        assert.equal(encoded.endorsementPlugin, "escc");
        assert.equal(encoded.validationPlugin, "vscc");
        const policy = peer.ApplicationPolicy.deserializeBinary(encoded.validationParameter);
        assert.equal(policy.getChannelConfigPolicyReference(), DEFAULT_ENDORSEMENT_POLICY_REFERENCE);
        assert.equal(encoded.initRequired, false);
        assert.equal(encoded.collections.length, 0);
    });

    it("normalises what a peer answers with the same defaults", () => {
        const answer = new peer.lifecycle.QueryChaincodeDefinitionResult();
        answer.setSequence(1);
        answer.setVersion("1.0");
        const fromPeer = definitionFromMessage("basic", answer);
        assert.deepEqual(definitionDifferences(fromPeer, encodeDefinition(base), { includeSequence: true }), []);
    });

    it("lists the fields that differ, with both values", () => {
        const a = encodeDefinition({ ...base, endorsementPolicy: "OR('Org1MSP.member')" });
        const b = encodeDefinition({
            ...base,
            sequence: 2,
            version: "2.0",
            endorsementPolicy: "AND('Org1MSP.member', 'Org2MSP.member')",
            initRequired: true,
            collections: [{ name: "c", policy: "OR('Org1MSP.member')" }],
        });
        assert.deepEqual(definitionDifferences(a, b), [
            'version ("1.0" vs "2.0")',
            "endorsementPolicy (OR('Org1MSP.member') vs AND('Org1MSP.member', 'Org2MSP.member'))",
            "collections",
            "initRequired (false vs true)",
        ]);
        assert.deepEqual(definitionDifferences(a, b, { includeSequence: true })[0], "sequence (1 vs 2)");
    });

    it("treats a policy given as text and the same policy as the peer stores it as equal", () => {
        const text = encodeDefinition({ ...base, endorsementPolicy: "OR('Org1MSP.member', 'Org2MSP.member')" });
        const answer = new peer.lifecycle.QueryApprovedChaincodeDefinitionResult();
        answer.setSequence(1);
        answer.setVersion("1.0");
        answer.setEndorsementPlugin("escc");
        answer.setValidationPlugin("vscc");
        answer.setValidationParameter(encodeApplicationPolicy("OR('Org1MSP.member','Org2MSP.member')"));
        assert.deepEqual(definitionDifferences(text, definitionFromMessage("basic", answer)), []);
    });

    it("fills lifecycle args and leaves collections out when there are none", () => {
        const args = applyDefinition(new peer.lifecycle.CommitChaincodeDefinitionArgs(), encodeDefinition(base));
        assert.equal(args.hasCollections(), false);
        assert.equal(args.getName(), "basic");
        const withCollections = applyDefinition(
            new peer.lifecycle.CommitChaincodeDefinitionArgs(),
            encodeDefinition({ ...base, collections: [{ name: "c", policy: "OR('A.member')" }] }),
        );
        assert.equal(withCollections.getCollections()!.getConfigList().length, 1);
    });

    const bad: Array<[string, object, string]> = [
        ["a name with a dot", { name: "my.cc" }, "definition.name"],
        ["a system chaincode name", { name: "qscc" }, "definition.name"],
        ["a version with a space", { version: "1 0" }, "definition.version"],
        ["sequence 0", { sequence: 0 }, "definition.sequence"],
        ["a fractional sequence", { sequence: 1.5 }, "definition.sequence"],
        ["an unknown role", { endorsementPolicy: "OR('Org1MSP.owner')" }, "definition.endorsementPolicy"],
        [
            "a malformed collection",
            { collections: [{ name: "c", policy: "AND('A.member', 'B.member')" }] },
            "definition.collections[0].policy",
        ],
    ];
    for (const [what, change, setting] of bad) {
        it(`rejects ${what}, naming ${setting}`, () => {
            assert.throws(
                () => encodeDefinition({ ...base, ...change }),
                (error: unknown) => {
                    assert.ok(error instanceof InvalidSettingError, String(error));
                    assert.equal(error.setting, setting);
                    return true;
                },
            );
        });
    }
});
