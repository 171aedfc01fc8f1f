import { InvalidSettingError } from "../validation/errors";
import { checkGoDuration, checkHostPort } from "../validation/fabric";
import {
    checkCertificateBundlePem,
    checkCertificatePem,
    checkKeyMatchesCertificate,
    checkPrivateKeyPem,
} from "../validation/pem";

/** Used when no dial timeout is given: always written, as the ccaas builder turns a missing one into "". */
export const DEFAULT_DIAL_TIMEOUT = "10s";

/** How the peer reaches the chaincode server; becomes connection.json. */
export interface ChaincodeConnectionInput {
    /** host:port the peer dials, e.g. "mycc.chaincode.svc.cluster.local:7052"; IPv6 as "[::1]:7052". */
    readonly address: string;
    /** Go duration for the peer's dial, e.g. "500ms", "1m30s". Defaults to "10s". */
    readonly dialTimeout?: string;
    /** TLS to the chaincode server. Defaults to plaintext. */
    readonly tls?: ChaincodeServerTlsInput;
}

export interface ChaincodeServerTlsInput {
    /**
     * PEM of the CA (or CAs) that signed the chaincode server's certificate:
     * renewing the server certificate then changes no package.
     */
    readonly rootCertPem: string;
    /** The peer's client certificate and key, when the server checks clients. Defaults to none. */
    readonly clientAuth?: ChaincodeClientAuthInput;
}

export interface ChaincodeClientAuthInput {
    readonly clientCertPem: string;
    /** Secret: it ends up inside the package. */
    readonly clientKeyPem: string;
}

/** connection.json content with Fabric's field names, in the order written. */
export interface ConnectionJson {
    readonly address: string;
    readonly dial_timeout: string;
    readonly tls_required: boolean;
    readonly client_auth_required: boolean;
    readonly root_cert?: string;
    readonly client_key?: string;
    readonly client_cert?: string;
}

function requireObject(setting: string, value: unknown, accepted: string): void {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
        throw new InvalidSettingError(setting, value, accepted);
    }
}

/**
 * Validates the input and returns connection.json's fields in a fixed order,
 * PEMs in canonical form (LF, 64-character lines, trailing newline).
 */
export function buildConnection(input: ChaincodeConnectionInput): ConnectionJson {
    const address = checkHostPort("address", input.address);
    const dialTimeout = checkGoDuration("dialTimeout", input.dialTimeout ?? DEFAULT_DIAL_TIMEOUT);
    if (input.tls === undefined) {
        return { address, dial_timeout: dialTimeout, tls_required: false, client_auth_required: false };
    }
    requireObject("tls", input.tls, "an object with rootCertPem and optionally clientAuth");
    const rootCert = checkCertificateBundlePem("tls.rootCertPem", input.tls.rootCertPem);
    const clientAuth = input.tls.clientAuth;
    if (clientAuth === undefined) {
        return {
            address,
            dial_timeout: dialTimeout,
            tls_required: true,
            client_auth_required: false,
            root_cert: rootCert,
        };
    }
    requireObject("tls.clientAuth", clientAuth, "an object with clientCertPem and clientKeyPem");
    const clientCert = checkCertificatePem("tls.clientAuth.clientCertPem", clientAuth.clientCertPem);
    const clientKey = checkPrivateKeyPem("tls.clientAuth.clientKeyPem", clientAuth.clientKeyPem);
    checkKeyMatchesCertificate("tls.clientAuth.clientKeyPem", clientKey, clientCert);
    return {
        address,
        dial_timeout: dialTimeout,
        tls_required: true,
        client_auth_required: true,
        root_cert: rootCert,
        client_key: clientKey,
        client_cert: clientCert,
    };
}

/** connection.json text: compact JSON, keys in ConnectionJson's order. */
export function renderConnectionJson(connection: ConnectionJson): string {
    return JSON.stringify(connection);
}
