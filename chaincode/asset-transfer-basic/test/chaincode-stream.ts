import { connect, constants, type ClientHttp2Session, type SecureClientSessionOptions } from "node:http2";
import { peer } from "@hyperledger/fabric-protos";
import { withDeadline } from "./server-process";

/**
 * Opens the chaincode's gRPC stream (protos.Chaincode/Connect) as a peer
 * does, over raw HTTP/2, and returns the chaincode ID in the REGISTER
 * message the server sends first: the name the peer compares with the
 * installed package ID.
 */
export async function registeredChaincodeId(port: number, tls: SecureClientSessionOptions | undefined, timeoutMs = 10000): Promise<string> {
    const session = tls === undefined ? connect(`http://127.0.0.1:${port}`) : connect(`https://127.0.0.1:${port}`, tls);
    try {
        return await withDeadline(readRegister(session), timeoutMs, `REGISTER on 127.0.0.1:${port}`);
    } finally {
        session.destroy();
    }
}

/** Keeps a chat stream open (as a connected peer would) until the returned function is called. */
export async function holdChaincodeStream(port: number, tls: SecureClientSessionOptions): Promise<{ closed: Promise<void>; release(): void }> {
    const session = connect(`https://127.0.0.1:${port}`, tls);
    await withDeadline(readRegister(session), 10000, `REGISTER on 127.0.0.1:${port}`);
    const closed = new Promise<void>((resolve) => session.on("close", () => resolve()));
    return { closed, release: () => session.destroy() };
}

function readRegister(session: ClientHttp2Session): Promise<string> {
    return new Promise((resolve, reject) => {
        session.on("error", reject);
        const stream = session.request({
            [constants.HTTP2_HEADER_METHOD]: "POST",
            [constants.HTTP2_HEADER_PATH]: "/protos.Chaincode/Connect",
            [constants.HTTP2_HEADER_CONTENT_TYPE]: "application/grpc",
            te: "trailers",
        });
        let received = Buffer.alloc(0);
        stream.on("error", reject);
        stream.on("response", (headers) => {
            const status = headers["grpc-status"];
            if (status !== undefined && status !== "0") reject(new Error(`gRPC status ${String(status)}: ${String(headers["grpc-message"])}`));
        });
        stream.on("data", (chunk: Buffer) => {
            received = Buffer.concat([received, chunk]);
            if (received.length < 5) return;
            const length = received.readUInt32BE(1);
            if (received.length < 5 + length) return;
            const message = peer.ChaincodeMessage.deserializeBinary(received.subarray(5, 5 + length));
            if (message.getType() !== peer.ChaincodeMessage.Type.REGISTER) {
                reject(new Error(`first message has type ${message.getType()}, expected REGISTER`));
                return;
            }
            resolve(peer.ChaincodeID.deserializeBinary(message.getPayload_asU8()).getName());
        });
        // A TLS alert reaches the session just after the stream ends: give that real cause a moment to win.
        stream.on("end", () => setTimeout(() => reject(new Error("stream ended before REGISTER")), 500));
    });
}
