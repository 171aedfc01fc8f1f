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
    checkDnsSubdomain,
    checkIntegerInRange,
    checkQuantity,
    checkRequestWithinLimit,
    checkServiceName,
    KUBERNETES_NAMESPACES,
    parseLabelSelector,
} from "../../../components/validation/kubernetes";

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The refusals of the rules run through `rule`, each prefixed with what it was about. */
function violationCollector() {
    const violations: string[] = [];
    const rule = (what: string, check: () => unknown) => {
        try {
            check();
        } catch (error) {
            const message = error instanceof InvalidSettingError ? error.message : String(error);
            violations.push(what ? `${what}: ${message}` : message);
        }
    };
    return { violations, rule };
}

export function acceptedSettingsViolations(settings: ProgramSettings): string[] {
    const { violations, rule: named } = violationCollector();
    const rule = (check: () => unknown) => named("", check);
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

/** What the program declared under mocks, as the recorder keeps it. */
interface Declared {
    readonly type: string;
    readonly name: string;
    readonly inputs: any;
}

/**
 * What the API server or a peer would refuse in declared resources: object
 * names, labels, container quantities and variables, NetworkPolicy blocks,
 * and the chaincode definition's name, version, channel and package label.
 */
export function declaredResourceViolations(resources: readonly Declared[]): string[] {
    const { violations, rule } = violationCollector();
    for (const { type, name, inputs } of resources) {
        const where = `${type} ${name}`;
        if (type.startsWith("kubernetes:")) {
            const metadata = inputs.metadata ?? {};
            if (typeof metadata.name === "string") rule(where, () => checkDnsSubdomain("name", metadata.name));
            for (const [key, value] of Object.entries(metadata.labels ?? {}))
                rule(where, () => parseLabelSelector("label", [`${key}=${value}`]));
        }
        if (type === "kubernetes:core/v1:Namespace") rule(where, () => checkDnsLabel("name", inputs.metadata.name));
        if (type === "kubernetes:core/v1:Service") rule(where, () => checkServiceName("name", inputs.metadata.name));
        if (type === "kubernetes:apps/v1:Deployment") {
            for (const container of inputs.spec.template.spec.containers) {
                const { requests = {}, limits = {} } = container.resources ?? {};
                for (const kind of ["cpu", "memory"] as const) {
                    rule(where, () => checkQuantity(kind, requests[kind]));
                    rule(where, () => checkQuantity(kind, limits[kind]));
                    rule(where, () =>
                        checkRequestWithinLimit(
                            { setting: "request", value: requests[kind], given: true },
                            { setting: "limit", value: limits[kind], given: true },
                        ),
                    );
                }
                const names = (container.env ?? []).map((variable: { name: string }) => variable.name);
                for (const variable of names)
                    if (!ENV_NAME.test(variable)) violations.push(`${where}: env name ${JSON.stringify(variable)}`);
                if (new Set(names).size !== names.length) violations.push(`${where}: a variable set twice`);
            }
        }
        if (type === "kubernetes:networking.k8s.io/v1:NetworkPolicy") {
            for (const from of (inputs.spec.ingress ?? []).flatMap((rule: any) => rule.from ?? []))
                if (from.ipBlock) rule(where, () => checkCidr("cidr", from.ipBlock.cidr));
        }
        if (type === "pulumi-nodejs:dynamic/fabric:ChaincodeApproval") {
            rule(where, () => checkChaincodeName("name", inputs.name));
            rule(where, () => checkChaincodeVersion("version", inputs.version));
            rule(where, () => checkChannelName("channel", inputs.channel));
            if (typeof inputs.packageId === "string" && inputs.packageId)
                rule(where, () => checkChaincodeLabel("label", inputs.packageId.split(":")[0]));
        }
    }
    return violations;
}
