import { describe, it } from "node:test";
import * as assert from "node:assert/strict";
import { chaincodeEnvironment } from "../../components/kubernetes/environment";
import { chaincodeServerSans, hostOfAddress } from "../../components/tls/chaincode-tls";

describe("chaincodeServerSans", () => {
    it("covers the Service's short, namespaced and cluster names plus the packaged host", () => {
        const sans = chaincodeServerSans("basic", "hlf1", "cc.example.com:9999", ["10.1.2.3"]);
        assert.deepEqual(sans.dnsNames, [
            "basic",
            "basic.hlf1",
            "basic.hlf1.svc",
            "basic.hlf1.svc.cluster.local",
            "cc.example.com",
        ]);
        assert.deepEqual(sans.ipAddresses, ["10.1.2.3"]);
    });

    it("puts IP hosts (v4 and bracketed v6) among the IP SANs and drops duplicates", () => {
        assert.deepEqual(chaincodeServerSans("basic", "hlf1", "127.0.0.1:9999").ipAddresses, ["127.0.0.1"]);
        assert.deepEqual(chaincodeServerSans("basic", "hlf1", "[::1]:9999").ipAddresses, ["::1"]);
        assert.equal(chaincodeServerSans("basic", "hlf1", "basic.hlf1:9999").dnsNames.length, 4);
        assert.equal(hostOfAddress("[fd00::5]:7052"), "fd00::5");
    });
});

describe("chaincodeEnvironment", () => {
    const names = (vars: Array<{ name: string }>) => vars.map((v) => v.name);

    it("sets the ID and address under every language's names", () => {
        const env = chaincodeEnvironment({ packageId: "basic_1.0:ab", port: 9999, tls: false, clientAuth: false });
        const byName = Object.fromEntries(env.map((v) => [v.name, v.value]));
        for (const name of ["CHAINCODE_ID", "CORE_CHAINCODE_ID", "CORE_CHAINCODE_ID_NAME"])
            assert.equal(byName[name], "basic_1.0:ab");
        for (const name of ["CHAINCODE_SERVER_ADDRESS", "CORE_CHAINCODE_ADDRESS"])
            assert.equal(byName[name], "0.0.0.0:9999");
        assert.equal(byName.CHAINCODE_TLS_DISABLED, "true");
        assert.equal(byName.CORE_PEER_TLS_ENABLED, "false");
        assert.ok(!names(env).some((n) => n.includes("CERT")), "no TLS files without TLS");
    });

    it("points Go, Node and Java at the mounted TLS files, and at the client CA only with mutual TLS", () => {
        const tlsOnly = chaincodeEnvironment({ packageId: "x:1", port: 7052, tls: true, clientAuth: false });
        for (const name of [
            "CHAINCODE_TLS_CERT",
            "CORE_CHAINCODE_TLS_CERT_FILE",
            "CORE_TLS_CLIENT_CERT_FILE",
            "CHAINCODE_TLS_KEY_FILE",
        ]) {
            assert.ok(names(tlsOnly).includes(name), name);
        }
        assert.ok(!names(tlsOnly).includes("CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE"));
        const mutual = chaincodeEnvironment({ packageId: "x:1", port: 7052, tls: true, clientAuth: true });
        for (const name of [
            "CHAINCODE_CLIENT_CA_CERT",
            "CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE",
            "CORE_PEER_TLS_ROOTCERT_FILE",
        ]) {
            assert.ok(names(mutual).includes(name), name);
        }
    });

    it("lets extra variables override generated ones without duplicating names", () => {
        const env = chaincodeEnvironment({
            packageId: "x:1",
            port: 1,
            tls: false,
            clientAuth: false,
            extra: { CHAINCODE_ID: "y", LOG: "debug" },
        });
        assert.equal(env.filter((v) => v.name === "CHAINCODE_ID").length, 1);
        assert.equal(env.find((v) => v.name === "CHAINCODE_ID")!.value, "y");
        assert.equal(env.find((v) => v.name === "LOG")!.value, "debug");
    });
});
