import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";

/**
 * The Secret that holds a server's secret environment variables, one key per
 * variable. Its values are Pulumi secrets in the state; the Deployment names
 * only the Secret and the keys (valueFrom.secretKeyRef).
 */
export function secretEnvironment(
    resourceName: string,
    metadata: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string> },
    values: Readonly<Record<string, pulumi.Input<string>>>,
    options: (props: object, derived?: string[]) => pulumi.CustomResourceOptions,
): k8s.core.v1.Secret {
    const props = {
        metadata,
        type: "Opaque",
        stringData: pulumi.secret(pulumi.output(values)) as pulumi.Output<Record<string, string>>,
    };
    return new k8s.core.v1.Secret(resourceName, props, options(props, ["data"]));
}
