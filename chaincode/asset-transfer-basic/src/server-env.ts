/**
 * Every environment variable the chaincode server reads, grouped by setting.
 * Within a group the names are aliases, first non-empty one wins, and aliases
 * that are set must agree: Kubernetes sets the whole superset (Go, Node and
 * Java chaincode names) to the same values.
 */
export const SERVER_ENV = {
    /** The installed package ID ("label:sha256hex"). Required. */
    chaincodeId: ["CHAINCODE_ID", "CORE_CHAINCODE_ID", "CORE_CHAINCODE_ID_NAME"],
    /** host:port to listen on. Defaults to DEFAULT_SERVER_ADDRESS. */
    address: ["CHAINCODE_SERVER_ADDRESS", "CORE_CHAINCODE_ADDRESS"],
    /** "true" runs without TLS. Defaults to "false": TLS is required unless disabled explicitly. */
    tlsDisabled: ["CHAINCODE_TLS_DISABLED"],
    /** PEM file: the server certificate (leaf first, then any intermediates). Required with TLS. */
    tlsCertFile: ["CHAINCODE_TLS_CERT_FILE", "CORE_CHAINCODE_TLS_CERT_FILE"],
    /** PEM file: the server certificate's private key. Required with TLS. */
    tlsKeyFile: ["CHAINCODE_TLS_KEY_FILE", "CORE_CHAINCODE_TLS_KEY_FILE"],
    /** PEM file: CA certificate(s) for client certificates; setting it turns on mutual TLS. Optional. */
    clientCaCertFile: ["CHAINCODE_CLIENT_CA_CERT_FILE", "CORE_CHAINCODE_TLS_CLIENT_CACERT_FILE"],
    /** CRITICAL | ERROR | WARNING | INFO | DEBUG for fabric-shim's own logging. Defaults to INFO. */
    logLevel: ["CORE_CHAINCODE_LOGGING_LEVEL"],
} as const;

export type ServerSetting = keyof typeof SERVER_ENV;

/** Every name in SERVER_ENV, in declaration order. */
export const SERVER_ENV_NAMES: readonly string[] = Object.values(SERVER_ENV).flat();

/** The port the chaincode listens on unless the address says otherwise (the image EXPOSEs it). */
export const DEFAULT_CHAINCODE_PORT = 9999;

export const DEFAULT_SERVER_ADDRESS = `0.0.0.0:${DEFAULT_CHAINCODE_PORT}`;
