/**
 * Images for a node that can pull nothing from the internet, built with
 * buildah inside the node's mount namespace (its storage and caches stay
 * there) from files this machine already has:
 *   - busybox: Debian's static busybox (the sandbox "pause" image and the
 *     tests' client pods, which need nc, wget and a shell);
 *   - node: the Node runtime the project provisions, the shared libraries
 *     ldd lists for it, npm from the npm registry, busybox as /bin/sh and
 *     the machine's trusted CA certificates (npm in a build then trusts what
 *     the machine trusts, a TLS-inspecting proxy included): the base a
 *     chaincode Dockerfile names in NODE_IMAGE.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import { dirname, join, relative } from "node:path";
import { cacheRoot } from "../network/binaries";
import { PAUSE_IMAGE } from "./config-files";
import type { NodeSandbox } from "./sandbox";

export const BUSYBOX_BINARY = "/bin/busybox";
/** npm of the Node 22 line, put into the Node base image (the runtime package the project provisions carries no npm). */
export const NPM_VERSION = "10.9.9";
/** Debian's bundle of the machine's trusted CAs (ca-certificates), as the official Node images carry theirs. */
export const CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

export interface NodeImages {
    /** In the node's registry: a shell, nc and wget, run as any user. */
    readonly busybox: string;
    /** In the node's registry and the node's build storage: Node and npm, for NODE_IMAGE. */
    readonly node: string;
}

/**
 * Builds the node's images: the pause image straight into containerd, the
 * others pushed to the node's registry (which must be serving).
 */
export async function buildNodeImages(
    sandbox: NodeSandbox,
    imagesDir: string,
    containerdSocket: string,
): Promise<NodeImages> {
    const registry = sandbox.addresses.registryHost;
    const busyboxRoot = stageBusybox(join(imagesDir, "busybox-rootfs"));
    const busybox = `${registry}/ccaas/busybox:1`;
    await buildFromScratch(sandbox, busyboxRoot, busybox, ["--cmd", '["sh"]']);
    await sandbox.exec(["buildah", "push", "--quiet", busybox]);

    // The sandbox image: the same files, a command that blocks until the sandbox is killed.
    await buildFromScratch(sandbox, busyboxRoot, PAUSE_IMAGE, [
        "--entrypoint",
        '["/bin/busybox","sleep","2147483647"]',
    ]);
    const archive = join(imagesDir, "pause.tar");
    fs.rmSync(archive, { force: true });
    await sandbox.exec(["buildah", "push", "--quiet", PAUSE_IMAGE, `oci-archive:${archive}:${PAUSE_IMAGE}`]);
    await sandbox.exec(["ctr", "--address", containerdSocket, "--namespace", "k8s.io", "images", "import", archive]);
    fs.rmSync(archive);

    const nodeVersion = process.versions.node;
    const node = `${registry}/ccaas/node:${nodeVersion}`;
    const nodeRoot = stageNode(join(imagesDir, "node-rootfs"), busyboxRoot);
    const nodeEnv = [
        "PATH=/usr/local/bin:/usr/bin:/bin",
        "HOME=/root",
        ...(fs.existsSync(CA_BUNDLE) ? [`NODE_EXTRA_CA_CERTS=${CA_BUNDLE}`] : []),
    ];
    await buildFromScratch(sandbox, nodeRoot, node, [
        ...nodeEnv.flatMap((value) => ["--env", value]),
        "--cmd",
        '["node"]',
    ]);
    await sandbox.exec(["buildah", "push", "--quiet", node], { timeoutMs: 300_000 });
    return { busybox, node };
}

async function buildFromScratch(
    sandbox: NodeSandbox,
    rootfs: string,
    reference: string,
    config: string[],
): Promise<void> {
    const container = (await sandbox.exec(["buildah", "from", "--quiet", "scratch"])).trim();
    try {
        await sandbox.exec(["buildah", "copy", "--quiet", container, `${rootfs}/`, "/"], { timeoutMs: 300_000 });
        await sandbox.exec(["buildah", "config", ...config, container]);
        await sandbox.exec(["buildah", "commit", "--quiet", "--rm", container, reference], { timeoutMs: 300_000 });
    } catch (error) {
        await sandbox.exec(["buildah", "rm", container]).catch(() => undefined);
        throw error;
    }
}

