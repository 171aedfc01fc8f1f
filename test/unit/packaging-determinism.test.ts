import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildChaincodePackage, type ChaincodePackageInput } from "../../components/packaging";
import { testPki } from "../support/pki";

const packagingModule = join(__dirname, "..", "..", "components", "packaging");
const dir = mkdtempSync(join(tmpdir(), "packaging-determinism-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function fullInput(): ChaincodePackageInput {
    const pki = testPki();
    return {
        label: "basic_1.0",
        address: "basic.chaincode.svc.cluster.local:7052",
        dialTimeout: "1m30s",
        tls: {
            rootCertPem: pki.caCertPem,
            clientAuth: { clientCertPem: pki.clientCertPem, clientKeyPem: pki.clientKeyPem },
        },
        couchDbIndexes: [
            { name: "indexOwner", definition: '{"index":{"fields":["owner"]}}' },
            { name: "byColor", collection: "private", definition: { index: { fields: [{ color: "asc" }] } } },
        ],
    };
}

/** Builds the package in a fresh node process under the given shell prefix and env; returns sha256 and package ID. */
function buildInChild(shellPrefix: string, env: Record<string, string>): { sha256: string; packageId: string } {
    const inputFile = join(dir, "input.json");
    writeFileSync(inputFile, JSON.stringify(fullInput()));
    const script =
        `const p = require(${JSON.stringify(packagingModule)});` +
        `const pkg = p.buildChaincodePackage(JSON.parse(require("fs").readFileSync(${JSON.stringify(inputFile)}, "utf8")));` +
        `const out = require("path").join(${JSON.stringify(dir)}, "pkg-" + process.pid + ".tgz");` +
        // Written to disk and read back, so umask and file handling are part of what is compared.
        `require("fs").writeFileSync(out, pkg.bytes);` +
        `const bytes = require("fs").readFileSync(out);` +
        `console.log(JSON.stringify({ sha256: require("crypto").createHash("sha256").update(bytes).digest("hex"), packageId: pkg.packageId }));`;
    const output = execFileSync("bash", ["-c", `${shellPrefix} exec "$NODE" -e "$SCRIPT"`], {
        encoding: "utf8",
        env: { PATH: process.env.PATH ?? "", NODE: process.execPath, SCRIPT: script, ...env },
        timeout: 30_000,
    });
    return JSON.parse(output);
}

describe("byte stability", () => {
    it("is identical across processes with different time zones, umasks and locales", () => {
        const here = buildChaincodePackage(fullInput());
        const expected = { sha256: createHash("sha256").update(here.bytes).digest("hex"), packageId: here.packageId };
        const runs = [
            buildInChild("umask 022;", { TZ: "UTC", LANG: "C" }),
            buildInChild("umask 077;", { TZ: "Asia/Kolkata", LANG: "de_DE.UTF-8" }),
            buildInChild("umask 000;", { TZ: "America/Los_Angeles", LC_ALL: "tr_TR.UTF-8" }),
            buildInChild("umask 027;", { TZ: "Pacific/Chatham", NODE_ICU_DATA: "" }),
        ];
        for (const run of runs) assert.deepEqual(run, expected);
        assert.equal(expected.packageId, `basic_1.0:${expected.sha256}`);
    });

    it("is identical for repeated builds in one process, hours apart in the mocked clock", (t) => {
        t.mock.timers.enable({ apis: ["Date"], now: 0 });
        const first = buildChaincodePackage(fullInput()).bytes;
        t.mock.timers.tick(36 * 3600 * 1000);
        const second = buildChaincodePackage(fullInput()).bytes;
        assert.deepEqual(second, first);
    });

    it("keeps the byte format of a plain package: a format change would change every deployed package ID", () => {
        // Recorded once from this implementation and confirmed by Fabric's own
        // `peer lifecycle chaincode calculatepackageid` (test/fabric/packaging-peer.test.ts
        // checks the same input against the peer). Change it only on purpose.
        const pkg = buildChaincodePackage({ label: "basic_1.0", address: "mycc:7052" });
        assert.equal(pkg.packageId, "basic_1.0:fd455c6d6328e16bdec5c1069ec2e018dbe5144e69a60dd164c540f7f44ab388");
    });
});
