/** The chaincode's TLS: its CA, each release's server certificate and the peers' client certificate. */
export { ChaincodeTls, ReleaseCertificates, type ChaincodeTlsArgs, type KeyAlgorithm } from "./chaincode-tls";
