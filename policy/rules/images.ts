/** Images pinned by digest: a tag can be moved to other bytes; a digest cannot. */
import type { ResourceView } from "./resource";
import { isUnknown } from "./resource";
import { containersOf, podSpecOf, workloadLabel } from "./workloads";

const DIGEST_PINNED = /@sha256:[0-9a-f]{64}$/;

export function unpinnedImages(resource: ResourceView): string[] {
    const pod = podSpecOf(resource);
    if (!pod) return [];
    return containersOf(pod).flatMap(({ path, name, container }) => {
        const image = container.image;
        if (isUnknown(image) || (typeof image === "string" && DIGEST_PINNED.test(image))) return [];
        return [
            `${workloadLabel(resource)}: container "${name}" (${path}.image) runs ${JSON.stringify(image ?? null)}, ` +
                "which is not pinned by digest; expected <repository>@sha256:<64 hex digits> (set imageDigest, or use imageBuild)",
        ];
    });
}
