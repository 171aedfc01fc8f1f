/** The real Fabric test network: start it from tests, or with `node dist/testenv/network/cli.js up`. */
export { startNetwork, defaultChannel } from "./network";
export { fabricMajor, testedFabricVersion } from "./binaries";
export { peerCliEnv, runPeerCli, channelHeight } from "./peer-cli";
export { ordererChannelInfo, type OrdererChannelInfo } from "./channel";
export { attachNetwork, stateFilePath } from "./state";
export { portLayout, portCount } from "./ports";
export { peerCount } from "./topology";
export { clientEndpoint } from "./client-endpoint";
export { ComponentError } from "./logs";
export type {
    AdminIdentity,
    FabricNetwork,
    OrdererNode,
    Org,
    PeerNode,
    StartOptions,
    NodeHost,
    NodePlacer,
    NodeToPlace,
    TestFaults,
    TlsClientCert,
} from "./types";
