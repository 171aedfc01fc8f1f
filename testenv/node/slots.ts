/**
 * Which node slot a new node takes, safely when several processes start
 * nodes at once (the e2e files run side by side): a slot is claimed by
 * creating its folder under /run (mkdir is atomic), and released when its
 * node is deleted. A claim whose link never appeared (its creator died
 * before making it) is taken over after a grace period.
 */
import * as fs from "node:fs";
import { join } from "node:path";
import { NODE_SLOTS, nodeAddresses } from "./addresses";

export const SLOT_CLAIMS = "/run/ccaas-node-slots";
/** Far longer than a node takes from its claim to its host link (well under a second). */
const CLAIM_GRACE_MS = 120_000;

export interface SlotClaims {
    /** Where the claims are. Defaults to SLOT_CLAIMS. */
    readonly dir?: string;
    /** The host's links now. Defaults to /sys/class/net. */
    readonly hostLinks?: () => readonly string[];
}

/** The first slot with neither a host link nor a live claim, claimed for this node. */
export function claimSlot({
    dir: claims = SLOT_CLAIMS,
    hostLinks = () => fs.readdirSync("/sys/class/net"),
}: SlotClaims = {}): number {
    const links = new Set(hostLinks());
    for (let slot = 0; slot < NODE_SLOTS; slot++) {
        if (links.has(nodeAddresses(slot).hostLink)) continue;
        const claim = join(claims, String(slot));
        if (made(claims, claim)) return slot;
        if (!abandoned(claim)) continue;
        // Taken over: renamed away first, so two takers cannot both succeed.
        const away = `${claim}.abandoned-${process.pid}`;
        try {
            fs.renameSync(claim, away);
        } catch {
            continue;
        }
        fs.rmSync(away, { recursive: true, force: true });
        if (made(claims, claim)) return slot;
    }
    throw new Error(
        `all ${NODE_SLOTS} node slots are taken (claims in ${claims}, host links ccaasnode0..${NODE_SLOTS - 1}): stop a node first`,
    );
}

/** Makes the claim's folder; false when another node holds it. */
function made(claims: string, claim: string): boolean {
    for (;;) {
        try {
            fs.mkdirSync(claim);
            return true;
        } catch (error) {
            const code = (error as NodeJS.ErrnoException).code;
            if (code === "EEXIST") return false;
            if (code !== "ENOENT") throw error;
            // Not made yet, or the last release removed it meanwhile.
            fs.mkdirSync(claims, { recursive: true, mode: 0o700 });
        }
    }
}

/** Gives the slot back (from any process: the demo deletes its node from another one). */
export function releaseSlot(slot: number, claims = SLOT_CLAIMS): void {
    fs.rmSync(join(claims, String(slot)), { recursive: true, force: true });
    try {
        fs.rmdirSync(claims);
    } catch {
        // Other nodes still hold claims.
    }
}

/** A claim old enough that its node would have made its link long ago (checked absent by the caller). */
function abandoned(claim: string): boolean {
    try {
        return Date.now() - fs.statSync(claim).mtimeMs > CLAIM_GRACE_MS;
    } catch {
        return false;
    }
}
