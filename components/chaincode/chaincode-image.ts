import { type ArgumentShapes, checkArgumentObject, checkArgumentShapes } from "../validation/argument-shapes";
import type * as commandModule from "@pulumi/command";
import * as pulumi from "@pulumi/pulumi";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { requireOptionalPeer } from "../optional-peer";
import { InvalidSettingError } from "../validation/errors";
import { checkArgs } from "../validation/resource-error";
import { namerOf, namingSettings, type SettingNames } from "../setting-names";

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
    /** Dockerfile ARGs (`--build-arg NAME=value`), e.g. NODE_IMAGE for a base image of your own. Defaults to none. */
    readonly buildArgs?: Readonly<Record<string, string>>;
    /** How your users name these arguments, when not by their paths (see ExternalChaincodeArgs.settingNames). Defaults to the paths. */
    readonly settingNames?: SettingNames;
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
        const entries = fs
            .readdirSync(path.join(dir, relative), { withFileTypes: true })
            .sort((a, b) => a.name.localeCompare(b.name));
        for (const entry of entries) {
            if (IGNORED.has(entry.name)) continue;
            const child = relative ? `${relative}/${entry.name}` : entry.name;
            if (entry.isDirectory()) walk(child);
            else if (entry.isFile())
                hash.update(`${child}\0`)
                    .update(fs.readFileSync(path.join(dir, child)))
                    .update("\0");
        }
    };
    walk("");
    return hash.digest("hex");
}

/**
 * Builds and pushes the chaincode image from source with @pulumi/command,
 * then reads the pushed image's digest from the registry, so the Deployment
 * names exactly those bytes: a rebuilt image rolls the pods, a re-run with the
 * same source changes nothing. Off by default.
 *
 * @example
 * ```ts
 * const built = new ChaincodeImage("image", { tool: "docker", context: "chaincode/asset-transfer-basic", registry: "registry.example.com:5000" });
 * new ExternalChaincode("basic", { chaincodeName: "basic", image: built.image, lifecycle });
 * ```
 */
export class ChaincodeImage extends pulumi.ComponentResource {
    /** The pushed image, pinned: <registry>/<repository>:<source tag>@sha256:<digest>. */
    public readonly image: pulumi.Output<string>;
    /** The registry's digest of the pushed image. */
    public readonly digest: pulumi.Output<string>;

    constructor(name: string, args: ChaincodeImageArgs, opts?: pulumi.ComponentResourceOptions) {
        super("fabric-ccaas:index:ChaincodeImage", name, {}, opts);
        const s = checkArgs(this, () => checkImageArgs(args));
        const tag = `src-${imageTagDigest(s.context, args.buildArgs).slice(0, 16)}`;
        const host = args.tool === "az-acr" ? `${args.registry}.azurecr.io` : args.registry;
        const reference = `${host}/${s.repository}:${tag}`;
        const commands = imageCommands(
            args.tool,
            args.registry,
            s.repository,
            tag,
            reference,
            s.context,
            args.buildArgs,
        );
        const command = requireOptionalPeer<typeof commandModule>("@pulumi/command", "", "ChaincodeImage");
        // A component's dependsOn does not hold back its children: the build waits itself (e.g. for the registry).
        const build = new command.local.Command(
            `${name}-build`,
            { create: commands.build, triggers: [tag] },
            { parent: this, dependsOn: opts?.dependsOn },
        );
        // Asked of the registry, not the local engine: the digest the nodes will pull.
        const inspect = new command.local.Command(
            `${name}-digest`,
            { create: commands.digest, triggers: [tag] },
            { parent: this, dependsOn: [build] },
        );
        this.digest = inspect.stdout.apply((out) => registryDigest(out, commands.digest));
        this.image = pulumi.interpolate`${reference}@${this.digest}`;
        this.registerOutputs({ image: this.image, digest: this.digest });
    }
}

/**
 * The tag's digest: the source, and the build arguments when there are any
 * (another base image is another image; without arguments the tag is the
 * source's alone, as before they existed).
 */
export function imageTagDigest(context: string, buildArgs: Readonly<Record<string, string>> | undefined): string {
    const source = sourceDigest(context);
    const names = Object.keys(buildArgs ?? {}).sort();
    if (names.length === 0) return source;
    const hash = createHash("sha256").update(source);
    for (const name of names) hash.update(`\0${name}=${buildArgs![name]}`);
    return hash.digest("hex");
}

