/**
 * What a node could leave on the machine, read from the host's side:
 * network links, addresses and routes, named network namespaces, mounts,
 * iptables and nftables rules, and cgroups. A snapshot taken before a node
 * starts and one taken after it is gone must be equal; `hostChanges` lists
 * what differs. (Processes are checked by the sandbox itself.)
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";
import { cgroupHierarchies } from "./sandbox";

export interface HostSnapshot {
    readonly links: string[];
    readonly addresses: string[];
    readonly routes: string[];
    readonly namedNetworkNamespaces: string[];
    readonly mounts: string[];
    readonly iptables: string[];
    readonly nftables: string[];
    readonly cgroups: string[];
}

export function hostSnapshot(): HostSnapshot {
    return {
        links: lines("ip", ["-o", "link", "show"]).map((line) => line.split(":")[1]?.trim().split("@")[0] ?? line),
        addresses: lines("ip", ["-o", "address", "show"]).map((line) => line.replace(/\s+valid_lft.*$/, "")),
        // Without the countdown the kernel keeps on some IPv6 routes.
        routes: [
            ...lines("ip", ["-4", "route", "show", "table", "all"]),
            ...lines("ip", ["-6", "route", "show", "table", "all"]),
        ].map((route) => route.replace(/\s+expires \d+sec/, "")),
        namedNetworkNamespaces: fs.existsSync("/run/netns") ? fs.readdirSync("/run/netns").sort() : [],
        mounts: fs
            .readFileSync("/proc/self/mountinfo", "utf8")
            .split("\n")
            .filter(Boolean)
            .map((line) => line.split(" ")[4])
            .sort(),
        iptables: [...rules("iptables-save"), ...rules("ip6tables-save")],
        nftables: lines("nft", ["list", "ruleset"], true)
            .filter((line) => !/^\s*$/.test(line))
            .map((line) => line.replace(/counter packets \d+ bytes \d+/, "counter")),
        cgroups: cgroupHierarchies().flatMap((hierarchy) =>
            fs
                .readdirSync(hierarchy, { withFileTypes: true })
                .filter((entry) => entry.isDirectory())
                .map((entry) => join(hierarchy, entry.name)),
        ),
    };
}

/** What is in `after` and not in `before`, or the other way round, one line each ("+ iptables: -A KUBE-…"). */
export function hostChanges(before: HostSnapshot, after: HostSnapshot): string[] {
    const changes: string[] = [];
    for (const key of Object.keys(before) as (keyof HostSnapshot)[]) {
        const was = new Set(before[key]);
        const now = new Set(after[key]);
        for (const item of now) if (!was.has(item)) changes.push(`+ ${key}: ${item}`);
        for (const item of was) if (!now.has(item)) changes.push(`- ${key}: ${item}`);
    }
    return changes;
}

/** Rules without their packet counters and the dump's dated comments. */
function rules(command: string): string[] {
    return lines(command, [], true)
        .filter((line) => !line.startsWith("#"))
        .map((line) => line.replace(/\[\d+:\d+\]/g, "[0:0]"));
}

function lines(command: string, args: string[], optional = false): string[] {
    try {
        return execFileSync(command, args, {
            encoding: "utf8",
            stdio: ["ignore", "pipe", "ignore"],
            env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` },
        })
            .split("\n")
            .filter(Boolean);
    } catch (error) {
        if (optional) return [];
        throw new Error(`${command} ${args.join(" ")} failed: ${(error as Error).message}`);
    }
}
