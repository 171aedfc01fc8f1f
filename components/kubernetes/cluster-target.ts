import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

export interface ExistingClusterArgs {
    /** Kubeconfig contents (secret). Defaults to the ambient kubeconfig ($KUBECONFIG or ~/.kube/config). */
    readonly kubeconfig?: pulumi.Input<string>;
    /** Context in the kubeconfig. Defaults to its current context. */
    readonly context?: string;
    /** Stable name of the cluster: the provider is replaced only when it changes. Defaults to the context or "default". */
    readonly clusterIdentifier?: string;
}

/** A Kubernetes provider for a cluster that exists already, keyed by a stable cluster identifier. */
export function existingClusterProvider(
    name: string,
    args: ExistingClusterArgs,
    opts?: pulumi.CustomResourceOptions,
): k8s.Provider {
    return new k8s.Provider(
        name,
        {
            kubeconfig: args.kubeconfig === undefined ? undefined : pulumi.secret(args.kubeconfig),
            context: args.context,
            clusterIdentifier: args.clusterIdentifier ?? args.context ?? "default",
        },
        opts,
    );
}
