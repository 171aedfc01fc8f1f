import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidSettingError } from "../../components/validation/errors";
import {
    goDurationMilliseconds,
    parseHostPort,
    checkChaincodeLabel,
    checkChaincodeName,
    checkChaincodeVersion,
    checkCollectionName,
    checkGoDuration,
    checkHost,
    checkHostPort,
    checkPort,
} from "../../components/validation/fabric";

/** Asserts an InvalidSettingError that names the setting and the value. */
function assertRejects(fn: () => unknown, setting: string, value: unknown, acceptedPart: RegExp): void {
    assert.throws(fn, (err: unknown) => {
        assert.ok(err instanceof InvalidSettingError, `expected InvalidSettingError, got ${String(err)}`);
        assert.equal(err.setting, setting);
        assert.deepEqual(err.value, value);
        assert.match(err.accepted, acceptedPart);
        assert.ok(err.message.startsWith(`invalid ${setting}: `), err.message);
        return true;
    });
}

describe("checkChaincodeLabel (Fabric's ^[[:alnum:]][[:alnum:]_.+-]*$)", () => {
    for (const good of ["basic", "basic_1.0", "a", "9lives", "cc+build.7-rc_1", "A-Z"]) {
        it(`accepts ${JSON.stringify(good)}`, () => assert.equal(checkChaincodeLabel("label", good), good));
    }
    for (const bad of ["", "_basic", ".x", "-x", "+x", "basic:1", "ba sic", "bäsic", "basic/1", "basic\n", "a@b"]) {
        it(`rejects ${JSON.stringify(bad)} naming setting, value and rule`, () =>
            assertRejects(() => checkChaincodeLabel("label", bad), "label", bad, /\[\[:alnum:\]\]/));
    }
    it("rejects non-strings", () => assertRejects(() => checkChaincodeLabel("label", 7), "label", 7, /label/));
    it("puts the value in the message", () =>
        assert.throws(
            () => checkChaincodeLabel("cc.label", "_x"),
            /^InvalidSettingError: invalid cc\.label: "_x"; expected/,
        ));
});

describe("chaincode name, version and collection name", () => {
    it("accepts names like Fabric's _lifecycle", () => {
        for (const good of ["basic", "asset-transfer", "a_b-c9"]) assert.equal(checkChaincodeName("name", good), good);
    });
    it("rejects names Fabric rejects", () => {
        for (const bad of ["-a", "a-", "a--b", "a.b", "", "a b"])
            assertRejects(() => checkChaincodeName("name", bad), "name", bad, /chaincode name/);
    });
    it("accepts and rejects versions", () => {
        assert.equal(checkChaincodeVersion("version", "1.0+build_2-x"), "1.0+build_2-x");
        for (const bad of ["", "1.0 beta", "v/1"])
            assertRejects(() => checkChaincodeVersion("version", bad), "version", bad, /version/);
    });
    it("accepts and rejects collection names", () => {
        for (const good of ["private", "-x", "org1_private-data"]) assert.equal(checkCollectionName("c", good), good);
        for (const bad of ["_x", "", "a.b", "a/b"])
            assertRejects(() => checkCollectionName("c", bad), "c", bad, /collection name/);
    });
});

describe("hosts, ports and host:port addresses", () => {
    it("accepts DNS names, IPv4 and bracketed IPv6 hosts", () => {
        for (const good of [
            "mycc",
            "mycc.chaincode.svc.cluster.local",
            "peer0_basic",
            "127.0.0.1",
            "[::1]",
            "[2001:db8::7]",
            "a".repeat(63),
        ]) {
            assert.equal(checkHost("host", good), good);
        }
    });
    it("rejects hosts that cannot be dialled", () => {
        for (const bad of [
            "",
            "-mycc",
            "mycc-",
            "my cc",
            "my..cc",
            "a".repeat(64),
            "999.1.1.1",
            "1.2.3",
            "::1",
            "[mycc]",
            "{{.peername}}",
            "my/cc",
        ]) {
            assertRejects(() => checkHost("host", bad), "host", bad, /DNS name/);
        }
    });
    it("accepts ports 1-65535 as numbers or decimal strings", () => {
        assert.equal(checkPort("port", 1), 1);
        assert.equal(checkPort("port", "65535"), 65535);
        for (const bad of [0, 65536, -1, 7052.5, "07052", "", "70 52", "0x1b8c"]) {
            assertRejects(() => checkPort("port", bad), "port", bad, /1 to 65535/);
        }
    });
    it("splits host:port, IPv6 in brackets", () => {
        assert.deepEqual(parseHostPort("address", "mycc.ns.svc:7052"), { host: "mycc.ns.svc", port: 7052 });
        assert.deepEqual(parseHostPort("address", "[::1]:9999"), { host: "[::1]", port: 9999 });
        assert.equal(checkHostPort("address", "10.0.0.2:7052"), "10.0.0.2:7052");
    });
    it("rejects bad addresses, naming the whole address", () => {
        for (const bad of [
            "mycc",
            "mycc:",
            ":7052",
            "mycc:0",
            "mycc:65536",
            "::1:7052",
            "mycc:7052:1",
            "http://mycc:7052",
            "my cc:7052",
        ]) {
            assertRejects(() => checkHostPort("address", bad), "address", bad, /host:port/);
        }
    });
});

describe("checkGoDuration (time.ParseDuration syntax, positive)", () => {
    const cases: Array<[string, number]> = [
        ["500ms", 500],
        ["10s", 10_000],
        ["1m30s", 90_000],
        ["1h", 3_600_000],
        ["1.5s", 1_500],
        [".5s", 500],
        ["1500us", 1.5],
        ["1500\u00b5s", 1.5],
        ["2000000ns", 2],
        ["1h2m3s4ms", 3_723_004],
    ];
    for (const [text, ms] of cases) {
        it(`accepts ${text} as ${ms} ms`, () => {
            assert.equal(checkGoDuration("dialTimeout", text), text);
            assert.ok(Math.abs(goDurationMilliseconds("dialTimeout", text) - ms) < 1e-9);
        });
    }
    for (const bad of [
        "",
        "10",
        "0s",
        "0",
        "-1s",
        "+1s",
        "1 s",
        "1sec",
        "s",
        ".s",
        "1.2.3s",
        "1d",
        "10S",
        "3000000h",
    ]) {
        it(`rejects ${JSON.stringify(bad)}`, () =>
            assertRejects(() => checkGoDuration("dialTimeout", bad), "dialTimeout", bad, /Go duration/));
    }
});
