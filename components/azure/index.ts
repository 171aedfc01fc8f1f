/** Azure: an AKS cluster signed in to through Entra ID, and the registry its nodes pull from. */
export { AksCluster, type AksClusterArgs } from "./aks-cluster";
