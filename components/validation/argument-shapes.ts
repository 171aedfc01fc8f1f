/**
 * The shape of a component's arguments as a JavaScript caller may get it
 * wrong: an object or a list where the code walks one, and a plain text where
 * an Input<string> is not an Output. Checked before anything reads them, so
 * a wrongly typed argument is refused by its path, never a TypeError.
 */
import * as pulumi from "@pulumi/pulumi";
import { InvalidSettingError } from "./errors";

export type ArgumentShape = "object" | "list" | "text" | "text or Output";

/**
 * Argument paths, with `[]` standing for every item of a list, and the shape
 * each must have when given; `!` after the shape: given it must be (where its
 * parent is).
 */
export type ArgumentShapes = Readonly<Record<string, ArgumentShape | `${ArgumentShape}!`>>;

const ACCEPTED: Record<ArgumentShape, string> = {
    object: "an object",
    list: "a list",
    text: "a string",
    "text or Output": "a string (or an Output of one)",
};

/** The arguments themselves are an object (read before anything of them, settingNames included). */
export function checkArgumentObject(args: unknown): void {
    if (args === null || typeof args !== "object" || Array.isArray(args))
        throw new InvalidSettingError("args", args, "an object of arguments");
}

/** Refuses the first given argument whose shape is not the one `shapes` names; Outputs stand for any value but text. */
export function checkArgumentShapes(args: unknown, shapes: ArgumentShapes): void {
    checkArgumentObject(args);
    for (const [path, marked] of Object.entries(shapes)) {
        const required = marked.endsWith("!");
        const shape = (required ? marked.slice(0, -1) : marked) as ArgumentShape;
        for (const [named, value] of valuesAt(args, path.split("."))) {
            if (value === undefined && required)
                throw new InvalidSettingError(named, value, `${ACCEPTED[shape]} (required)`);
            if (value === undefined || fits(value, shape)) continue;
            throw new InvalidSettingError(named, value, ACCEPTED[shape]);
        }
    }
}

function fits(value: unknown, shape: ArgumentShape): boolean {
    switch (shape) {
        case "object":
            return (
                pulumi.Output.isInstance(value) ||
                (value !== null && typeof value === "object" && !Array.isArray(value))
            );
        case "list":
            return pulumi.Output.isInstance(value) || Array.isArray(value);
        case "text":
            return typeof value === "string";
        default:
            return typeof value === "string" || pulumi.Output.isInstance(value);
    }
}

/** The values at a path (one per list item for `[]`), with their paths as the caller names them. */
function valuesAt(root: unknown, parts: readonly string[], named = ""): Array<[string, unknown]> {
    if (parts.length === 0) return [[named, root]];
    if (root === null || typeof root !== "object" || pulumi.Output.isInstance(root)) return [];
    const [part, ...rest] = parts;
    const each = part.endsWith("[]");
    const field = each ? part.slice(0, -2) : part;
    const value = (root as Record<string, unknown>)[field];
    const path = named ? `${named}.${field}` : field;
    if (!each) return valuesAt(value, rest, path);
    if (!Array.isArray(value)) return [];
    return value.flatMap((item, i) => valuesAt(item, rest, `${path}[${i}]`));
}
