/*
 * The real node's layout and configuration, as written before any daemon
 * starts: each node its own addresses, every path under the node's folder
 * (never the system's containerd, kubelet or CNI paths), the settings the
 * trial on these machines needed, and the host-change check that proves a
 * node left nothing behind.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { existsSync, mkdtempSync, rmSync, utimesSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NODE_SLOTS, nodeAddresses } from "../../testenv/node/addresses";
import { claimSlot, releaseSlot } from "../../testenv/node/slots";
import {
    CNI_PLUGINS_DIR,
    cniConfig,
    containerdConfig,
    corefile,
    kubeletConfig,
    kubeProxyConfig,
    PAUSE_IMAGE,
    registryConfig,
    registryHostsToml,
    systemManifests,
} from "../../testenv/node/config-files";
import { hostChanges, type HostSnapshot } from "../../testenv/node/host-state";
import { nodeLayout } from "../../testenv/node/layout";

const ROOT = "/tmp/ccaas-node-test";

function ipToNumber(ip: string): number {
    return ip.split(".").reduce((value, octet) => value * 256 + Number(octet), 0);
}

function inCidr(ip: string, cidr: string): boolean {
    const [base, bits] = cidr.split("/");
    const mask = bits === "0" ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
    return (ipToNumber(ip) & mask) >>> 0 === (ipToNumber(base) & mask) >>> 0;
}

describe("real node addresses", () => {
    it("gives each slot its own link, pod and Service ranges, all inside 100.64.0.0/10", () => {
        const seen = new Set<string>();
        for (let slot = 0; slot < NODE_SLOTS; slot++) {
            const a = nodeAddresses(slot);
            for (const value of [a.hostLink, a.hostIp, a.nodeIp, a.podCidr, a.serviceCidr]) {
                assert.equal(seen.has(value), false, `${value} is used by two slots`);
                seen.add(value);
            }
            for (const ip of [a.hostIp, a.nodeIp, a.podGateway, a.apiServiceIp, a.dnsServiceIp])
                assert.ok(inCidr(ip, "100.64.0.0/10"), ip);
            assert.ok(inCidr(a.hostIp, `${a.nodeIp}/30`), "host and node share the /30 link");
            assert.ok(inCidr(a.podGateway, a.podCidr));
            assert.ok(inCidr(a.apiServiceIp, a.serviceCidr) && inCidr(a.dnsServiceIp, a.serviceCidr));
            assert.ok(a.hostLink.length <= 15, "a Linux interface name has at most 15 characters");
        }
    });

    it("refuses a slot outside the range, naming it", () => {
        assert.throws(() => nodeAddresses(NODE_SLOTS), /invalid slot: 64; expected an integer from 0 to 63/);
        assert.throws(() => nodeAddresses(1.5), /invalid slot: 1\.5/);
    });

    it("claims the first slot with no host link and no claim, one per node however many start at once, and gives it back", () => {
        const dir = mkdtempSync(join(tmpdir(), "ccaas-slots-"));
        try {
            const claims = `${dir}/claims`;
            const links = ["lo", "eth0", "ccaasnode0"];
            const hostLinks = () => links;
            const taken = Array.from({ length: 3 }, () => claimSlot({ dir: claims, hostLinks }));
            assert.deepEqual(taken, [1, 2, 3], "the slot with a host link is skipped; each claim takes a new slot");
            releaseSlot(2, claims);
            assert.equal(claimSlot({ dir: claims, hostLinks }), 2, "a released slot is free again");
            // A claim whose creator died before making its link is taken over once it is old.
            utimesSync(`${claims}/1`, new Date(0), new Date(0));
            assert.equal(claimSlot({ dir: claims, hostLinks }), 1);
            for (const slot of [1, 2, 3]) releaseSlot(slot, claims);
            assert.equal(existsSync(claims), false, "the last release removes the claims folder");
            const all = () => Array.from({ length: NODE_SLOTS }, (_, slot) => nodeAddresses(slot).hostLink);
            assert.throws(() => claimSlot({ dir: claims, hostLinks: all }), /all 64 node slots are taken/);
        } finally {
            rmSync(dir, { recursive: true, force: true });
        }
    });
});

describe("real node configuration files", () => {
    const a = nodeAddresses(3);
    const l = nodeLayout(ROOT);

    it("containerd keeps its root, state, socket, runc state, opt and registry hosts under the node's folder", () => {
        const toml = containerdConfig(l);
        const paths = [...toml.matchAll(/"(\/[^"]*)"/g)].map((match) => match[1]);
        assert.ok(paths.length >= 7);
        for (const path of paths) {
            assert.ok(path.startsWith(`${ROOT}/`) || path === CNI_PLUGINS_DIR, `${path} is outside the node's folder`);
        }
        assert.doesNotMatch(toml, /\/var\/lib\/containerd|\/run\/containerd|\/etc\/containerd|\/opt\/cni/);
        assert.match(toml, /^\s*restrict_oom_score_adj = true$/m);
        assert.match(toml, /^\s*SystemdCgroup = false$/m);
        assert.match(toml, new RegExp(`sandbox_image = "${PAUSE_IMAGE}"`));
    });

    it("containerd pulls from the node's registry over plain HTTP on the node's own address only", () => {
        const hosts = registryHostsToml(a);
        assert.match(hosts, new RegExp(`^server = "http://${a.nodeIp}:5000"$`, "m"));
        assert.match(hosts, /capabilities = \["pull", "resolve"\]/);
        assert.match(registryConfig(a, l), new RegExp(`addr: ${a.nodeIp}:5000`));
    });

    it("the pod network is a bridge with addresses from the node's pod range kept in the node's folder", () => {
        const config = JSON.parse(cniConfig(a, l));
        const bridge = config.plugins[0];
        assert.equal(bridge.type, "bridge");
        assert.equal(bridge.isGateway, true);
        assert.equal(bridge.ipam.dataDir, l.cniState);
        assert.deepEqual(bridge.ipam.ranges, [[{ subnet: a.podCidr, gateway: a.podGateway }]]);
    });

    it("the kubelet uses cgroupfs in the node's own cgroup subtree, the node's DNS, and its folder for logs and resolv.conf", () => {
        const yaml = kubeletConfig(a, l, "/ccaas-node3", {
            caFile: `${ROOT}/pki/ca.crt`,
            servingCertFile: `${ROOT}/pki/k.crt`,
            servingKeyFile: `${ROOT}/pki/k.key`,
        });
        assert.match(yaml, /^cgroupDriver: cgroupfs$/m);
        assert.match(yaml, /^cgroupRoot: "\/ccaas-node3"$/m);
        assert.match(yaml, new RegExp(`^  - ${a.dnsServiceIp.replace(/\./g, "\\.")}$`, "m"));
        assert.match(yaml, new RegExp(`^containerRuntimeEndpoint: "unix://${l.containerdSocket}"$`, "m"));
        assert.match(yaml, new RegExp(`^podLogsDir: "${l.podLogs}"$`, "m"));
        assert.match(yaml, /^ {2}anonymous:\n {4}enabled: false$/m);
        assert.match(yaml, /^readOnlyPort: 0$/m);
    });

    it("kube-proxy leaves the machine-wide conntrack limit alone and knows the pod range", () => {
        const yaml = kubeProxyConfig(a, `${ROOT}/kubeconfig/kube-proxy.yaml`);
        assert.match(yaml, /^ {2}maxPerCore: 0$/m);
        assert.match(yaml, new RegExp(`^clusterCIDR: ${a.podCidr}$`, "m"));
        assert.match(yaml, /^mode: iptables$/m);
    });

    it("CoreDNS answers only for the cluster's zone, on the node's address", () => {
        const text = corefile(a, `${ROOT}/kubeconfig/coredns.yaml`);
        assert.match(text, new RegExp(`bind ${a.nodeIp}`));
        assert.match(text, /kubernetes cluster\.local in-addr\.arpa ip6\.arpa/);
        assert.doesNotMatch(text, /forward/, "no upstream: names outside the cluster are not resolved anywhere");
    });

    it("the cluster DNS Service has the kubelet's DNS address and the node's address as its endpoint", () => {
        const manifests = systemManifests(a);
        assert.match(manifests, new RegExp(`clusterIP: ${a.dnsServiceIp}`));
        assert.match(manifests, new RegExp(`addresses: \\[${a.nodeIp}\\]`));
        assert.match(manifests, /name: ccaas:kube-router[\s\S]*networkpolicies/);
    });
});

describe("host changes", () => {
    const empty: HostSnapshot = {
        links: [],
        addresses: [],
        routes: [],
        namedNetworkNamespaces: [],
        mounts: [],
        iptables: [],
        nftables: [],
        cgroups: [],
    };

    it("lists what a node added or removed, and nothing when the host is as it was", () => {
        const before = { ...empty, links: ["lo", "eth0"], iptables: ["-A INPUT -j ACCEPT"] };
        assert.deepEqual(hostChanges(before, { ...before }), []);
        const after = {
            ...before,
            links: ["lo", "eth0", "ccaasnode0"],
            iptables: [],
            cgroups: ["/sys/fs/cgroup/pids/ccaas-node0"],
        };
        assert.deepEqual(hostChanges(before, after).sort(), [
            "+ cgroups: /sys/fs/cgroup/pids/ccaas-node0",
            "+ links: ccaasnode0",
            "- iptables: -A INPUT -j ACCEPT",
        ]);
    });
});
