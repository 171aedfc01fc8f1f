/**
 * What Kubernetes and Fabric would refuse in accepted settings, by the rules
 * the project writes once (components/validation): the names, quantities,
 * labels and addresses the program declares from them, with the components'
 * defaults filled in. An accepted configuration must give none.
 */
import type { ProgramSettings } from "../../../config/settings";
import { DEFAULT_NAMESPACE, defaultServiceName } from "../../../components/chaincode/external-chaincode";
import { InvalidSettingError } from "../../../components/validation/errors";
import {
    checkChaincodeLabel,
    checkChaincodeName,
    checkChaincodeVersion,
    checkChannelName,
    checkHostPort,
    checkMspId,
    checkPort,
    checkSubjectAltName,
} from "../../../components/validation/fabric";
import {
    checkCidr,
    checkDnsLabel,
    checkIntegerInRange,
    checkQuantity,
    checkRequestWithinLimit,
    checkServiceName,
    KUBERNETES_NAMESPACES,
    parseLabelSelector,
} from "../../../components/validation/kubernetes";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function acceptedSettingsViolations(settings: ProgramSettings): string[] {
    const violations: string[] = [];
    const rule = (check: () => unknown) => {
        try {
            check();
        } catch (error) {
            violations.push(error instanceof InvalidSettingError ? error.message : String(error));
        }
    };
    const once = (what: string, values: readonly string[]) => {
        if (new Set(values).size !== values.length) violations.push(`${what} repeat: ${values.join(", ")}`);
    };
    once(
        "chaincode names",
        settings.chaincodes.map((c) => c.chaincodeName),
    );
    for (const c of settings.chaincodes) {
        rule(() => checkChaincodeName("name", c.chaincodeName));
        rule(() => checkChaincodeVersion("version", c.chaincodeVersion ?? "1.0"));
        if (c.label !== undefined) rule(() => checkChaincodeLabel("label", c.label));
        const namespace = c.namespace ?? DEFAULT_NAMESPACE;
        rule(() => checkDnsLabel("namespace", namespace));
        if (c.createNamespace !== false && (KUBERNETES_NAMESPACES as readonly string[]).includes(namespace))
            violations.push(`creates the reserved namespace ${namespace}`);
        rule(() => checkServiceName("service", c.serviceName ?? defaultServiceName(c.chaincodeName)));
        if (c.port !== undefined) rule(() => checkPort("port", c.port));
        if (c.replicas !== undefined) rule(() => checkIntegerInRange("replicas", c.replicas as number, 0, 100));
        if (c.replicas === 0 && c.lifecycle && c.smokeCheck?.enabled !== false)
            violations.push("no server for the smoke check to reach");
        const resources = {
            cpuRequest: c.resources?.cpuRequest ?? "100m",
            cpuLimit: c.resources?.cpuLimit ?? "500m",
            memoryRequest: c.resources?.memoryRequest ?? "128Mi",
            memoryLimit: c.resources?.memoryLimit ?? "512Mi",
        };
        for (const [name, quantity] of Object.entries(resources)) rule(() => checkQuantity(name, quantity as string));
        for (const kind of ["cpu", "memory"] as const) {
            const quantity = (part: "Request" | "Limit") => ({
                setting: `${kind}${part}`,
                value: resources[`${kind}${part}`],
                given: true,
            });
            rule(() => checkRequestWithinLimit(quantity("Request"), quantity("Limit")));
        }
        for (const name of Object.keys(c.env ?? {}))
            if (!ENV_NAME.test(name)) violations.push(`env name ${JSON.stringify(name)}`);
        const access = c.peerAccess ?? {};
        for (const cidr of (access.peerCidrs as string[] | undefined) ?? []) rule(() => checkCidr("cidr", cidr));
        once("peer CIDRs", (access.peerCidrs as string[] | undefined) ?? []);
        for (const terms of [access.peerPodSelector, access.peerNamespaceSelector])
            if (terms) rule(() => parseLabelSelector("selector", terms as string[]));
        const sans = (c.tls?.extraSans as string[] | undefined) ?? [];
        for (const san of sans) rule(() => checkSubjectAltName("san", san));
        once("server certificate names", sans);
        const lifecycle = c.lifecycle;
        if (!lifecycle) continue;
        rule(() => checkChannelName("channel", lifecycle.channel));
        const orgs = [lifecycle.org, ...(lifecycle.otherOrgs ?? [])];
        once(
            "MSP IDs",
            orgs.map((o) => o.mspId as string),
        );
        for (const o of orgs) {
            rule(() => checkMspId("mspId", o.mspId));
            const endpoints = o.peers.map((p) => p.endpoint as string);
            for (const endpoint of endpoints) rule(() => checkHostPort("peer", endpoint));
            once("peer endpoints", endpoints);
        }
        once(
            "orderer endpoints",
            (lifecycle.orderers ?? []).map((o) => o.endpoint as string),
        );
        once(
            "commit peers",
            (lifecycle.commitPeers ?? []).map((p) => p.endpoint as string),
        );
    }
    return violations;
}
