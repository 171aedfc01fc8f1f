/*
 * How a client must broadcast depends on the channel's ordering service:
 * the consensus type and the BFT consenter count read from a channel config,
 * and the quorum Fabric's gateway requires of N BFT consenters. The real
 * config of a BFT channel is read in test/fabric/bft.test.ts.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { common, orderer } from "@hyperledger/fabric-protos";
import { bftQuorum, orderingServiceOf } from "../../components/fabric";

function configWith(consensusType: string, consenters: number | undefined): common.Config {
    const ordererGroup = new common.ConfigGroup();
    const consensus = new orderer.ConsensusType();
    consensus.setType(consensusType);
    const consensusValue = new common.ConfigValue();
    consensusValue.setValue(consensus.serializeBinary());
    ordererGroup.getValuesMap().set("ConsensusType", consensusValue);
    if (consenters !== undefined) {
        const mapping = new common.Orderers();
        mapping.setConsenterMappingList(
            Array.from({ length: consenters }, (_, i) => {
                const consenter = new common.Consenter();
                consenter.setId(i + 1);
                consenter.setHost("127.0.0.1");
                consenter.setPort(7050 + i);
                consenter.setMspId("OrdererMSP");
                return consenter;
            }),
        );
        const orderersValue = new common.ConfigValue();
        orderersValue.setValue(mapping.serializeBinary());
        ordererGroup.getValuesMap().set("Orderers", orderersValue);
    }
    const channelGroup = new common.ConfigGroup();
    channelGroup.getGroupsMap().set("Orderer", ordererGroup);
    const config = new common.Config();
    config.setChannelGroup(channelGroup);
    // Through the wire form, as a peer returns it.
    return common.Config.deserializeBinary(config.serializeBinary());
}

describe("the ordering service of a channel config", () => {
    it("reads a BFT channel's consensus type and consenter count", () => {
        assert.deepEqual(orderingServiceOf(configWith("BFT", 4)), { consensusType: "BFT", consenterCount: 4 });
    });

    it("reads a Raft channel as etcdraft with no BFT consenters", () => {
        assert.deepEqual(orderingServiceOf(configWith("etcdraft", undefined)), {
            consensusType: "etcdraft",
            consenterCount: 0,
        });
    });

    it("refuses a config without an orderer section, saying what is missing", () => {
        assert.throws(() => orderingServiceOf(new common.Config()), /no Orderer\/ConsensusType value/);
    });
});

describe("the BFT quorum (Fabric's computeBFTQuorum)", () => {
    it("needs 3 of 4, 5 of 7 and 4 of 6 consenters", () => {
        // f = floor((N-1)/3); Q = ceil((N + f + 1) / 2): any two quorums share f+1 nodes.
        assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 10].map(bftQuorum), [1, 2, 2, 3, 4, 4, 5, 7]);
    });

    it("tolerates exactly f unavailable consenters", () => {
        for (let consenters = 4; consenters <= 31; consenters++) {
            const faults = Math.floor((consenters - 1) / 3);
            assert.ok(consenters - faults >= bftQuorum(consenters), `${consenters} consenters survive ${faults} down`);
            assert.ok(
                2 * bftQuorum(consenters) - consenters >= faults + 1,
                `two quorums of ${consenters} share ${faults + 1}`,
            );
        }
    });
});
