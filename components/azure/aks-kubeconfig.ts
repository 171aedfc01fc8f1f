import * as yaml from "js-yaml";

/**
 * How the Kubernetes provider signs in to an AKS cluster with Entra ID:
 * `kubelogin get-token --login <mode>`, never interactively.
 * - azurecli: the Azure CLI's session (a CI runner after `azure/login` with OIDC, or a developer after `az login`);
 * - workloadidentity: a federated token file (AZURE_CLIENT_ID, AZURE_TENANT_ID, AZURE_FEDERATED_TOKEN_FILE);
 * - spn: a service principal's secret or certificate (AAD_SERVICE_PRINCIPAL_CLIENT_ID, …_CLIENT_SECRET);
 * - msi: the managed identity of the machine that runs `pulumi`.
 */
export type AksLogin = "azurecli" | "workloadidentity" | "spn" | "msi";
export const AKS_LOGINS: readonly AksLogin[] = ["azurecli", "workloadidentity", "spn", "msi"];

/** The Entra ID application every AKS API server accepts tokens for. */
export const AKS_SERVER_APP_ID = "6dae42f8-4368-4678-94ff-3960e28e3630";

interface KubeconfigUser {
    name?: string;
    user?: Record<string, unknown>;
}

/**
 * The cluster user's kubeconfig (as `listManagedClusterUserCredentials`
 * gives it) with every user signing in through kubelogin in `login` mode:
 * the kubeconfig AKS returns asks for a device code, which no CI runner can
 * answer. Clusters and contexts are kept as they are. Returned as JSON, a
 * kubeconfig the provider reads like YAML.
 */
export function kubeloginKubeconfig(kubeconfig: string, login: AksLogin): string {
    const parsed = yaml.load(kubeconfig) as { users?: KubeconfigUser[] } | undefined;
    if (!parsed || !Array.isArray(parsed.users) || parsed.users.length === 0) {
        throw new Error("the AKS user credentials hold no kubeconfig user to sign in with");
    }
    const users = parsed.users.map((entry) => ({
        name: entry.name,
        user: {
            exec: {
                apiVersion: "client.authentication.k8s.io/v1beta1",
                command: "kubelogin",
                args: ["get-token", "--login", login, "--server-id", AKS_SERVER_APP_ID],
                interactiveMode: "Never",
                provideClusterInfo: false,
                installHint:
                    "kubelogin signs in to AKS with Entra ID: az aks install-cli, or https://azure.github.io/kubelogin/install.html",
            },
        },
    }));
    return JSON.stringify({ ...parsed, users });
}
