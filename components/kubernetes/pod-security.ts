/**
 * Pod Security admission labels for a namespace the stack creates: the API
 * server itself refuses any pod there that is not "restricted" (root, added
 * capabilities, host paths, privilege escalation, no seccomp profile).
 */
export const RESTRICTED_POD_SECURITY_LABELS: Readonly<Record<string, string>> = {
    "pod-security.kubernetes.io/enforce": "restricted",
    "pod-security.kubernetes.io/audit": "restricted",
    "pod-security.kubernetes.io/warn": "restricted",
};

/** The labels of a chaincode namespace the stack owns. */
export function ownedNamespaceLabels(commonLabels: Readonly<Record<string, string>>): Record<string, string> {
    return { ...commonLabels, ...RESTRICTED_POD_SECURITY_LABELS };
}
