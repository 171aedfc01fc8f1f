/**
 * TLS and mutual TLS on every chaincode server: the peer's traffic is
 * encrypted and only a client certificate from the chaincode's CA gets in.
 * Read from the server's environment, which the program derives from the
 * `tls` and `clientAuth` settings.
 */
import type { ResourceView } from "./resource";
import { isUnknown } from "./resource";
import { containersOf, environmentOf, isChaincodeServer, podSpecOf, workloadLabel } from "./workloads";

export function chaincodeTlsGaps(resource: ResourceView): string[] {
    const pod = podSpecOf(resource);
    if (!pod) return [];
    return containersOf(pod)
        .filter(({ container }) => isChaincodeServer(container))
        .flatMap(({ name, container }) => {
            const env = environmentOf(container);
            const disabled = env.get("CHAINCODE_TLS_DISABLED");
            if (isUnknown(disabled)) return [];
            const where = `${workloadLabel(resource)}: chaincode server "${name}"`;
            if (disabled !== "false" || !env.has("CHAINCODE_TLS_CERT")) {
                return [`${where} serves without TLS (CHAINCODE_TLS_DISABLED=${String(disabled)}); expected tls: true`];
            }
            if (!env.has("CHAINCODE_CLIENT_CA_CERT")) {
                return [
                    `${where} accepts any client: mutual TLS is off (no CHAINCODE_CLIENT_CA_CERT); expected clientAuth: true`,
                ];
            }
            return [];
        });
}
