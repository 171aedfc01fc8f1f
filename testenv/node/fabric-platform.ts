/**
 * A real node with the Fabric network in its pods, and the sample
 * chaincode's image built from its Dockerfile and pushed to the node's
 * registry, as a user's CI would: what the Fabric e2e suites and the demo
 * deploy to.
 */
import { join } from "node:path";
import { type LaunchedNetwork, launchNetwork } from "../network/network";
import type { FabricNetwork } from "../network/types";
import { REPO_ROOT } from "../pulumi/workspace";
import { fabricPodPlacer, NETWORK_NAMESPACE_LABEL, peerNamespace } from "./fabric-pods";
import { RealNode } from "./node";

/** The toolchain binaries the program needs under the engine on the platform (the node checks its own). */
export const PLATFORM_ENGINE_BINARIES = [
    "pulumi",
    "pulumi-language-nodejs",
    "pulumi-resource-kubernetes",
    "pulumi-resource-tls",
    "pulumi-resource-command",
];

export const CHAINCODE_CONTEXT = join(REPO_ROOT, "chaincode", "asset-transfer-basic");

/** An image in the node's registry: `<registry>/<repository>:<tag>` and the registry's digest. */
export interface PushedImage {
    readonly reference: string;
    readonly digest: string;
}

export interface NodePlatform {
    readonly node: RealNode;
    readonly network: FabricNetwork;
    /** The network with its plan and processes (for a state file another process reads). */
    readonly launched: LaunchedNetwork;
    /** The sample chaincode, built from its Dockerfile on the node's Node base image. */
    readonly chaincodeImage: PushedImage;
    /** The same chaincode again under another tag, with a label that gives it a digest of its own (an image roll, same package). */
    buildVariant(tag: string): Promise<PushedImage>;
    /** The stack settings of a chaincode on this platform: the image, and the namespaces of these orgs' peers for the NetworkPolicy. */
    orgSettings(...mspIds: string[]): NodeOrgSettings;
    /** Where a failed test's report finds the peers' logs and the chaincode containers' (see test/support/failure-logs). */
    failureSources(): { network: FabricNetwork; podLogDir: string };
    stop(): Promise<void>;
}

export interface NodeOrgSettings {
    readonly image: string;
    readonly imageDigest: string;
    readonly peerNamespaceSelector: readonly string[];
}

async function buildChaincode(node: RealNode, tag: string, labels?: Record<string, string>): Promise<PushedImage> {
    const reference = `${node.addresses.registryHost}/asset-transfer-basic:${tag}`;
    const digest = await node.buildImage({
        context: CHAINCODE_CONTEXT,
        reference,
        buildArgs: { NODE_IMAGE: node.images.node },
        labels,
    });
    return { reference, digest };
}

export interface NodePlatformOptions {
    readonly log: (line: string) => void;
    /** The node's folder and the network's (created; deleted on stop). Default to new temp dirs. */
    readonly nodeDir?: string;
    readonly networkDir?: string;
}

/** Starts the node, the network in its pods, and builds the chaincode image; a failed start removes what it made. */
export async function startNodePlatform(options: NodePlatformOptions): Promise<NodePlatform> {
    const { log } = options;
    const node = await RealNode.create({ dir: options.nodeDir, log: (line) => log(`node: ${line}`) });
    let network: FabricNetwork | undefined;
    try {
        const [built, networkStart] = await Promise.allSettled([
            buildChaincode(node, "1.0"),
            launchNetwork({
                clientAuthRequired: true,
                placeNodes: fabricPodPlacer(node),
                dataDir: options.networkDir,
                log: (line) => log(`fabric: ${line}`),
            }),
        ]);
        if (networkStart.status === "fulfilled") network = networkStart.value.network;
        if (built.status === "rejected") throw built.reason;
        if (networkStart.status === "rejected") throw networkStart.reason;
        const launched = networkStart.value;
        const started = launched.network;
        const chaincodeImage = built.value;
        return {
            node,
            network: started,
            launched,
            chaincodeImage,
            buildVariant: (tag) => buildChaincode(node, tag, { "io.fabric-ccaas.test/variant": tag }),
            orgSettings: (...mspIds) => ({
                image: chaincodeImage.reference,
                imageDigest: chaincodeImage.digest,
                // One org's peers by their namespace's name; several orgs' by the label all their namespaces carry.
                peerNamespaceSelector: [
                    mspIds.length === 1
                        ? `kubernetes.io/metadata.name=${peerNamespace(mspIds[0])}`
                        : NETWORK_NAMESPACE_LABEL,
                ],
            }),
            failureSources: () => ({ network: started, podLogDir: node.layout.podLogs }),
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
