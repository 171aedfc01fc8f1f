/**
 * A real PKCS#11 token for tests: SoftHSM (Debian's softhsm2) with its token
 * store in a temporary directory of this process. Keys are imported with
 * softhsm2-util as an operator would import an existing admin key.
 *
 * SoftHSM reads SOFTHSM2_CONF and lists its tokens once, when the library
 * is initialised, and a process initialises a PKCS#11 library once: so there
 * is one store per test process, set up on first use, and a test imports
 * every key it needs before its first signature.
 */
import { execFileSync } from "node:child_process";
import { createPrivateKey } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { HsmKey } from "../../components/fabric";

const LIBRARIES = ["/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"];

/** Why SoftHSM cannot run here, or undefined when it can. With CCAAS_REQUIRE_HSM=1 (CI) tests fail instead of skipping. */
export function softHsmMissing(): string | undefined {
    const missing = !LIBRARIES.some(existsSync)
        ? "SoftHSM is not installed (Debian: apt-get install softhsm2)"
        : !hasPkcs11js()
          ? "the npm package pkcs11js did not build (npm rebuild pkcs11js, with Node's headers: npm_config_nodedir)"
          : undefined;
    if (missing && process.env.CCAAS_REQUIRE_HSM === "1")
        throw new Error(`HSM tests required (CCAAS_REQUIRE_HSM=1), but ${missing}`);
    return missing;
}

function hasPkcs11js(): boolean {
    try {
        require("pkcs11js");
        return true;
    } catch {
        return false;
    }
}

let store: string | undefined;
let tokens = 0;

/** A new token with the key imported under `keyId`; returns where the key is, as this library's HsmKey. */
export function importKeyToSoftHsm(keyPem: string, keyId: string, pin = "fabric-1234"): HsmKey {
    const library = LIBRARIES.find(existsSync);
    if (!library) throw new Error(softHsmMissing());
    if (!store) {
        store = mkdtempSync(join(tmpdir(), "softhsm-"));
        mkdirSync(join(store, "tokens"));
        writeFileSync(
            join(store, "softhsm2.conf"),
            `directories.tokendir = ${join(store, "tokens")}\nobjectstore.backend = file\nlog.level = ERROR\n`,
        );
        process.env.SOFTHSM2_CONF = join(store, "softhsm2.conf");
    }
    tokens += 1;
    const tokenLabel = `fabric-test-${tokens}`;
    const util = (...args: string[]) =>
        execFileSync("softhsm2-util", args, { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
    util("--init-token", "--free", "--label", tokenLabel, "--pin", pin, "--so-pin", "so-5678");
    const keyFile = join(store, `${tokenLabel}.pem`);
    // softhsm2-util imports PKCS#8 only.
    writeFileSync(keyFile, createPrivateKey(keyPem).export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    try {
        util(
            "--import",
            keyFile,
            "--token",
            tokenLabel,
            "--label",
            keyId,
            "--id",
            Buffer.from(keyId).toString("hex"),
            "--pin",
            pin,
        );
    } finally {
        rmSync(keyFile);
    }
    return { library, tokenLabel, keyId, pin };
}
