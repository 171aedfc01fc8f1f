/*
 * The real Fabric test network: a Raft orderer and three peers of two orgs,
 * started as processes. Checks that the channel is joined everywhere, that
 * peers find each other and carry the ccaas builder, that start/stop leave
 * nothing behind, and that every failure names the component and its log.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import * as os from "node:os";
import * as path from "node:path";
import * as tls from "node:tls";
import { after, before, describe, it } from "node:test";
import { InvalidSettingError } from "../../components/validation/errors";
import {
    ComponentError,
    type FabricNetwork,
    ordererChannelInfo,
    peerCliEnv,
    peerCount,
    portCount,
    portLayout,
    runPeerCli,
    startNetwork,
    channelHeight,
} from "../../testenv/network";
import { defaultFabricVersion } from "../../testenv/network/binaries";
import { canBind, findFreePortBlock } from "../../testenv/network/ports";
import { pidAlive } from "../../testenv/network/processes";
import { metricSample } from "../../testenv/network/readiness";
import { printLogsOnFailure } from "../support/failure-logs";

const cliScript = path.resolve(__dirname, "../../testenv/network/cli.js");

/** PIDs of live processes whose environment points at this data dir (only a network's own nodes do). */
function processesUsing(dataDir: string): number[] {
    const marker = `FABRIC_CFG_PATH=${path.join(dataDir, "config")}`;
    const found: number[] = [];
    for (const entry of fs.readdirSync("/proc")) {
        if (!/^\d+$/.test(entry) || Number(entry) === process.pid || !pidAlive(Number(entry))) continue;
        try {
            if (fs.readFileSync(`/proc/${entry}/environ`, "utf8").split("\0").includes(marker))
                found.push(Number(entry));
        } catch {
            // gone meanwhile, or not ours to read
        }
    }
    return found;
}

function portOf(endpoint: string): number {
    return Number(new URL(endpoint.includes("://") ? endpoint : `tcp://${endpoint}`).port);
}

/** Every loopback port the network's nodes listen on. */
function portsOf(network: FabricNetwork): number[] {
    const { orderer } = network;
    return [
        orderer.endpoint,
        orderer.adminEndpoint,
        orderer.operationsUrl,
        ...network.peers.flatMap((peer) => [peer.endpoint, peer.chaincodeEndpoint, peer.operationsUrl]),
    ].map(portOf);
}

/** The data dir of a failed start, from the log file its error names (the logs are kept, the rest removed). */
function dataDirOfLog(logFile: string): string {
    return path.dirname(path.dirname(logFile));
}

async function metric(operationsUrl: string, name: string, channel: string): Promise<number | undefined> {
    return metricSample(await (await fetch(`${operationsUrl}/metrics`)).text(), name, { channel });
}

/** Completes a TLS handshake with `servername` checked against the cert; client cert of the peer's org when given. */
function tlsHandshake(
    endpoint: string,
    caPem: string,
    checkAs: string,
    client?: { certPem: string; keyPem: string },
): Promise<void> {
    return new Promise((resolve, reject) => {
        const socket = tls.connect({
            host: "127.0.0.1",
            port: portOf(endpoint),
            ca: caPem,
            servername: checkAs === "127.0.0.1" ? undefined : checkAs,
            cert: client?.certPem,
            key: client?.keyPem,
            ALPNProtocols: ["h2"],
            timeout: 5000,
        });
        socket.once("secureConnect", () => {
            socket.end();
            resolve();
        });
        socket.once("error", reject);
        socket.once("timeout", () => socket.destroy(new Error(`TLS handshake with ${endpoint} timed out`)));
    });
}

/** A ccaas package whose connection.json address is a template the builder fills from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG. */
function templatedCcaasPackage(dir: string): string {
    const root = path.join(dir, "pkg");
    fs.mkdirSync(path.join(root, "code"), { recursive: true });
    fs.writeFileSync(
        path.join(root, "code", "connection.json"),
        JSON.stringify({ address: "{{.peername}}.chaincode.test:7052", dial_timeout: "10s", tls_required: false }),
    );
    execFileSync("tar", ["-czf", path.join(root, "code.tar.gz"), "-C", path.join(root, "code"), "connection.json"]);
    fs.writeFileSync(path.join(root, "metadata.json"), JSON.stringify({ type: "ccaas", label: "netcheck" }));
    const file = path.join(dir, "netcheck.tgz");
    execFileSync("tar", ["-czf", file, "-C", root, "metadata.json", "code.tar.gz"]);
    return file;
}

/** The connection.json the ccaas builder released for an installed package on a peer. */
function releasedConnection(network: FabricNetwork, peerName: string, label: string): { address: string } {
    const builds = path.join(network.dataDir, "nodes", peerName, "production", "externalbuilder", "builds");
    const build = fs.readdirSync(builds).find((entry) => entry.startsWith(`${label}`));
    assert.ok(build, `no ${label} build under ${builds}`);
    return JSON.parse(
        fs.readFileSync(path.join(builds, build, "release", "chaincode", "server", "connection.json"), "utf8"),
    );
}

