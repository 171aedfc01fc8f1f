/**
 * The cluster network for the local kubelet: an HTTP CONNECT proxy on
 * loopback. A peer started with HTTPS_PROXY pointing here dials a chaincode
 * address such as `basic-0123abcd.hlf-org1:9999` as a peer inside the
 * cluster would: the name is a Service, and the proxy forwards to the local
 * process behind it. Gossip, orderer and client traffic stays on 127.0.0.1,
 * which Go never sends through a proxy.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import { connect, type Socket } from "node:net";

/** Loopback port of the process that serves a Service's port, or a reason it has none. */
export type ServiceRoute = (host: string, port: number) => Promise<{ port: number } | { refused: string }>;

export class ServiceProxy {
    /** Tunnels opened, per requested host:port. */
    readonly tunnels = new Map<string, number>();
    /** Requests refused, with the reason (the last 50). */
    readonly refusals: string[] = [];
    private route: ServiceRoute = async () => ({ refused: "no cluster is attached yet" });
    private readonly sockets = new Set<Socket>();

    private constructor(private readonly server: Server, readonly url: string) {}

    static async start(): Promise<ServiceProxy> {
        const server = createServer((_request, response) => response.writeHead(405).end("CONNECT only\n"));
        await new Promise<void>((resolve, reject) => {
            server.once("error", reject);
            server.listen(0, "127.0.0.1", () => resolve());
        });
        const address = server.address();
        if (address === null || typeof address === "string") throw new Error("the service proxy has no TCP address");
        const proxy = new ServiceProxy(server, `http://127.0.0.1:${address.port}`);
        server.on("connect", (request: IncomingMessage, client: Socket, head: Buffer) => void proxy.tunnel(request, client, head));
        return proxy;
    }

    /** Where Service names lead (the local kubelet knows). */
    attach(route: ServiceRoute): void {
        this.route = route;
    }

    async stop(): Promise<void> {
        for (const socket of this.sockets) socket.destroy();
        await new Promise<void>((resolve) => this.server.close(() => resolve()));
    }

    private async tunnel(request: IncomingMessage, client: Socket, head: Buffer): Promise<void> {
        this.track(client);
        const target = request.url ?? "";
        const colon = target.lastIndexOf(":");
        const host = target.slice(0, colon);
        const port = Number(target.slice(colon + 1));
        const found = colon > 0 && Number.isInteger(port) ? await this.route(host, port) : { refused: "not host:port" };
        if ("refused" in found) {
            this.refusals.push(`${target}: ${found.refused}`);
            if (this.refusals.length > 50) this.refusals.shift();
            client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\n${found.refused}\n`);
            return;
        }
        const upstream = this.track(connect(found.port, "127.0.0.1"));
        upstream.once("connect", () => {
            this.tunnels.set(target, (this.tunnels.get(target) ?? 0) + 1);
            client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
            if (head.length > 0) upstream.write(head);
            upstream.pipe(client);
            client.pipe(upstream);
        });
        upstream.once("error", (err) => client.end(`HTTP/1.1 502 Bad Gateway\r\n\r\n${err.message}\n`));
        client.once("error", () => upstream.destroy());
        client.once("close", () => upstream.destroy());
        upstream.once("close", () => client.destroy());
    }

    private track(socket: Socket): Socket {
        this.sockets.add(socket);
        socket.once("close", () => this.sockets.delete(socket));
        return socket;
    }
}
