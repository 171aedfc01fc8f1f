/**
 * How a component's failed checks name a setting. A component names its own
 * argument paths (`lifecycle.org.peers[0].endpoint`); a caller whose users
 * know the arguments by other names (the program: its stack config keys)
 * passes `settingNames`, and every check, the component's and its Fabric
 * resources', names the setting as mapped.
 */
import { userSettingName } from "./lifecycle/providers/shared";
import { InvalidSettingError } from "./validation/errors";

/**
 * Argument path, or a prefix of one ending before a '.' or '[', -> the name
 * the caller's users know it by; the longest prefix wins, and a prefix
 * mapped to "" stands for its fields' own names.
 */
export type SettingNames = Readonly<Record<string, string>>;

/** Names an argument path for the user. */
export type NameOf = (path: string) => string;

/** Names `prefix` + path through `names`; without names, the path itself. */
export function namerOf(names: SettingNames | undefined, prefix = ""): NameOf {
    return (path) => (names ? userSettingName(prefix + path, names) : prefix + path);
}

/** Runs `check`, naming a refused setting with `nameOf` (once: a child's refusal, named already, passes as it is). */
export function namingSettings<T>(nameOf: NameOf, check: () => T): T {
    try {
        return check();
    } catch (error) {
        if (!(error instanceof InvalidSettingError) || NAMED.has(error)) throw error;
        const named = new InvalidSettingError(nameOf(error.setting), error.value, error.accepted);
        NAMED.add(named);
        throw named;
    }
}

/** Refusals whose setting is named for the user already. */
const NAMED = new WeakSet<InvalidSettingError>();

/**
 * The names a child component gets: its argument `key`s are `prefix` + key
 * to the parent's users (or what `renamed` says for a key the parent passes
 * under another name), and the parent's entries under `prefix` carry over.
 */
export function childSettingNames(
    names: SettingNames | undefined,
    prefix: string,
    keys: readonly string[],
    renamed: Readonly<Record<string, string>> = {},
): SettingNames {
    const parent = namerOf(names);
    const child: Record<string, string> = {};
    for (const key of keys) child[key] = parent(renamed[key] ?? `${prefix}${key}`);
    for (const [path, name] of Object.entries(names ?? {})) {
        if (path.startsWith(prefix) && path.length > prefix.length) child[path.slice(prefix.length)] = name;
    }
    return child;
}
