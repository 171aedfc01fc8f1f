/*
 * Our packages against Fabric's own code: the peer CLI's calculatepackageid
 * parses a package with the same function the peer uses on install
 * (persistence.ParseChaincodePackage) and must print our package ID; the
 * ccaas builder's detect/build/release must accept what it finds inside.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { buildChaincodePackage, readChaincodePackage, type ChaincodePackageInput } from "../../components/packaging";
import { normalizePem } from "../../components/validation/pem";
import { locateFabric } from "../../testenv/network/binaries";
import { testPki } from "../support/pki";

const fabric = locateFabric(undefined, undefined);
const dir = mkdtempSync(join(tmpdir(), "packaging-peer-"));
after(() => rmSync(dir, { recursive: true, force: true }));

function writePackage(name: string, input: ChaincodePackageInput): { file: string; packageId: string } {
    const pkg = buildChaincodePackage(input);
    const file = join(dir, `${name}.tgz`);
    writeFileSync(file, pkg.bytes);
    return { file, packageId: pkg.packageId };
}

function peerPackageId(file: string): string {
    return execFileSync(join(fabric.binDir, "peer"), ["lifecycle", "chaincode", "calculatepackageid", file], {
        encoding: "utf8",
        env: { ...process.env, FABRIC_CFG_PATH: fabric.sampleConfigDir, FABRIC_LOGGING_SPEC: "ERROR" },
        timeout: 30_000,
    }).trim();
}

/** Runs one ccaas builder step; returns its exit status and stderr. */
function builder(step: "detect" | "build" | "release", ...args: string[]) {
    const result = spawnSync(join(fabric.ccaasDir, "bin", step), args, { encoding: "utf8", timeout: 30_000 });
    assert.equal(result.error, undefined);
    return { status: result.status, stderr: result.stderr };
}

/** Lays a package out as the peer hands it to an external builder: metadata dir + extracted code package. */
function layOut(name: string, bytes: Buffer): { source: string; metadata: string } {
    const read = readChaincodePackage(bytes);
    const source = join(dir, name, "source");
    const metadata = join(dir, name, "metadata");
    mkdirSync(source, { recursive: true });
    mkdirSync(metadata, { recursive: true });
    writeFileSync(join(metadata, "metadata.json"), read.metadataJson);
    const code = join(dir, name, "code.tar.gz");
    writeFileSync(code, read.codeTarGz);
    execFileSync("tar", ["-xzf", code, "-C", source]);
    return { source, metadata };
}

describe(`packages against Fabric ${fabric.version}`, () => {
    const pki = testPki();
    const tls = {
        rootCertPem: pki.caCertPem,
        clientAuth: { clientCertPem: pki.clientCertPem, clientKeyPem: pki.clientKeyPem },
    };
    const variants: Array<[string, ChaincodePackageInput]> = [
        ["plain", { label: "basic_1.0", address: "mycc:7052" }],
        [
            "mutual TLS with CouchDB indexes",
            {
                label: "basic_1.0",
                address: "basic.chaincode.svc.cluster.local:7052",
                dialTimeout: "1m30s",
                tls,
                couchDbIndexes: [
                    { name: "indexOwner", definition: '{"index":{"fields":["owner"]},"type":"json"}' },
                    { name: "byColor", collection: "private", definition: { index: { fields: [{ color: "desc" }] } } },
                ],
            },
        ],
        [
            "external type with a path",
            { label: "cc+build.7-rc_1", type: "external", path: "github.com/x/cc", address: "[::1]:9999" },
        ],
    ];

    for (const [what, input] of variants) {
        it(`peer lifecycle chaincode calculatepackageid agrees: ${what}`, () => {
            const { file, packageId } = writePackage(what.replace(/\W+/g, "-"), input);
            assert.equal(peerPackageId(file), packageId);
        });
    }

    it("the peer refuses a package with a bad label, as our reader does", () => {
        const good = buildChaincodePackage({ label: "x", address: "x:1" });
        const file = join(dir, "bad-label.tgz");
        // A package made by the system tar so the label can be anything.
        const root = join(dir, "bad-label");
        mkdirSync(root, { recursive: true });
        writeFileSync(join(root, "metadata.json"), '{"type":"ccaas","label":"-x"}');
        writeFileSync(join(root, "code.tar.gz"), good.codeTarGz);
        execFileSync("tar", ["-czf", file, "-C", root, "metadata.json", "code.tar.gz"]);
        const result = spawnSync(join(fabric.binDir, "peer"), ["lifecycle", "chaincode", "calculatepackageid", file], {
            encoding: "utf8",
            env: { ...process.env, FABRIC_CFG_PATH: fabric.sampleConfigDir },
            timeout: 30_000,
        });
        assert.notEqual(result.status, 0);
        assert.match(result.stderr, /invalid label '-x'/);
        assert.throws(() => readChaincodePackage(readFileSync(file)), /invalid metadata\.json label/);
    });

    it("the ccaas builder detects, builds and releases a mutual-TLS package with indexes", () => {
        const pkg = buildChaincodePackage(variants[1][1]);
        const { source, metadata } = layOut("builder-tls", pkg.bytes);
        const output = join(dir, "builder-tls", "output");
        const release = join(dir, "builder-tls", "release");
        mkdirSync(output);
        mkdirSync(release);
        const detect = builder("detect", source, metadata);
        assert.equal(detect.status, 0, detect.stderr);
        const build = builder("build", source, metadata, output);
        assert.equal(build.status, 0, build.stderr);
        const released = builder("release", output, release);
        assert.equal(released.status, 0, released.stderr);

        // What the peer will read to dial the chaincode server.
        const connection = JSON.parse(readFileSync(join(release, "chaincode", "server", "connection.json"), "utf8"));
        assert.deepEqual(connection, {
            address: "basic.chaincode.svc.cluster.local:7052",
            dial_timeout: "1m30s",
            tls_required: true,
            client_auth_required: true,
            root_cert: normalizePem(pki.caCertPem),
            client_key: normalizePem(pki.clientKeyPem),
            client_cert: normalizePem(pki.clientCertPem),
        });
        // What the peer will give CouchDB.
        assert.ok(existsSync(join(release, "statedb", "couchdb", "indexes", "indexOwner.json")));
        assert.ok(existsSync(join(release, "statedb", "couchdb", "collections", "private", "indexes", "byColor.json")));
    });

    it("the ccaas builder declines an external-type package, so the type reaches it", () => {
        const { source, metadata } = layOut("builder-external", buildChaincodePackage(variants[2][1]).bytes);
        const detect = builder("detect", source, metadata);
        assert.notEqual(detect.status, 0);
        assert.match(detect.stderr, /chaincode type not supported: external/);
    });
});