/** The shell commands that build and push the image, and that read its digest from the registry. */
export function imageCommands(
    tool: ImageBuildTool,
    registry: string,
    repository: string,
    tag: string,
    reference: string,
    context: string,
    buildArgs: Readonly<Record<string, string>> = {},
) {
    const args = Object.keys(buildArgs)
        .sort()
        .map((name) => ` --build-arg ${shellQuote(`${name}=${buildArgs[name]}`)}`)
        .join("");
    if (tool === "az-acr") {
        return {
            build: `az acr build --registry ${shellQuote(registry)} --image ${shellQuote(`${repository}:${tag}`)}${args} ${shellQuote(context)}`,
            digest: `az acr repository show --name ${shellQuote(registry)} --image ${shellQuote(`${repository}:${tag}`)} --query digest --output tsv`,
        };
    }
    const ref = shellQuote(reference);
    return {
        build: `docker build --tag ${ref}${args} ${shellQuote(context)} && docker push ${ref}`,
        // Docker's buildx reads the registry's digest; podman (as docker, podman-docker) has no buildx, and its
        // local RepoDigests differ from the registry's (it recompresses on push): its push records the registry's.
        digest:
            `if docker --version 2>/dev/null | grep -qi podman; then ` +
            `f=$(mktemp) && { docker push --quiet --digestfile "$f" ${ref} && cat "$f"; rc=$?; rm -f "$f"; exit $rc; }; ` +
            `else docker buildx imagetools inspect ${ref} --format '{{printf "%s" .Manifest.Digest}}'; fi`,
    };
}

/** The digest in a registry query's output; anything else stops the update, naming the command and what it printed. */
export function registryDigest(output: string, command: string): string {
    const digest = output.trim();
    if (!/^sha256:[0-9a-f]{64}$/.test(digest)) {
        throw new Error(
            `the image digest could not be read from the registry: \`${command}\` printed ${JSON.stringify(digest.slice(0, 200))}, expected sha256:<64 hex digits>`,
        );
    }
    return digest;
}

/** Where the build's checks walk an object, or need text. */
const IMAGE_SHAPES: ArgumentShapes = {
    tool: "text!",
    context: "text!",
    registry: "text!",
    repository: "text",
    buildArgs: "object",
    settingNames: "object",
};

/** Checks the build settings; throws InvalidSettingError naming the setting (as args.settingNames maps it). */
export function checkImageArgs(args: ChaincodeImageArgs) {
    checkArgumentObject(args);
    return namingSettings(namerOf(args.settingNames), () => {
        checkArgumentShapes(args, IMAGE_SHAPES);
        return checkImageFields(args);
    });
}

function checkImageFields(args: ChaincodeImageArgs) {
    if (!IMAGE_BUILD_TOOLS.includes(args.tool)) {
        throw new InvalidSettingError("tool", args.tool, `one of ${IMAGE_BUILD_TOOLS.join(", ")}`);
    }
    const context = path.resolve(args.context ?? "");
    if (!fs.existsSync(path.join(context, "Dockerfile"))) {
        throw new InvalidSettingError("context", args.context, "a folder that holds a Dockerfile");
    }
    const registryRule = args.tool === "az-acr" ? /^[a-zA-Z0-9]{5,50}$/ : /^[a-z0-9.-]+(:[0-9]+)?$/;
    if (typeof args.registry !== "string" || !registryRule.test(args.registry)) {
        throw new InvalidSettingError(
            "registry",
            args.registry,
            args.tool === "az-acr"
                ? "an Azure Container Registry name (5-50 letters or digits)"
                : "a registry host such as 'registry.example.com:5000'",
        );
    }
    for (const [name, value] of Object.entries(args.buildArgs ?? {})) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name))
            throw new InvalidSettingError(
                "buildArgs",
                name,
                "NAME=value items whose NAME is a Dockerfile ARG name (letters, digits, _)",
            );
        if (typeof value !== "string") throw new InvalidSettingError(`buildArgs.${name}`, value, "a string");
    }
    const repository = args.repository ?? path.basename(context).toLowerCase();
    if (!/^[a-z0-9]+([._/-][a-z0-9]+)*$/.test(repository)) {
        throw new InvalidSettingError(
            "repository",
            repository,
            "a lower-case repository path such as 'chaincode/basic'",
        );
    }
    return { context, repository };
}

function shellQuote(value: string): string {
    return `'${value.replace(/'/g, "'\\''")}'`;
}
