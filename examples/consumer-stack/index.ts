import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { ExternalChaincode, type FabricOrgArgs } from "fabric-ccaas";

const config = new pulumi.Config();
const cluster = new k8s.Provider("cluster", { kubeconfig: config.requireSecret("kubeconfig") });
const [channel, image] = [config.require("channel"), config.require("image")];
// A new version is a new release: each org's server of the version its peers run stays up beside it until they switch.
const chaincodeVersion = config.get("chaincodeVersion");
// Where the peers run, for the servers' NetworkPolicy: labels of their namespaces (by default only the server's own).
const peerAccess = { peerNamespaceSelector: config.getObject<string[]>("peerNamespaceSelector") };
const org = (key: string): FabricOrgArgs => ({
    ...config.requireObject<FabricOrgArgs>(key),
    adminKeyPem: config.requireSecret(`${key}AdminKeyPem`),
    clientTlsKeyPem: config.requireSecret(`${key}ClientTlsKeyPem`),
});
const [org1, org2] = [org("org1"), org("org2")];

// One chaincode, a server per org: Org2 installs and approves; Org1 installs, approves, and commits once Org2's approval is on the channel.
// Its smoke check waits for that commit, made in this same update.
const approving = new ExternalChaincode(
    "org2",
    {
        chaincodeName: "basic",
        chaincodeVersion,
        image,
        namespace: "hlf-org2",
        peerAccess,
        lifecycle: { channel, org: org2, commit: false },
        smokeCheck: { commitWaitSeconds: 120 },
    },
    { providers: [cluster] },
);
const committing = new ExternalChaincode(
    "org1",
    {
        chaincodeName: "basic",
        chaincodeVersion,
        image,
        namespace: "hlf-org1",
        peerAccess,
        lifecycle: {
            channel,
            org: org1,
            requiredApprovals: [org1.mspId, approving.lifecycle!.approvedBy],
            commitPeers: [{ ...org2.peers[0], mspId: org2.mspId, tlsCaPem: org2.peerTlsCaPem }],
        },
    },
    { providers: [cluster] },
);

export const packageIds = { [org1.mspId]: committing.packageId, [org2.mspId]: approving.packageId };
export const committedSequence = committing.lifecycle!.definition!.committedSequence;
