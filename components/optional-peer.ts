/**
 * Optional peer dependencies: packages only one component needs
 * (@pulumi/azure-native for AksCluster, 136 MB installed; @pulumi/command for
 * ChaincodeImage). They load when that component is declared, so a stack
 * that deploys to an existing cluster installs neither.
 */
import { LIBRARY_PACKAGE } from "./lifecycle/providers/shared";

export function requireOptionalPeer<Module>(packageName: string, subpath: string, component: string): Module {
    const request = subpath ? `${packageName}/${subpath}` : packageName;
    try {
        return require(request) as Module;
    } catch (error) {
        if (
            (error as NodeJS.ErrnoException).code !== "MODULE_NOT_FOUND" ||
            !(error as Error).message.includes(packageName)
        )
            throw error;
        const range = peerRange(packageName);
        throw new Error(
            `${component} needs the optional peer dependency ${packageName}, which is not installed: npm install ${packageName}@"${range}"`,
        );
    }
}

/** The range this package's package.json declares for a peer (what the tests ran). */
function peerRange(packageName: string): string {
    const manifest = require(`${LIBRARY_PACKAGE}/package.json`) as { peerDependencies?: Record<string, string> };
    return manifest.peerDependencies?.[packageName] ?? "*";
}
