/**
 * One org's stack of our program on the local network and node: the
 * static settings come from Pulumi.local.yaml, the rest (endpoints, PEMs,
 * keys, the kubeconfig) is set here the way an operator would, with
 * `pulumi config set` (`--path` for objects, `--secret` for keys).
 */
import { join } from "node:path";
import type { HsmKey } from "../../components/fabric";
import type { FabricNetwork, Org } from "../network";
import { type PulumiStack, type PulumiWorkspace, REPO_ROOT } from "./workspace";

export const LOCAL_STACK_FILE = join(REPO_ROOT, "Pulumi.local.yaml");

export interface OrgStackOptions {
    readonly network: FabricNetwork;
    readonly org: Org;
    /** Kubeconfig contents of the cluster (stored as a secret). */
    readonly kubeconfig: string;
    /** Defaults to Pulumi.local.yaml's. */
    readonly namespace?: string;
    /** false: install and approve only. Defaults to true. */
    readonly commit?: boolean;
    /** Orgs whose peer0 endorses the commit too. Defaults to none. */
    readonly commitOrgs?: readonly Org[];
    /** Stacks whose mspId output the commit waits for (fully qualified names). Defaults to none. */
    readonly approvalStacks?: readonly string[];
    /** More orgs the stack acts for (otherOrgs), keys as secrets. Defaults to none. */
    readonly otherOrgs?: readonly Org[];
    /** The admin's key in an HSM (signer: hsm) instead of adminKeyPem. Defaults to none. */
    readonly adminHsm?: HsmKey;
    /** Several chaincodes (chaincodes), each item's string keys. Defaults to the one of Pulumi.local.yaml. */
    readonly chaincodes?: ReadonlyArray<Readonly<Record<string, string>>>;
    /** The cluster's side: the image (pinned by its digest) and the namespaces of the peers the NetworkPolicy admits. */
    readonly cluster: {
        readonly image: string;
        readonly imageDigest: string;
        readonly peerNamespaceSelector: readonly string[];
    };
}

export async function createOrgStack(
    workspace: PulumiWorkspace,
    name: string,
    options: OrgStackOptions,
): Promise<PulumiStack> {
    const { network, org } = options;
    const stack = await workspace.initStack(name, LOCAL_STACK_FILE);
    const set = (key: string, value: string, flags?: { secret?: boolean; path?: boolean }) =>
        stack.setConfig(key, value, flags);
    if (options.namespace) await set("namespace", options.namespace);
    await set("image", options.cluster.image);
    await set("imageDigest", options.cluster.imageDigest);
    for (const [index, label] of options.cluster.peerNamespaceSelector.entries())
        await set(`peerNamespaceSelector[${index}]`, label, { path: true });
    await set("kubeconfig", options.kubeconfig, { secret: true });
    await set("channel", network.channel);
    await set("mspId", org.mspId);
    for (const [index, peer] of org.peers.entries()) {
        await set(`peers[${index}].endpoint`, peer.endpoint, { path: true });
        await set(`peers[${index}].hostOverride`, peer.hostOverride, { path: true });
    }
    await set("peerTlsCaPem", org.tlsCaPem);
    await set("adminCertPem", org.admin.certPem);
    if (options.adminHsm) {
        await set("signer", "hsm");
        await set("adminHsmLibrary", options.adminHsm.library);
        await set("adminHsmTokenLabel", options.adminHsm.tokenLabel);
        await set("adminHsmKeyId", options.adminHsm.keyId);
        await set("adminHsmPin", options.adminHsm.pin, { secret: true });
    } else await set("adminKeyPem", org.admin.keyPem, { secret: true });
    await set("clientTlsCertPem", org.clientTls.certPem);
    await set("clientTlsKeyPem", org.clientTls.keyPem, { secret: true });
    if (options.commit === false) await set("commit", "false");
    for (const [index, other] of (options.commitOrgs ?? []).entries()) {
        const peer = other.peers[0];
        await set(`commitPeers[${index}].endpoint`, peer.endpoint, { path: true });
        await set(`commitPeers[${index}].mspId`, other.mspId, { path: true });
        await set(`commitPeers[${index}].tlsCaPem`, peer.tlsCaPem, { path: true });
        await set(`commitPeers[${index}].hostOverride`, peer.hostOverride, { path: true });
    }
    for (const [index, stackName] of (options.approvalStacks ?? []).entries()) {
        await set(`approvalStacks[${index}]`, stackName, { path: true });
    }
    for (const [k, other] of (options.otherOrgs ?? []).entries()) {
        const prefix = `otherOrgs[${k}]`;
        await set(`${prefix}.mspId`, other.mspId, { path: true });
        for (const [index, peer] of other.peers.entries()) {
            await set(`${prefix}.peers[${index}].endpoint`, peer.endpoint, { path: true });
            await set(`${prefix}.peers[${index}].hostOverride`, peer.hostOverride, { path: true });
        }
        await set(`${prefix}.peerTlsCaPem`, other.tlsCaPem, { path: true });
        await set(`${prefix}.adminCertPem`, other.admin.certPem, { path: true });
        await set(`${prefix}.adminKeyPem`, other.admin.keyPem, { path: true, secret: true });
        await set(`${prefix}.clientTlsCertPem`, other.clientTls.certPem, { path: true });
        await set(`${prefix}.clientTlsKeyPem`, other.clientTls.keyPem, { path: true, secret: true });
    }
    for (const [i, chaincode] of (options.chaincodes ?? []).entries()) {
        for (const [key, value] of Object.entries(chaincode))
            await set(`chaincodes[${i}].${key}`, value, { path: true });
    }
    return stack;
}
