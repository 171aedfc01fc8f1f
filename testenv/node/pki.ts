/**
 * The node's certificates, as kubeadm lays them out: one cluster CA that
 * signs the API server's serving certificate, the kubelet's, and a client
 * certificate for each component (its user and groups are what RBAC and the
 * Node authorizer see). Made with the openssl CLI, ECDSA P-256, in the
 * node's own folder; nothing outlives the node.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import { join } from "node:path";

export interface Leaf {
    readonly certFile: string;
    readonly keyFile: string;
}

export interface LeafRequest {
    /** File stem under the PKI folder. */
    readonly file: string;
    readonly commonName: string;
    /** Organizations: Kubernetes reads them as the user's groups. */
    readonly groups?: readonly string[];
    /** Subject alternative names of a serving certificate ("IP:…" or "DNS:…"); none for a client certificate. */
    readonly serverNames?: readonly string[];
}

export class NodePki {
    readonly caCertFile: string;
    readonly caKeyFile: string;

    private constructor(readonly dir: string) {
        this.caCertFile = join(dir, "ca.crt");
        this.caKeyFile = join(dir, "ca.key");
    }

    /** A new CA in `dir` (created). */
    static create(dir: string): NodePki {
        fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
        const pki = new NodePki(dir);
        pki.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", pki.caKeyFile);
        pki.openssl(
            "req",
            "-x509",
            "-new",
            "-key",
            pki.caKeyFile,
            "-subj",
            "/CN=ccaas-node-ca",
            "-days",
            "3",
            "-addext",
            "basicConstraints=critical,CA:TRUE",
            "-addext",
            "keyUsage=critical,keyCertSign,cRLSign",
            "-out",
            pki.caCertFile,
        );
        return pki;
    }

    /** A leaf signed by the CA: a serving certificate when it has names, a client certificate otherwise. */
    issue(request: LeafRequest): Leaf {
        const keyFile = join(this.dir, `${request.file}.key`);
        const certFile = join(this.dir, `${request.file}.crt`);
        const csrFile = join(this.dir, `${request.file}.csr`);
        const extFile = join(this.dir, `${request.file}.ext`);
        const subject = [...(request.groups ?? []).map((group) => `/O=${group}`), `/CN=${request.commonName}`].join("");
        const serving = (request.serverNames ?? []).length > 0;
        fs.writeFileSync(
            extFile,
            [
                "basicConstraints=critical,CA:FALSE",
                "keyUsage=critical,digitalSignature,keyEncipherment",
                `extendedKeyUsage=${serving ? "serverAuth,clientAuth" : "clientAuth"}`,
                ...(serving ? [`subjectAltName=${request.serverNames!.join(",")}`] : []),
            ].join("\n"),
        );
        this.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", keyFile);
        this.openssl("req", "-new", "-key", keyFile, "-subj", subject, "-out", csrFile);
        this.openssl(
            "x509",
            "-req",
            "-in",
            csrFile,
            "-CA",
            this.caCertFile,
            "-CAkey",
            this.caKeyFile,
            "-CAcreateserial",
            "-days",
            "2",
            "-extfile",
            extFile,
            "-out",
            certFile,
        );
        fs.rmSync(csrFile);
        fs.rmSync(extFile);
        return { certFile, keyFile };
    }

    /** The key pair that signs and verifies service account tokens. */
    serviceAccountKeys(): { privateKeyFile: string; publicKeyFile: string } {
        const privateKeyFile = join(this.dir, "sa.key");
        const publicKeyFile = join(this.dir, "sa.pub");
        this.openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", privateKeyFile);
        this.openssl("pkey", "-in", privateKeyFile, "-pubout", "-out", publicKeyFile);
        return { privateKeyFile, publicKeyFile };
    }

    private openssl(...args: string[]): void {
        try {
            execFileSync("openssl", args, { cwd: this.dir, stdio: ["ignore", "ignore", "pipe"], timeout: 30_000 });
        } catch (error) {
            const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim();
            throw new Error(
                `the node's certificates need the openssl CLI: openssl ${args[0]} failed: ${stderr || (error as Error).message}`,
            );
        }
    }
}
