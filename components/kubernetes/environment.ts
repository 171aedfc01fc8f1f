/** Where the chaincode container finds its TLS files (a read-only Secret volume). */
export const TLS_MOUNT_PATH = "/etc/hyperledger/chaincode/tls";
export const TLS_CERT_FILE = `${TLS_MOUNT_PATH}/tls.crt`;
export const TLS_KEY_FILE = `${TLS_MOUNT_PATH}/tls.key`;
export const TLS_CLIENT_CA_FILE = `${TLS_MOUNT_PATH}/client-ca.crt`;

export interface EnvVar {
    readonly name: string;
    readonly value: string;
}

export interface ChaincodeEnvironmentInput {
    /** The installed package ID; the chaincode must register under exactly this ID. */
    readonly packageId: string;
    /** Port the server listens on inside the pod. */
    readonly port: number;
    /** Serve TLS with the mounted key pair. */
    readonly tls: boolean;
    /** Demand and verify the peer's client certificate against the mounted client CA. */
    readonly clientAuth: boolean;
    /** Extra variables; none may be one of the generated ones (managedEnvironmentNames). */
    readonly extra?: Readonly<Record<string, string>>;
}

/**
 * The environment every chaincode server language understands, so one
 * Deployment starts Go (fabric-chaincode-go samples), Node (fabric-shim
 * server mode) and Java (fabric-chaincode-java) chaincode alike.
 */
export function chaincodeEnvironment(input: ChaincodeEnvironmentInput): EnvVar[] {
    const listen = `0.0.0.0:${input.port}`;
    const vars: Array<[string, string]> = [
        ["CHAINCODE_ID", input.packageId],
        ["CORE_CHAINCODE_ID", input.packageId],
        ["CORE_CHAINCODE_ID_NAME", input.packageId],
        ["CHAINCODE_SERVER_ADDRESS", listen],
        ["CORE_CHAINCODE_ADDRESS", listen],
        ["CHAINCODE_SERVER_PORT", String(input.port)],
        ["CHAINCODE_TLS_DISABLED", String(!input.tls)],
        ["CORE_PEER_TLS_ENABLED", String(input.tls)],
    ];
    if (input.tls) {
        vars.push(
            // Go samples and our Node server
            ["CHAINCODE_TLS_CERT", TLS_CERT_FILE],
            ["CHAINCODE_TLS_KEY", TLS_KEY_FILE],
            ["CHAINCODE_TLS_CERT_FILE", TLS_CERT_FILE],
            ["CHAINCODE_TLS_KEY_FILE", TLS_KEY_FILE],
            // fabric-shim (Node) server mode
            ["CORE_CHAINCODE_TLS_CERT_FILE", TLS_CERT_FILE],
            ["CORE_CHAINCODE_TLS_KEY_FILE", TLS_KEY_FILE],
            // fabric-chaincode-java server mode
            ["CORE_TLS_CLIENT_CERT_FILE", TLS_CERT_FILE],
            ["CORE_TLS_CLIENT_KEY_FILE", TLS_KEY_FILE],
        );
        if (input.clientAuth) {
            vars.push(
                ["CHAINCODE_CLIENT_CA_CERT", TLS_CLIENT_CA_FILE],
                ["CHAINCODE_CLIENT_CA_CERT_FILE", TLS_CLIENT_CA_FILE],
                ["CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE", TLS_CLIENT_CA_FILE],
                ["CORE_PEER_TLS_ROOTCERT_FILE", TLS_CLIENT_CA_FILE],
            );
        }
    }
    const merged = new Map(vars);
    for (const [name, value] of Object.entries(input.extra ?? {})) merged.set(name, value);
    return [...merged].map(([name, value]) => ({ name, value }));
}

/** The variables chaincodeEnvironment sets itself (with TLS and client auth on, the most it sets). */
export function managedEnvironmentNames(): string[] {
    return chaincodeEnvironment({ packageId: "x", port: 1, tls: true, clientAuth: true }).map(
        (variable) => variable.name,
    );
}
