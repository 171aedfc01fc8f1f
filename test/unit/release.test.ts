import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import {
    defaultAddressTemplate,
    planReleases,
    releaseAddress,
    releaseKeyInAddress,
    releaseKeyOf,
    checkAddressTemplate,
    type ReleaseContent,
} from "../../components/release/release-plan";

const content: ReleaseContent = {
    label: "basic_1.0",
    type: "ccaas",
    dialTimeout: "10s",
    tls: "mutual",
    indexFiles: {},
    clientGeneration: 1,
};
const template = defaultAddressTemplate("basic", "hlf1", 9999);

describe("release keys", () => {
    it("change with everything the package holds apart from the address and the PEMs", () => {
        const key = releaseKeyOf(content);
        assert.match(key, /^[0-9a-f]{8}$/);
        assert.equal(releaseKeyOf({ ...content }), key, "same content, same key");
        const variants: ReleaseContent[] = [
            { ...content, label: "basic_1.1" },
            { ...content, type: "external" },
            { ...content, dialTimeout: "5s" },
            { ...content, tls: "server" },
            { ...content, tls: "none" },
            { ...content, indexFiles: { "META-INF/statedb/couchdb/indexes/owner.json": "ab" } },
            { ...content, clientGeneration: 2 },
        ];
        const keys = new Set([key, ...variants.map(releaseKeyOf)]);
        assert.equal(keys.size, variants.length + 1);
    });

    it("do not depend on the order the index files are listed in", () => {
        const a = { "META-INF/a.json": "1", "META-INF/b.json": "2" };
        const b = { "META-INF/b.json": "2", "META-INF/a.json": "1" };
        assert.equal(releaseKeyOf({ ...content, indexFiles: a }), releaseKeyOf({ ...content, indexFiles: b }));
    });
});

describe("release addresses", () => {
    it("put the key in the host and read it back only from an address of the same template", () => {
        assert.equal(template, "basic-{release}.hlf1:9999");
        const address = releaseAddress(template, "0123abcd");
        assert.equal(address, "basic-0123abcd.hlf1:9999");
        assert.equal(releaseKeyInAddress(template, address), "0123abcd");
        assert.equal(releaseKeyInAddress(template, "basic.hlf1:9999"), undefined);
        assert.equal(releaseKeyInAddress(template, "basic-0123abcd.hlf2:9999"), undefined);
        assert.equal(releaseKeyInAddress("{release}.cc.example.com:443", "0123abcd.cc.example.com:443"), "0123abcd");
    });

    it("reject an address without {release}, naming the setting and what is accepted", () => {
        assert.throws(
            () => checkAddressTemplate("address", "cc.example.com:443"),
            /invalid address: "cc\.example\.com:443"; expected host:port with \{release\} in the host/,
        );
    });
});

describe("which servers a stack declares", () => {
    const live = (address: string, replacedInThisUpdate = false) => ({
        packageId: "basic_1.0:aa",
        address,
        sequence: 1,
        replacedInThisUpdate,
    });

    it("only the declared one when nothing is committed, or the channel runs it", () => {
        assert.deepEqual(planReleases("basic", template, "0000aaaa", undefined).releases, [
            { key: "0000aaaa", role: "declared" },
        ]);
        const same = planReleases("basic", template, "0000aaaa", live("basic-0000aaaa.hlf1:9999"));
        assert.deepEqual(same.releases, [{ key: "0000aaaa", role: "declared" }]);
    });

    it("the live one beside it while the channel runs another package, with what it means", () => {
        const plan = planReleases("basic", template, "1111bbbb", live("basic-0000aaaa.hlf1:9999"));
        assert.deepEqual(plan.releases, [
            { key: "1111bbbb", role: "declared" },
            { key: "0000aaaa", role: "live", packageId: "basic_1.0:aa" },
        ]);
        assert.match(
            plan.summary,
            /release 1111bbbb starts beside release 0000aaaa, which this org's peers run for the committed sequence 1/,
        );
    });

    it("not the live one when this update switches the peers to the declared package", () => {
        const plan = planReleases("basic", template, "1111bbbb", live("basic-0000aaaa.hlf1:9999", true));
        assert.deepEqual(plan.releases, [{ key: "1111bbbb", role: "declared" }]);
        assert.match(plan.summary, /deleted at its end, once the new package is live and the smoke check passed/);
    });

    it("the server from before releases, under its old names, while the channel runs its package", () => {
        const plan = planReleases("basic", template, "1111bbbb", live("basic.hlf1:9999"), "basic.hlf1:9999");
        assert.deepEqual(
            plan.releases.map((r) => [r.key, r.role]),
            [
                ["1111bbbb", "declared"],
                ["", "live"],
            ],
        );
        assert.match(plan.summary, /beside the server from before releases/);
    });

    it("nothing it does not own: a live package at a foreign address is named, not served", () => {
        const plan = planReleases("basic", template, "1111bbbb", live("cc.elsewhere:7052"), "basic.hlf1:9999");
        assert.deepEqual(
            plan.releases.map((r) => r.role),
            ["declared"],
        );
        assert.match(
            plan.summary,
            /runs package basic_1\.0:aa at cc\.elsewhere:7052 .*not served by this stack's address scheme/,
        );
    });
});