describe("a started network (client auth off)", () => {
    let network: FabricNetwork;
    printLogsOnFailure(() => ({ network }));
    let scratch: string;

    before(async () => {
        scratch = fs.mkdtempSync(path.join(os.tmpdir(), "network-test-"));
        network = await startNetwork();
    });
    after(async () => {
        await network?.stop();
        if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("has the agreed shape: Org1MSP with two peers, Org2MSP with one, one orderer", () => {
        assert.deepEqual(
            network.orgs.map((org) => [org.mspId, org.peers.map((peer) => peer.name)]),
            [
                ["Org1MSP", ["peer0.org1.example.com", "peer1.org1.example.com"]],
                ["Org2MSP", ["peer0.org2.example.com"]],
            ],
        );
        assert.equal(network.channel, "mychannel");
        assert.equal(network.clientAuthRequired, false);
        assert.equal(new Set(portsOf(network)).size, portCount(peerCount), "every listener has its own port");
        for (const org of network.orgs) {
            assert.match(org.admin.certPem, /BEGIN CERTIFICATE/);
            assert.match(org.admin.keyPem, /PRIVATE KEY/);
            assert.ok(
                fs.existsSync(path.join(org.admin.mspDir, "signcerts")),
                `${org.mspId} admin MSP dir ${org.admin.mspDir}`,
            );
        }
    });

    it("every peer reports the channel (peer channel getinfo as the org admin) and the orderer is its consenter", async () => {
        for (const peer of network.peers) {
            const height = await channelHeight(network, peer, network.channel);
            assert.ok(height >= 1, `${peer.name} height ${height}`);
        }
        const info = await ordererChannelInfo(network.orderer, network.channel);
        assert.equal(info.name, network.channel);
        assert.equal(info.consensusRelation, "consenter");
        assert.equal(info.status, "active");
        assert.ok(info.height >= 1);
    });

    it("every peer knows the two others on the channel through gossip (anchor peers in the genesis block)", async () => {
        for (const peer of network.peers) {
            assert.equal(
                await metric(peer.operationsUrl, "gossip_membership_total_peers_known", network.channel),
                2,
                peer.name,
            );
        }
    });

    it("every node's TLS cert is valid for 127.0.0.1 and localhost", async () => {
        const org1 = network.orgs[0];
        for (const checkAs of ["127.0.0.1", "localhost"]) {
            for (const org of network.orgs) {
                for (const peer of org.peers) await tlsHandshake(peer.endpoint, peer.tlsCaPem, checkAs);
            }
            await tlsHandshake(network.orderer.endpoint, network.orderer.tlsCaPem, checkAs, org1.clientTls);
        }
        // A name the cert does not carry is refused, so the checks above mean something.
        await assert.rejects(
            tlsHandshake(network.peers[0].endpoint, network.peers[0].tlsCaPem, "elsewhere.example.org"),
            /altnames|Hostname/i,
        );
    });

    it("a peer accepts a client without a TLS client cert when client auth is off", async () => {
        const peer = network.peers[0];
        const env = { ...peerCliEnv(network, peer), CORE_PEER_TLS_CLIENTAUTHREQUIRED: "false" };
        const result = spawnSync(path.join(network.binDir, "peer"), ["channel", "getinfo", "-c", network.channel], {
            env,
            encoding: "utf8",
            timeout: 30_000,
        });
        assert.equal(result.status, 0, result.stderr);
    });

    it("every peer builds ccaas packages with the ccaas builder, given its own peername", async () => {
        const file = templatedCcaasPackage(scratch);
        for (const peer of network.peers) {
            await runPeerCli(network, peer, ["lifecycle", "chaincode", "install", file], 60_000);
            const expected = `${peer.name.split(".").slice(0, 2).join("")}.chaincode.test:7052`; // peer0.org1... -> peer0org1
            assert.equal(releasedConnection(network, peer.name, "netcheck").address, expected, peer.name);
        }
    });
});

describe("start and stop", () => {
    it("two start/stop cycles in one process leave no process, bound port or data behind", async () => {
        for (let cycle = 1; cycle <= 2; cycle++) {
            const network = await startNetwork();
            const pids = [network.orderer.pid, ...network.peers.map((peer) => peer.pid)];
            const ports = portsOf(network);
            assert.ok(pids.every(pidAlive), `cycle ${cycle}: all node processes run`);
            assert.deepEqual(
                processesUsing(network.dataDir).sort(),
                [...pids].sort(),
                `cycle ${cycle}: exactly the reported PIDs run`,
            );
            for (const port of ports)
                assert.equal(await canBind(port), false, `cycle ${cycle}: port ${port} is in use while up`);

            await network.stop();
            assert.deepEqual(pids.filter(pidAlive), [], `cycle ${cycle}: PIDs gone`);
            for (const port of ports)
                assert.equal(await canBind(port), true, `cycle ${cycle}: port ${port} free again`);
            assert.equal(fs.existsSync(network.dataDir), false, `cycle ${cycle}: data dir removed`);
            await network.stop(); // a second stop is harmless
        }
    });

    it("a process that exits without calling stop() takes its network with it", async () => {
        const script = `require(${JSON.stringify(path.resolve(__dirname, "../../testenv/network"))}).startNetwork().then((n) => {
            console.log(JSON.stringify({ pids: [n.orderer.pid, ...n.peers.map((p) => p.pid)], dataDir: n.dataDir }));
            process.exit(0);
        });`;
        const child = spawnSync(process.execPath, ["-e", script], { encoding: "utf8", timeout: 120_000 });
        assert.equal(child.status, 0, child.stderr);
        const { pids, dataDir } = JSON.parse(child.stdout) as { pids: number[]; dataDir: string };
        assert.equal(pids.length, 1 + peerCount);
        // SIGKILLed at exit; give the kernel a moment to tear them down.
        for (let wait = 0; wait < 50 && pids.some(pidAlive); wait++)
            await new Promise((resolve) => setTimeout(resolve, 100));
        assert.deepEqual(pids.filter(pidAlive), []);
        assert.equal(fs.existsSync(dataDir), false, "data dir removed at exit");
    });

    it("with client auth required, the channel is joined and a client without a TLS client cert is refused", async () => {
        const network = await startNetwork({ clientAuthRequired: true });
        try {
            assert.equal(network.clientAuthRequired, true);
            for (const peer of network.peers) {
                assert.ok((await channelHeight(network, peer, network.channel)) >= 1, peer.name);
            }
            assert.equal((await ordererChannelInfo(network.orderer, network.channel)).status, "active");
            const peer = network.peers[2];
            const env = { ...peerCliEnv(network, peer), CORE_PEER_TLS_CLIENTAUTHREQUIRED: "false" };
            const result = spawnSync(path.join(network.binDir, "peer"), ["channel", "getinfo", "-c", network.channel], {
                env,
                encoding: "utf8",
                timeout: 30_000,
            });
            assert.notEqual(result.status, 0, "getinfo without a client cert must fail");
        } finally {
            await network.stop();
        }
    });
});

describe("failures name the component and its log", () => {
    async function expectComponentFailure(
        start: Promise<FabricNetwork>,
        component: string,
        problem: RegExp,
    ): Promise<void> {
        let caught: unknown;
        try {
            const network = await start;
            await network.stop();
        } catch (error) {
            caught = error;
        }
        assert.ok(caught instanceof ComponentError, `expected a ComponentError, got ${String(caught)}`);
        const dataDir = dataDirOfLog(caught.logFile);
        try {
            assert.equal(caught.component, component);
            assert.match(caught.message, new RegExp(`^${component.replace(/\./g, "\\.")}: `));
            assert.match(caught.message, problem);
            assert.ok(caught.message.includes(`log file: ${caught.logFile}`), "names the log file");
            assert.equal(path.basename(caught.logFile), `${component}.log`);
            assert.ok(fs.existsSync(caught.logFile), "the named log file is kept");
            const tail = caught.logTail.split("\n");
            assert.ok(tail.length >= 1 && tail.length <= 20, `a tail of up to 20 lines, got ${tail.length}`);
            assert.ok(
                tail.every((line) => caught.message.includes(line)),
                "shows the log's tail",
            );
            assert.ok(
                fs.readFileSync(caught.logFile, "utf8").includes(tail.join("\n")),
                "the tail is a piece of the log",
            );
            assert.deepEqual(processesUsing(dataDir), [], "no process of the failed start is left");
            assert.deepEqual(fs.readdirSync(dataDir), ["logs"], "only the logs are kept");
        } finally {
            fs.rmSync(dataDir, { recursive: true, force: true });
        }
    }

    it("a port already taken fails naming the peer that could not listen", async () => {
        const basePort = await findFreePortBlock(portCount(peerCount));
        const taken = portLayout(basePort, peerCount).peers[1].listen; // peer1.org1's gRPC port
        // Drops whatever connects (our readiness probe), so close() below does not wait for idle sockets.
        const squatter = net.createServer((socket) => socket.destroy());
        await new Promise<void>((resolve) => squatter.listen({ host: "127.0.0.1", port: taken }, resolve));
        try {
            await expectComponentFailure(
                startNetwork({ basePort }),
                "peer1.org1.example.com",
                new RegExp(`127\\.0\\.0\\.1:${taken}.*address already in use`, "s"),
            );
            for (const port of [
                basePort,
                basePort + 1,
                basePort + 2,
                portLayout(basePort, peerCount).peers[0].listen,
            ]) {
                assert.equal(await canBind(port), true, `port ${port} released`);
            }
        } finally {
            await new Promise((resolve) => squatter.close(resolve));
        }
    });

    it("a missing binary names the binary and the build command", async () => {
        const emptyCache = fs.mkdtempSync(path.join(os.tmpdir(), "network-empty-cache-"));
        try {
            await assert.rejects(startNetwork({ cacheDir: emptyCache }), (error: Error) => {
                assert.match(error.message, /binary "peer" is missing/);
                const version = process.env.FABRIC_VERSION ?? defaultFabricVersion;
                assert.ok(
                    error.message.includes(path.join(emptyCache, "fabric", version, "bin", "peer")),
                    error.message,
                );
                assert.match(error.message, /npm run fabric:build/);
                return true;
            });
            assert.deepEqual(fs.readdirSync(emptyCache), [], "nothing was written");
        } finally {
            fs.rmSync(emptyCache, { recursive: true, force: true });
        }
    });

    it("a bad channel name is refused before anything is created", async () => {
        const dataDir = path.join(os.tmpdir(), `network-never-created-${process.pid}`);
        await assert.rejects(startNetwork({ channel: "My_Channel", dataDir }), (error: Error) => {
            assert.ok(error instanceof InvalidSettingError);
            assert.match(error.message, /invalid channel: "My_Channel"; expected a name of 1 to 249 characters/);
            return true;
        });
        assert.equal(fs.existsSync(dataDir), false);
    });

    it("a peer that cannot join the channel is named with its log", async () => {
        await expectComponentFailure(
            startNetwork({ testFaults: { corruptChannelBlockFor: "peer0.org2.example.com" } }),
            "peer0.org2.example.com",
            /peer channel join failed/,
        );
    });

    it("an orderer that refuses the channel block is named with its log", async () => {
        await expectComponentFailure(
            startNetwork({ testFaults: { corruptChannelBlockFor: "orderer.example.com" } }),
            "orderer.example.com",
            /channel join at https:\/\/127\.0\.0\.1:\d+\/participation\/v1\/channels answered HTTP 400/,
        );
    });
});

describe("the CLI for people", () => {
    let home: string;
    const cli = (...args: string[]) =>
        spawnSync(process.execPath, [cliScript, ...args], {
            env: { ...process.env, FABRIC_NETWORK_HOME: home },
            encoding: "utf8",
            timeout: 120_000,
        });
    before(() => {
        home = fs.mkdtempSync(path.join(os.tmpdir(), "network-cli-home-"));
    });
    after(() => {
        if (!home) return;
        cli("down"); // stops a network left up by an assertion that failed mid-way
        fs.rmSync(home, { recursive: true, force: true });
    });

    it("up leaves a network running after it exits, status reports it, down removes it", () => {
        const up = cli("up", "--client-auth");
        assert.equal(up.status, 0, up.stderr);
        assert.match(up.stdout, /client auth required/);
        assert.match(up.stdout, /admin MSP .*Admin@org1\.example\.com\/msp/);
        assert.match(up.stdout, /admin MSP .*Admin@org2\.example\.com\/msp/);
        const state = JSON.parse(fs.readFileSync(path.join(home, "state.json"), "utf8")) as {
            processes: { name: string; pid: number }[];
            plan: { dataDir: string };
        };
        const pids = state.processes.map((record) => record.pid);
        assert.equal(pids.length, 1 + peerCount);
        assert.ok(pids.every(pidAlive), "the nodes outlive the up command");
        assert.ok(
            !fs.readFileSync(path.join(home, "state.json"), "utf8").includes("PRIVATE KEY"),
            "no keys in the state file",
        );

        const again = cli("up");
        assert.notEqual(again.status, 0);
        assert.match(again.stderr, /a network is already up/);

        const status = cli("status");
        assert.equal(status.status, 0, status.stdout + status.stderr);
        for (const name of [
            "orderer.example.com",
            "peer0.org1.example.com",
            "peer1.org1.example.com",
            "peer0.org2.example.com",
        ]) {
            assert.match(
                status.stdout,
                new RegExp(`^${name.replace(/\./g, "\\.")}  pid \\d+  healthy  channel mychannel: .*height 1$`, "m"),
            );
        }

        const down = cli("down");
        assert.equal(down.status, 0, down.stderr);
        assert.deepEqual(pids.filter(pidAlive), [], "down ends exactly the recorded PIDs");
        assert.equal(fs.existsSync(state.plan.dataDir), false);
        assert.equal(fs.existsSync(path.join(home, "state.json")), false);
        assert.match(cli("status").stdout, /no network is up/);
    });
});
