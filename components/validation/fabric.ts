import * as net from "node:net";
import { InvalidSettingError } from "./errors";

/*
 * Validators for values Fabric itself constrains. Each takes the setting name
 * (for the error) and the value, throws InvalidSettingError when the value is
 * not accepted, and returns the value typed. The rules restate the peer's own
 * (core/chaincode/persistence, core/chaincode/lifecycle in Fabric 2.5); Go's
 * [[:alnum:]] is ASCII-only, hence [A-Za-z0-9] here.
 */

const LABEL = /^[A-Za-z0-9][A-Za-z0-9_.+-]*$/;
const CHAINCODE_NAME = /^[A-Za-z0-9]+([-_][A-Za-z0-9]+)*$/;
const CHAINCODE_VERSION = /^[A-Za-z0-9_.+-]+$/;
const COLLECTION_NAME = /^[A-Za-z0-9-][A-Za-z0-9_-]*$/;

/** Characters of an MSP ID: what a signature policy principal ('MSPID.role') can name. */
export const MSP_ID_CHARACTER = /[A-Za-z0-9.-]/;
const MSP_ID = /^[A-Za-z0-9.-]{1,128}$/;

/** An MSP ID, by the one rule the config, the components and the providers share. */
export function checkMspId(setting: string, value: unknown): string {
    const accepted = "an MSP ID of letters, digits, '.' and '-' (what an endorsement policy can name), e.g. 'Org1MSP'";
    const mspId = checkString(setting, value, accepted);
    if (!MSP_ID.test(mspId)) throw new InvalidSettingError(setting, value, accepted);
    return mspId;
}

/** Returns value if it is a string, otherwise throws naming what is accepted. */
export function checkString(setting: string, value: unknown, accepted: string): string {
    if (typeof value !== "string") throw new InvalidSettingError(setting, value, accepted);
    return value;
}

/** A chaincode package label, as the peer checks it on install: ^[[:alnum:]][[:alnum:]_.+-]*$. */
export function checkChaincodeLabel(setting: string, value: unknown): string {
    const accepted =
        "a package label: a letter or digit, then letters, digits and _ . + - (Fabric's ^[[:alnum:]][[:alnum:]_.+-]*$)";
    const label = checkString(setting, value, accepted);
    if (!LABEL.test(label)) throw new InvalidSettingError(setting, value, accepted);
    return label;
}

/** A chaincode name, as _lifecycle checks it: ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$. */
export function checkChaincodeName(setting: string, value: unknown): string {
    const accepted =
        "a chaincode name: letters and digits, single - or _ between them (Fabric's ^[a-zA-Z0-9]+([-_][a-zA-Z0-9]+)*$)";
    const name = checkString(setting, value, accepted);
    if (!CHAINCODE_NAME.test(name)) throw new InvalidSettingError(setting, value, accepted);
    return name;
}

/** A chaincode version, as _lifecycle checks it: ^[A-Za-z0-9_.+-]+$. */
export function checkChaincodeVersion(setting: string, value: unknown): string {
    const accepted = "a chaincode version: one or more letters, digits and _ . + - (Fabric's ^[A-Za-z0-9_.+-]+$)";
    const version = checkString(setting, value, accepted);
    if (!CHAINCODE_VERSION.test(version)) throw new InvalidSettingError(setting, value, accepted);
    return version;
}

/** A private data collection name, as _lifecycle checks it: ^[A-Za-z0-9-]+([A-Za-z0-9_-]+)*$. */
export function checkCollectionName(setting: string, value: unknown): string {
    const accepted =
        "a collection name: letters, digits, _ and -, not starting with _ (Fabric's ^[A-Za-z0-9-]+([A-Za-z0-9_-]+)*$)";
    const name = checkString(setting, value, accepted);
    if (!COLLECTION_NAME.test(name)) throw new InvalidSettingError(setting, value, accepted);
    return name;
}

const HOST_ACCEPTED =
    "a DNS name (labels of letters, digits, - and _, up to 63 characters each, 253 in all), " +
    "an IPv4 address, or an IPv6 address in brackets like [::1]";

