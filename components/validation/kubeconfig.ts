import * as fs from "node:fs";
import * as yaml from "js-yaml";
import { HiddenValue, InvalidSettingError } from "./errors";

interface NamedEntry {
    readonly name?: unknown;
}

/**
 * Checks a kubeconfig given as its contents or as a path (as the Kubernetes
 * provider accepts it) and, when `context` is given, that it has that
 * context; without one, that its current-context exists. The kubeconfig is
 * secret: messages name what is wrong, never the contents.
 */
export function checkKubeconfig(
    setting: string,
    value: string,
    contextSetting: string,
    context: string | undefined,
): void {
    const accepted = (problem: string) =>
        `the contents of a kubeconfig (YAML or JSON) or the path of one, with clusters, users and contexts; ${problem}`;
    let parsed = parseConfig(value);
    if (parsed === undefined && !value.includes("\n") && fs.existsSync(value))
        parsed = parseConfig(fs.readFileSync(value, "utf8"));
    if (parsed === undefined) throw new InvalidSettingError(setting, new HiddenValue(), accepted("this is neither"));
    for (const list of ["clusters", "users", "contexts"]) {
        const entries = parsed[list];
        if (!Array.isArray(entries) || entries.length === 0)
            throw new InvalidSettingError(setting, new HiddenValue(), accepted(`it has no ${list}`));
    }
    const names = (parsed.contexts as NamedEntry[])
        .map((entry) => entry?.name)
        .filter((name): name is string => typeof name === "string");
    if (context !== undefined) {
        if (!names.includes(context))
            throw new InvalidSettingError(contextSetting, context, `a context of the kubeconfig: ${names.join(", ")}`);
    } else if (!names.includes(parsed["current-context"] as string)) {
        throw new InvalidSettingError(
            contextSetting,
            undefined,
            `a context of the kubeconfig (${names.join(", ")}), since it sets no current-context that exists`,
        );
    }
}

function parseConfig(text: string): Record<string, unknown> | undefined {
    try {
        const parsed = yaml.load(text);
        return parsed && typeof parsed === "object" && !Array.isArray(parsed)
            ? (parsed as Record<string, unknown>)
            : undefined;
    } catch {
        return undefined;
    }
}
