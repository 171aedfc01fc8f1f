import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file whole or not at all: into a fresh folder of its own beside
 * the target (mkdtemp: a random name, mode 0700, so nothing can be planted
 * in its way), created exclusively, then renamed onto the target (a symlink
 * there is replaced, never followed). A file that carries a private key is
 * readable by its owner only.
 */
export function writeFileAtomically(file: string, bytes: Buffer, secret: boolean): void {
    const folder = mkdtempSync(join(dirname(file), `.${basename(file)}-`));
    try {
        const temporary = join(folder, "partial");
        writeFileSync(temporary, bytes, { mode: secret ? 0o600 : 0o644, flag: "wx" });
        renameSync(temporary, file);
    } finally {
        rmSync(folder, { recursive: true, force: true });
    }
}