/** True for a DNS-style host name. Underscores are allowed: Docker-style names such as peer0_cc are dialable. */
function isDnsName(host: string): boolean {
    if (host.length === 0 || host.length > 253) return false;
    const labels = host.split(".");
    const wellFormed = labels.every((label) => /^[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/.test(label));
    // An all-numeric last label is a mistyped IPv4 address, not a name.
    return wellFormed && !/^[0-9]+$/.test(labels[labels.length - 1]);
}

/**
 * A host to dial or put in a certificate: DNS name, IPv4, or bracketed IPv6.
 * Returns the host as given (brackets kept).
 */
export function checkHost(setting: string, value: unknown): string {
    const host = checkString(setting, value, HOST_ACCEPTED);
    if (host.startsWith("[") && host.endsWith("]")) {
        if (net.isIPv6(host.slice(1, -1))) return host;
    } else if (net.isIPv4(host) || isDnsName(host)) {
        return host;
    }
    throw new InvalidSettingError(setting, value, HOST_ACCEPTED);
}

/** A subject alternative name for a server certificate: a DNS name (a leading "*." allowed), IPv4 or IPv6 (no brackets). */
export function checkSubjectAltName(setting: string, value: unknown): string {
    const accepted =
        "a DNS name (a leading '*.' allowed), an IPv4 address or an IPv6 address, e.g. 'cc.example.com' or '10.0.0.5'";
    const san = checkString(setting, value, accepted);
    const name = san.startsWith("*.") ? san.slice(2) : san;
    if (net.isIPv4(san) || net.isIPv6(san) || isDnsName(name)) return san;
    throw new InvalidSettingError(setting, value, accepted);
}

/** A TCP port number 1-65535, given as a number or a decimal string without leading zeros. */
export function checkPort(setting: string, value: unknown): number {
    const accepted = "a port number from 1 to 65535";
    const port = typeof value === "string" && /^[1-9][0-9]{0,4}$/.test(value) ? Number(value) : value;
    if (typeof port !== "number" || !Number.isInteger(port) || port < 1 || port > 65535) {
        throw new InvalidSettingError(setting, value, accepted);
    }
    return port;
}

export interface HostPort {
    /** DNS name, IPv4 address, or IPv6 address in brackets. */
    readonly host: string;
    readonly port: number;
}

/** Splits and checks "host:port" (IPv6 as "[::1]:7052"). */
export function parseHostPort(setting: string, value: unknown): HostPort {
    const accepted = `host:port, where host is ${HOST_ACCEPTED} and port is 1-65535 (e.g. "mycc.chaincode.svc:7052")`;
    const address = checkString(setting, value, accepted);
    const colon = address.lastIndexOf(":");
    if (colon <= 0) throw new InvalidSettingError(setting, value, accepted);
    const host = address.slice(0, colon);
    const port = address.slice(colon + 1);
    try {
        return { host: checkHost(setting, host), port: checkPort(setting, port) };
    } catch (err) {
        if (err instanceof InvalidSettingError) throw new InvalidSettingError(setting, value, accepted);
        throw err;
    }
}

/** Checks "host:port" and returns it unchanged. */
export function checkHostPort(setting: string, value: unknown): string {
    parseHostPort(setting, value);
    return value as string;
}

// Go's time.ParseDuration units, in nanoseconds; both micro signs are accepted, as Go does.
const GO_DURATION_UNITS: Readonly<Record<string, number>> = {
    ns: 1,
    us: 1e3,
    "\u00b5s": 1e3,
    "\u03bcs": 1e3,
    ms: 1e6,
    s: 1e9,
    m: 60e9,
    h: 3600e9,
};
const GO_DURATION = /^(?:(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:ns|us|\u00b5s|\u03bcs|ms|s|m|h))+$/;
const GO_DURATION_SEGMENT = /([0-9]*\.?[0-9]*)(ns|us|\u00b5s|\u03bcs|ms|s|m|h)/g;
const MAX_GO_DURATION_NS = 2 ** 63 - 1;

/**
 * A positive duration in Go's time.ParseDuration syntax ("500ms", "10s",
 * "1m30s"). Returns the string unchanged; use goDurationMilliseconds for the value.
 */
export function checkGoDuration(setting: string, value: unknown): string {
    const accepted =
        'a positive Go duration: numbers with units ns, us, ms, s, m, h, e.g. "500ms", "10s", "1m30s" (at most 2562047h)';
    const duration = checkString(setting, value, accepted);
    if (!GO_DURATION.test(duration)) throw new InvalidSettingError(setting, value, accepted);
    const nanoseconds = durationNanoseconds(duration);
    if (nanoseconds <= 0 || nanoseconds > MAX_GO_DURATION_NS) throw new InvalidSettingError(setting, value, accepted);
    return duration;
}

/** The length of a valid Go duration in milliseconds. */
export function goDurationMilliseconds(setting: string, value: unknown): number {
    return durationNanoseconds(checkGoDuration(setting, value)) / 1e6;
}

function durationNanoseconds(duration: string): number {
    let total = 0;
    for (const [, amount, unit] of duration.matchAll(GO_DURATION_SEGMENT)) {
        total += Number(amount) * GO_DURATION_UNITS[unit];
    }
    return total;
}

/** The longest a Fabric call, a readiness wait or a smoke check may wait, seconds. */
export const MAX_WAIT_SECONDS = 3600;

/** A deadline (from 1) or a wait (from 0), in whole seconds, at most an hour: the one rule for every such setting. */
export function checkSeconds(setting: string, value: unknown, min: 0 | 1): number {
    if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > MAX_WAIT_SECONDS) {
        throw new InvalidSettingError(setting, value, `a whole number from ${min} to ${MAX_WAIT_SECONDS}`);
    }
    return value;
}

/** Fabric's channel name rule (configtx): lower-case letters, digits, '.' and '-', starting with a letter, at most 249 characters. */
export function checkChannelName(setting: string, value: unknown): string {
    if (typeof value !== "string" || !/^[a-z][a-z0-9.-]*$/.test(value) || value.length > 249) {
        throw new InvalidSettingError(
            setting,
            value,
            "a channel name: lower-case letters, digits, '.' and '-', starting with a letter",
        );
    }
    return value;
}

/** The ordering service is given one way: `orderer`, or a list `orderers` (a list of one is the same as orderer), not both. */
export function checkOneOrdererSetting(hasOrderer: boolean, orderers: readonly unknown[] | undefined): void {
    if (hasOrderer && orderers !== undefined) {
        throw new InvalidSettingError(
            "orderers",
            `(${orderers.length} orderers)`,
            "either orderer or orderers, not both (orderers: [the one orderer] is the same as orderer)",
        );
    }
}
