/**
 * The restricted Pod Security Standard (kubernetes.io/docs/concepts/security/pod-security-standards):
 * the fields a pod must set, and the ones it must not, for admission under
 * `pod-security.kubernetes.io/enforce: restricted`.
 */
import type { ResourceView } from "./resource";
import { list, record } from "./resource";
import { containersOf, podSpecOf, workloadLabel } from "./workloads";

const ALLOWED_ADDED_CAPABILITIES = new Set(["NET_BIND_SERVICE"]);
const ALLOWED_SECCOMP = new Set(["RuntimeDefault", "Localhost"]);

export function podSecurityGaps(resource: ResourceView): string[] {
    const pod = podSpecOf(resource);
    if (!pod) return [];
    const gaps: string[] = [];
    const podContext = record(pod.spec.securityContext) ?? {};
    for (const field of ["hostNetwork", "hostPID", "hostIPC"] as const) {
        if (pod.spec[field] === true) gaps.push(`${pod.path}.${field} is true; expected false or unset`);
    }
    list(pod.spec.volumes).forEach((volume, i) => {
        if (record(volume)?.hostPath !== undefined)
            gaps.push(`${pod.path}.volumes[${i}] mounts a hostPath; expected no hostPath volume`);
    });
    const podSeccomp = record(podContext.seccompProfile)?.type;
    for (const { path, container } of containersOf(pod)) {
        const context = record(container.securityContext) ?? {};
        const at = `${path}.securityContext`;
        if (context.privileged === true) gaps.push(`${at}.privileged is true; expected false or unset`);
        if (context.allowPrivilegeEscalation !== false) {
            gaps.push(
                `${at}.allowPrivilegeEscalation is ${JSON.stringify(context.allowPrivilegeEscalation ?? null)}; expected false`,
            );
        }
        const runAsNonRoot = context.runAsNonRoot ?? podContext.runAsNonRoot;
        if (runAsNonRoot !== true)
            gaps.push(`${at}.runAsNonRoot (or the pod's) is ${JSON.stringify(runAsNonRoot ?? null)}; expected true`);
        if ((context.runAsUser ?? podContext.runAsUser) === 0)
            gaps.push(`${at}.runAsUser is 0; expected a non-zero UID`);
        const capabilities = record(context.capabilities) ?? {};
        if (!list(capabilities.drop).includes("ALL"))
            gaps.push(`${at}.capabilities.drop does not include "ALL"; expected ["ALL"]`);
        const added = list(capabilities.add).filter((cap) => !ALLOWED_ADDED_CAPABILITIES.has(String(cap)));
        if (added.length > 0)
            gaps.push(`${at}.capabilities.add has ${JSON.stringify(added)}; expected at most ["NET_BIND_SERVICE"]`);
        const seccomp = record(context.seccompProfile)?.type ?? podSeccomp;
        if (!ALLOWED_SECCOMP.has(String(seccomp))) {
            gaps.push(
                `${at}.seccompProfile.type (or the pod's) is ${JSON.stringify(seccomp ?? null)}; expected RuntimeDefault or Localhost`,
            );
        }
    }
    return gaps.map((gap) => `${workloadLabel(resource)}: ${gap}`);
}
