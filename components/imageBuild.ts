import type * as commandModule from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { requireOptionalPeer } from "./optionalPeer";
import { InvalidSettingError } from "./validation/errors";
import { validateArgs } from "./validation/resourceError";

export type ImageBuildTool = "az-acr" | "docker";
export const IMAGE_BUILD_TOOLS: readonly ImageBuildTool[] = ["az-acr", "docker"];

export interface ChaincodeImageArgs {
    /** "az-acr" builds in Azure Container Registry (`az acr build`); "docker" builds and pushes locally. */
    readonly tool: ImageBuildTool;
    /** Folder with the Dockerfile. */
    readonly context: string;
    /** ACR name for az-acr (e.g. "fabricccaas"), registry host for docker (e.g. "registry.example.com:5000"). */
    readonly registry: string;
    /** Repository in the registry. Defaults to the context folder's name. */
    readonly repository?: string;
}

/** Folders that never belong to an image's source. */
const IGNORED = new Set(["node_modules", "dist", "dist-test", ".git"]);

/**
 * A digest of every source file under `dir` (paths and bytes, in sorted
 * order): the image tag, so the image is rebuilt exactly when the source changes.
 */
export function sourceDigest(dir: string): string {
    const hash = createHash("sha256");
    const walk = (relative: string) => {
        const entries = fs.readdirSync(path.join(dir, relative), { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
        for (const entry of entries) {
            if (IGNORED.has(entry.name)) continue;
            const child = relative ? `${relative}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(child);
            else if (entry.isFile()) hash.update(`${child}\0`).update(fs.readFileSync(path.join(dir, child))).update("\0");
        }
    };
    walk("");
    return hash.digest("hex");
}

/**
 * Builds and pushes the chaincode image from source with @pulumi/command, so
 * one `pulumi up` goes from source to running chaincode. Off by default.
 */
export class ChaincodeImage extends pulumi.ComponentResource {
    /** The pushed image reference, tagged with the source digest. */
    public readonly image: pulumi.Output<string>;

    constructor(name: string, args: ChaincodeImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fabric-ccaas:index:ChaincodeImage", name, {}, opts);
        const s = validateArgs(this, () => validateImageArgs(args));
        const tag = `src-${sourceDigest(s.context).slice(0, 16)}`;
        const host = args.tool === "az-acr" ? `${args.registry}.azurecr.io` : args.registry;
        const reference = `${host}/${s.repository}:${tag}`;
        const create =
            args.tool === "az-acr"
                ? `az acr build --registry ${shellQuote(args.registry)} --image ${shellQuote(`${s.repository}:${tag}`)} ${shellQuote(s.context)}`
                : `docker build --tag ${shellQuote(reference)} ${shellQuote(s.context)} && docker push ${shellQuote(reference)}`;
        const command = requireOptionalPeer<typeof commandModule>("@pulumi/command", "", "ChaincodeImage");
        const build = new command.local.Command(`${name}-build`, { create, triggers: [tag] }, { parent: this });
        this.image = build.stdout.apply(() => reference);
        this.registerOutputs({ image: this.image });
    }
}

/** Checks the build settings; throws InvalidSettingError naming the setting. */
export function validateImageArgs(args: ChaincodeImageArgs) {
    if (!IMAGE_BUILD_TOOLS.includes(args.tool)) {
        throw new InvalidSettingError("imageBuildTool", args.tool, `one of ${IMAGE_BUILD_TOOLS.join(", ")}`);
    }
    const context = path.resolve(args.context ?? "");
    if (!fs.existsSync(path.join(context, "Dockerfile"))) {
        throw new InvalidSettingError("imageBuildContext", args.context, "a folder that holds a Dockerfile");
    }
    const registryRule = args.tool === "az-acr" ? /^[a-zA-Z0-9]{5,50}$/ : /^[a-z0-9.-]+(:[0-9]+)?$/;
    if (typeof args.registry !== "string" || !registryRule.test(args.registry)) {
        throw new InvalidSettingError(
            "imageRegistry",
            args.registry,
            args.tool === "az-acr" ? "an Azure Container Registry name (5-50 letters or digits)" : "a registry host such as 'registry.example.com:5000'",
        );
    }
    const repository = args.repository ?? path.basename(context).toLowerCase();
    if (!/^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(repository)) {
        throw new InvalidSettingError("imageRepository", repository, "a lower-case repository path such as 'chaincode/basic'");
    }
    return { context, repository };
}

function shellQuote(value: string): string {
    return `'${value.replace(/'/g, "'\\''")}'`;
}
