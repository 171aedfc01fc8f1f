/**
 * The platform the Fabric e2e suites deploy to: a real node (testenv/node),
 * the real Fabric network with each orderer and peer in a pod's network
 * namespace there (fabricPodPlacer), and the sample chaincode's image built
 * from its Dockerfile and pushed to the node's registry, as a user's CI
 * would. A suite on a machine that cannot run a node is skipped, naming what
 * is missing, unless CCAAS_REQUIRE_NODE=1 (CI), where it fails instead.
 */
import { join } from "node:path";
import { missingToolchainBinaries } from "../../../testenv/kube";
import { type FabricNetwork, startNetwork } from "../../../testenv/network";
import { describeMissing, fabricPodPlacer, missingNodePrerequisites, peerNamespace, RealNode } from "../../../testenv/node";
import { REPO_ROOT } from "../../../testenv/pulumi/workspace";

/** What the program needs under the engine on a real node. */
export const NODE_ENGINE_BINARIES = ["pulumi", "pulumi-language-nodejs", "pulumi-resource-kubernetes", "pulumi-resource-tls", "pulumi-resource-command"];

/** The `skip` of a suite that needs a real node and these toolchain binaries: false, or why not. */
export function nodeSuiteSkip(binaries: readonly string[] = NODE_ENGINE_BINARIES): string | false {
    const missing = missingNodePrerequisites();
    if (missing.length > 0 && process.env.CCAAS_REQUIRE_NODE === "1") {
        throw new Error(`real node required (CCAAS_REQUIRE_NODE=1), but: ${describeMissing(missing)}`);
    }
    if (missing.length > 0) return `no real node on this machine: ${describeMissing(missing)}`;
    const missingBinaries = missingToolchainBinaries(binaries);
    return missingBinaries.length > 0 ? `the toolchain lacks ${missingBinaries.join(", ")}: npm run toolchain` : false;
}

export const CHAINCODE_CONTEXT = join(REPO_ROOT, "chaincode", "asset-transfer-basic");

/** An image in the node's registry: `<registry>/<repository>:<tag>` and the registry's digest. */
export interface PushedImage {
    readonly reference: string;
    readonly digest: string;
}

export interface NodePlatform {
    readonly node: RealNode;
    readonly network: FabricNetwork;
    /** The sample chaincode, built from its Dockerfile on the node's Node base image. */
    readonly chaincodeImage: PushedImage;
    /** The same chaincode again under another tag, with a label that gives it a digest of its own (an image roll, same package). */
    buildVariant(tag: string): Promise<PushedImage>;
    /** The stack settings of an org's chaincode on this platform: the image, and its peers' namespace for the NetworkPolicy. */
    orgSettings(mspId: string): NodeOrgSettings;
    stop(): Promise<void>;
}

export interface NodeOrgSettings {
    readonly image: string;
    readonly imageDigest: string;
    readonly peerNamespaceSelector: readonly string[];
}

async function buildChaincode(node: RealNode, tag: string, labels?: Record<string, string>): Promise<PushedImage> {
    const reference = `${node.addresses.registryHost}/asset-transfer-basic:${tag}`;
    const digest = await node.buildImage({ context: CHAINCODE_CONTEXT, reference, buildArgs: { NODE_IMAGE: node.images.node }, labels });
    return { reference, digest };
}

/** Starts the node, the network in its pods, and builds the chaincode image; a failed start removes what it made. */
export async function startNodePlatform(log: (line: string) => void): Promise<NodePlatform> {
    const node = await RealNode.create({ log: (line) => log(`node: ${line}`) });
    let network: FabricNetwork | undefined;
    try {
        const [built, networkStart] = await Promise.allSettled([
            buildChaincode(node, "1.0"),
            startNetwork({ clientAuthRequired: true, placeNodes: fabricPodPlacer(node), log: (line) => log(`fabric: ${line}`) }),
        ]);
        if (networkStart.status === "fulfilled") network = networkStart.value;
        if (built.status === "rejected") throw built.reason;
        if (networkStart.status === "rejected") throw networkStart.reason;
        const started = networkStart.value;
        const chaincodeImage = built.value;
        return {
            node,
            network: started,
            chaincodeImage,
            buildVariant: (tag) => buildChaincode(node, tag, { "io.fabric-ccaas.test/variant": tag }),
            orgSettings: (mspId) => ({
                image: chaincodeImage.reference,
                imageDigest: chaincodeImage.digest,
                peerNamespaceSelector: [`kubernetes.io/metadata.name=${peerNamespace(mspId)}`],
            }),
            async stop() {
                // The Fabric processes first: they live in the node's pods.
                try {
                    await started.stop();
                } finally {
                    await node.delete();
                }
            },
        };
    } catch (error) {
        await network?.stop().catch(() => undefined);
        await node.delete();
        throw error;
    }
}
