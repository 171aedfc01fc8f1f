import * as pulumi from "@pulumi/pulumi";
import * as fs from "node:fs";
import * as path from "node:path";
import { AksCluster } from "./components/aks";
import { ExternalChaincode } from "./components/externalChaincode";
import { ChaincodeImage } from "./components/imageBuild";
import { CouchDbIndexInput } from "./components/packaging";
import { existingClusterProvider } from "./components/kubernetesTarget";
import { collectionsFromConfigJson, readSettings } from "./components/settings";
import { InvalidSettingError } from "./components/validation/errors";

const config = new pulumi.Config();
const settings = (() => {
    try {
        return readSettings(config, {
            adminKeyPem: config.getSecret("adminKeyPem"),
            clientTlsKeyPem: config.getSecret("clientTlsKeyPem"),
        });
    } catch (err) {
        // A bad setting stops the preview before anything is declared; print the message, not a stack.
        throw err instanceof InvalidSettingError ? new pulumi.RunError(err.message) : err;
    }
})();

const cluster =
    settings.cluster.kind === "aks"
        ? new AksCluster("aks", settings.cluster.aks)
        : undefined;
const k8sProvider =
    cluster?.provider ??
    existingClusterProvider("k8s", {
        kubeconfig: config.getSecret("kubeconfig"),
        context: settings.cluster.kind === "existing" ? settings.cluster.context : undefined,
        clusterIdentifier: settings.cluster.kind === "existing" ? settings.cluster.clusterIdentifier : undefined,
    });

const { couchDbIndexDir, lifecycle, image, ...chaincodeArgs } = settings.chaincode;
const builtImage = settings.imageBuild ? new ChaincodeImage("image", settings.imageBuild).image : undefined;
const chaincode = new ExternalChaincode(
    chaincodeArgs.chaincodeName,
    {
        ...chaincodeArgs,
        image: builtImage ?? image!,
        couchDbIndexes: couchDbIndexDir ? readIndexDir(couchDbIndexDir) : undefined,
        lifecycle: lifecycle && {
            ...lifecycle,
            collections: lifecycle.collectionsFile ? readCollections(lifecycle.collectionsFile) : undefined,
            requiredApprovals: requiredApprovals(),
        },
    },
    { providers: { kubernetes: k8sProvider } },
);

/** The orgs whose approval the commit waits for: the configured ones plus the orgs of the referenced stacks. */
function requiredApprovals(): readonly pulumi.Input<string>[] | undefined {
    if (!lifecycle?.approvalStacks) return lifecycle?.requiredApprovals;
    const fromStacks = lifecycle.approvalStacks.map((name, index) =>
        new pulumi.StackReference(`approval-stack-${index}`, { name }).requireOutput("mspId").apply(String),
    );
    return [...(lifecycle.requiredApprovals ?? [lifecycle.org.mspId]), ...fromStacks];
}

function readCollections(file: string) {
    try {
        return collectionsFromConfigJson(fs.readFileSync(path.resolve(file), "utf8"));
    } catch (err) {
        const reason = err instanceof InvalidSettingError ? err.message : `cannot read it (${(err as Error).message})`;
        throw new pulumi.RunError(`invalid collectionsFile: "${file}": ${reason}`);
    }
}

/** <dir>/*.json index the public state; <dir>/<collection>/*.json index that private data collection. */
function readIndexDir(dir: string): CouchDbIndexInput[] {
    const root = path.resolve(dir);
    if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) {
        throw new pulumi.RunError(`invalid couchDbIndexDir: "${dir}"; expected a directory of CouchDB index .json files`);
    }
    const indexesIn = (folder: string, collection?: string) =>
        fs.readdirSync(folder).filter((file) => file.endsWith(".json")).sort().map((file) => ({
            name: file.slice(0, -".json".length),
            collection,
            definition: fs.readFileSync(path.join(folder, file), "utf8"),
        }));
    const collections = fs.readdirSync(root, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    return [...indexesIn(root), ...collections.flatMap((c) => indexesIn(path.join(root, c), c))];
}

export const packageId = chaincode.packageId;
export const chaincodeImage = builtImage ?? image;
export const label = chaincode.label;
export const connectionAddress = chaincode.address;
export const namespace = chaincode.namespace;
export const serviceName = chaincode.serviceName;
export const caCertPem = chaincode.caCertPem;
export const kubeconfig = cluster?.kubeconfig;
export const committedSequence = chaincode.lifecycle?.definition?.committedSequence;
export const approvedSequence = chaincode.lifecycle?.approvedSequence;
export const mspId = lifecycle?.org.mspId;
export const nextSteps = nextStepsText();

function nextStepsText(): pulumi.Output<string> {
    const server = pulumi.interpolate`The chaincode server ${chaincode.serviceName} (namespace ${chaincode.namespace}) runs as package ${chaincode.packageId}, reachable by the peers at ${chaincode.address}.`;
    if (!lifecycle) {
        return pulumi.interpolate`${server} Next: install the package on your peers (e.g. \`npx ccaas-package\` with the same inputs, or set \`channel\` and the org settings to let this stack install, approve and commit), then approve and commit the definition.`;
    }
    if (lifecycle.commit === false) {
        return pulumi.interpolate`${server} Installed and approved for ${lifecycle.org.mspId} at sequence ${chaincode.lifecycle!.approvedSequence}; the committing org's stack commits the definition.`;
    }
    return pulumi.interpolate`${server} Committed on ${lifecycle.channel} at sequence ${chaincode.lifecycle!.definition!.committedSequence}; invoke it through any peer's gateway.`;
}
