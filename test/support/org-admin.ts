/**
 * Another admin of a test-network org, with a key type cryptogen does not
 * issue (it issues P-256 only): a key made with the openssl CLI and a
 * certificate signed by the org's CA with the admin OU, as the org's own CA
 * would issue it (NodeOUs: OU=admin makes the admin role).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { IdentityPem } from "../../components/fabric";
import type { FabricNetwork, Org } from "../../testenv/network";

export type AdminKeyType = "P-384" | "Ed25519";

const KEY_ARGS: Readonly<Record<AdminKeyType, string[]>> = {
    "P-384": ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    Ed25519: ["-algorithm", "ed25519"],
};

export function issueOrgAdmin(network: FabricNetwork, org: Org, keyType: AdminKeyType): IdentityPem {
    const caDir = join(network.dataDir, "crypto", "peerOrganizations", org.domain, "ca");
    const dir = mkdtempSync(join(tmpdir(), "org-admin-"));
    const openssl = (...args: string[]) =>
        execFileSync("openssl", args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    try {
        openssl("genpkey", ...KEY_ARGS[keyType], "-out", "key.pem");
        const name = `Admin-${keyType}@${org.domain}`;
        openssl(
            "req",
            "-new",
            "-key",
            "key.pem",
            "-subj",
            `/C=US/ST=California/L=San Francisco/OU=admin/CN=${name}`,
            "-out",
            "admin.csr",
        );
        writeFileSync(
            join(dir, "ext.cnf"),
            "keyUsage=critical,digitalSignature\nbasicConstraints=critical,CA:FALSE\nauthorityKeyIdentifier=keyid\n",
        );
        openssl(
            "x509",
            "-req",
            "-in",
            "admin.csr",
            "-CA",
            join(caDir, `ca.${org.domain}-cert.pem`),
            "-CAkey",
            join(caDir, "priv_sk"),
            "-days",
            "2",
            "-sha256",
            "-extfile",
            "ext.cnf",
            "-out",
            "admin.pem",
        );
        return {
            mspId: org.mspId,
            certPem: readFileSync(join(dir, "admin.pem"), "utf8"),
            keyPem: readFileSync(join(dir, "key.pem"), "utf8"),
        };
    } finally {
        rmSync(dir, { recursive: true, force: true });
    }
}