/** busybox as /bin/busybox, with the links a shell script and env(1) need, a writable /tmp and a passwd for uid 0. */
function stageBusybox(root: string): string {
    if (!fs.existsSync(BUSYBOX_BINARY)) {
        throw new Error(
            `${BUSYBOX_BINARY} is missing: the node's images need a static busybox (Debian's busybox-static)`,
        );
    }
    fs.rmSync(root, { recursive: true, force: true });
    for (const dir of ["bin", "usr/bin", "etc", "root"]) fs.mkdirSync(join(root, dir), { recursive: true });
    fs.mkdirSync(join(root, "tmp"), { mode: 0o1777 });
    fs.chmodSync(join(root, "tmp"), 0o1777);
    fs.copyFileSync(BUSYBOX_BINARY, join(root, "bin", "busybox"));
    fs.chmodSync(join(root, "bin", "busybox"), 0o755);
    for (const applet of ["sh", "nc", "wget", "id", "cat", "ls", "sleep", "touch", "nslookup", "kill"])
        fs.symlinkSync("busybox", join(root, "bin", applet));
    fs.symlinkSync("/bin/busybox", join(root, "usr", "bin", "env"));
    fs.writeFileSync(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    fs.writeFileSync(join(root, "etc", "group"), "root:x:0:\n");
    return root;
}

/** The busybox tree plus the running Node binary, its shared libraries and npm. */
function stageNode(root: string, busyboxRoot: string): string {
    fs.rmSync(root, { recursive: true, force: true });
    fs.cpSync(busyboxRoot, root, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(join(root, "tmp"), 0o1777);
    const nodeBinary = fs.realpathSync(process.execPath);
    fs.mkdirSync(join(root, "usr", "local", "bin"), { recursive: true });
    fs.copyFileSync(nodeBinary, join(root, "usr", "local", "bin", "node"));
    fs.chmodSync(join(root, "usr", "local", "bin", "node"), 0o755);
    for (const library of sharedLibraries(nodeBinary)) {
        // Both the path the loader asks for and, where it is a link, the file it names.
        for (const path of new Set([library, fs.realpathSync(library)])) {
            fs.mkdirSync(join(root, dirname(path)), { recursive: true });
            fs.copyFileSync(library, join(root, path));
        }
    }
    const npmDir = join(root, "usr", "local", "lib", "node_modules", "npm");
    fs.mkdirSync(npmDir, { recursive: true });
    execFileSync("tar", ["-xzf", npmTarball(), "-C", npmDir, "--strip-components=1"]);
    fs.symlinkSync("../lib/node_modules/npm/bin/npm-cli.js", join(root, "usr", "local", "bin", "npm"));
    fs.symlinkSync("../lib/node_modules/npm/bin/npx-cli.js", join(root, "usr", "local", "bin", "npx"));
    if (fs.existsSync(CA_BUNDLE)) {
        fs.mkdirSync(join(root, dirname(CA_BUNDLE)), { recursive: true });
        fs.copyFileSync(CA_BUNDLE, join(root, CA_BUNDLE));
    }
    return root;
}

/** The absolute paths ldd resolves for a binary (the loader included). */
function sharedLibraries(binary: string): string[] {
    const out = execFileSync("ldd", [binary], { encoding: "utf8" });
    const paths: string[] = [];
    for (const line of out.split("\n")) {
        const match = /=>\s*(\/\S+)/.exec(line) ?? /^\s*(\/\S+)\s+\(/.exec(line);
        if (match) paths.push(match[1]);
    }
    return paths;
}

/** npm's package from the npm registry, cached beside the project's other downloads. */
function npmTarball(): string {
    const cache = join(cacheRoot(), "node-image");
    const tarball = join(cache, `npm-${NPM_VERSION}.tgz`);
    if (!fs.existsSync(tarball)) {
        fs.mkdirSync(cache, { recursive: true });
        execFileSync("npm", ["pack", `npm@${NPM_VERSION}`, "--pack-destination", cache, "--silent"], {
            stdio: ["ignore", "ignore", "pipe"],
        });
    }
    return tarball;
}

export interface ImageBuild {
    /** Folder with the Dockerfile. */
    readonly context: string;
    /** <registry>/<repository>:<tag>, in the node's registry. */
    readonly reference: string;
    readonly buildArgs?: Readonly<Record<string, string>>;
    /** Image labels: a second image of the same files gets a digest of its own. */
    readonly labels?: Readonly<Record<string, string>>;
}

/**
 * Builds a Dockerfile with podman inside the node's mount namespace (the
 * host's network, so RUN steps reach the package registries), pushes it to
 * the node's registry and returns the digest the registry gives it. The
 * built image is kept as an OCI archive in the project's cache, named by
 * what decides its contents (buildInputsDigest): a later node with the same
 * inputs pushes the archive instead of building again.
 */
export async function buildAndPush(sandbox: NodeSandbox, build: ImageBuild): Promise<string> {
    const cache = join(cacheRoot(), "node-images");
    const archive = join(cache, `${buildInputsDigest(build, sandbox.addresses.registryHost)}.oci.tar`);
    if (!fs.existsSync(archive)) {
        const buildArgs = Object.entries(build.buildArgs ?? {}).flatMap(([name, value]) => [
            "--build-arg",
            `${name}=${value}`,
        ]);
        const labels = Object.entries(build.labels ?? {}).flatMap(([name, value]) => ["--label", `${name}=${value}`]);
        await sandbox.exec(
            [
                "podman",
                "build",
                "--quiet",
                "--network",
                "host",
                ...buildArgs,
                ...labels,
                "--tag",
                build.reference,
                build.context,
            ],
            { network: false, timeoutMs: 600_000 },
        );
        fs.mkdirSync(cache, { recursive: true });
        // Written aside and renamed: a reader (another node) never sees half an archive.
        const partial = `${archive}.${process.pid}.partial`;
        await sandbox.exec(
            ["podman", "save", "--quiet", "--format", "oci-archive", "--output", partial, build.reference],
            { network: false, timeoutMs: 300_000 },
        );
        fs.renameSync(partial, archive);
    }
    await sandbox.exec(
        [
            "skopeo",
            "copy",
            "--quiet",
            "--dest-tls-verify=false",
            `oci-archive:${archive}`,
            `docker://${build.reference}`,
        ],
        { network: false, timeoutMs: 300_000 },
    );
    return registryDigest(build.reference);
}

/**
 * What decides a build's image, as a hash: the Dockerfile, every file the
 * context sends (less its .dockerignore's plain entries), the build
 * arguments (the node's own registry address left out: each node has its
 * own), the labels, and what the node's base image is made of.
 */
export function buildInputsDigest(build: ImageBuild, registryHost: string): string {
    const hash = createHash("sha256").update("ccaas-node-image-1\n");
    const ignored = new Set(readIgnoreEntries(join(build.context, ".dockerignore")));
    for (const file of contextFiles(build.context, build.context, ignored)) {
        hash.update(`${relative(build.context, file)}\0`)
            .update(fs.readFileSync(file))
            .update("\0");
    }
    hash.update(fs.readFileSync(join(build.context, "Dockerfile")));
    const args = Object.entries(build.buildArgs ?? {}).map(
        ([name, value]) => `${name}=${value.split(registryHost).join("<registry>")}`,
    );
    const labels = Object.entries(build.labels ?? {}).map(([name, value]) => `${name}=${value}`);
    hash.update(
        JSON.stringify({ args: args.sort(), labels: labels.sort(), node: process.versions.node, npm: NPM_VERSION }),
    );
    if (fs.existsSync(CA_BUNDLE)) hash.update(fs.readFileSync(CA_BUNDLE));
    return hash.digest("hex").slice(0, 32);
}

function readIgnoreEntries(file: string): string[] {
    if (!fs.existsSync(file)) return [];
    return fs
        .readFileSync(file, "utf8")
        .split("\n")
        .map((line) => line.trim())
        .filter((line) => line && !line.startsWith("#"));
}

/** Files under dir, sorted, without the ignored entries (matched by their path from the context, or by name for patterns like "*.md"). */
function contextFiles(context: string, dir: string, ignored: ReadonlySet<string>): string[] {
    const files: string[] = [];
    for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const path = join(dir, entry.name);
        const fromContext = relative(context, path);
        const byPattern = [...ignored].some(
            (pattern) => pattern.startsWith("*.") && entry.name.endsWith(pattern.slice(1)),
        );
        if (ignored.has(fromContext) || byPattern) continue;
        if (entry.isDirectory()) files.push(...contextFiles(context, path, ignored));
        else if (entry.isFile()) files.push(path);
    }
    return files;
}

/** The digest the registry serves for <host>/<repository>:<tag> (what a kubelet pulls). */
export async function registryDigest(reference: string): Promise<string> {
    const match = /^([^/]+)\/(.+):([^:/]+)$/.exec(reference);
    if (!match) throw new Error(`not a <registry>/<repository>:<tag> reference: ${reference}`);
    const [, host, repository, tag] = match;
    const response = await fetch(`http://${host}/v2/${repository}/manifests/${tag}`, {
        method: "HEAD",
        headers: {
            accept: [
                "application/vnd.oci.image.index.v1+json",
                "application/vnd.oci.image.manifest.v1+json",
                "application/vnd.docker.distribution.manifest.list.v2+json",
                "application/vnd.docker.distribution.manifest.v2+json",
            ].join(", "),
        },
    });
    const digest = response.headers.get("docker-content-digest");
    if (!response.ok || !digest)
        throw new Error(`the registry ${host} has no manifest for ${repository}:${tag} (HTTP ${response.status})`);
    return digest;
}
