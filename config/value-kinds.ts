/**
 * The kinds of value a stack key holds, as zod schemas of the value as
 * Pulumi hands it over: a scalar as text (`replicas: 3` reads "3"), or,
 * inside a structured value, as parsed JSON (`chaincodes: [{replicas: 3}]`
 * holds 3). Every schema carries its own messages: the `accepted` part of
 * `invalid <key>: <value>; expected <accepted>`.
 */
import * as z from "zod";

/** What a key's declaration needs of its kind: the schema, the type the reference names, and whether its text is JSON. */
export interface ValueKind<Output> {
    readonly schema: z.ZodType<Output>;
    /** The type as the configuration reference names it. */
    readonly type: string;
    /** Set as JSON text at the stack level (a list or an object); scalars are plain text. */
    readonly structured: boolean;
    /** What a structured value's text that is not JSON is told is accepted. */
    readonly acceptedText?: string;
}

/** Where a value a message names sits: a list item's index or an object's field. */
export type ValuePath = ReadonlyArray<string | number>;

/** Text; a number or boolean is refused rather than turned into text (`1.0` would become "1"). */
export function text(accepted = "a string"): ValueKind<string> {
    return { schema: z.string({ error: accepted }), type: "string", structured: false };
}

/** The largest whole number a double holds exactly has 16 digits: longer ones are refused as written, not rounded. */
const WHOLE_NUMBER_TEXT = /^-?[0-9]{1,15}$/;

/** A whole number, as text or as a JSON number; its range is the component's check, under the same key. */
export function wholeNumber(): ValueKind<number> {
    const accepted = "a whole number";
    return {
        schema: z
            .union(
                [
                    z.int({ error: accepted }),
                    z.string({ error: accepted }).regex(WHOLE_NUMBER_TEXT, { error: accepted }),
                ],
                { error: accepted },
            )
            .transform(Number),
        type: "integer",
        structured: false,
    };
}

export function flag(): ValueKind<boolean> {
    const accepted = "true or false";
    return {
        schema: z
            .union([z.boolean({ error: accepted }), z.enum(["true", "false"], { error: accepted })], {
                error: accepted,
            })
            .transform((value) => value === true || value === "true"),
        type: "boolean",
        structured: false,
    };
}

export function choice<const T extends string>(values: readonly T[]): ValueKind<T> {
    return {
        schema: z.enum(values as [T, ...T[]], { error: `one of ${values.join(", ")}` }) as unknown as z.ZodType<T>,
        type: "string",
        structured: false,
    };
}

/** `"auto"` or a whole number from 1, as text or a JSON number. */
export function autoOrCount(): ValueKind<"auto" | number> {
    const accepted = '"auto" or a whole number from 1';
    return {
        schema: z.union(
            [
                z.literal("auto", { error: accepted }),
                z.int({ error: accepted }).min(1, { error: accepted }),
                z
                    .string({ error: accepted })
                    .regex(/^[1-9][0-9]{0,14}$/, { error: accepted })
                    .transform(Number),
            ],
            { error: accepted },
        ),
        type: "string",
        structured: false,
    };
}

/**
 * A list of strings. `item` is the form of each, when there is one;
 * `distinctBy` the identity that may not repeat (an env NAME, a label key),
 * when repeats mean nothing but a mistake.
 */
export function stringList(
    options: { item?: { pattern: RegExp; accepted: string }; distinct?: Distinct<string> } = {},
): ValueKind<string[]> {
    let itemSchema = z.string({ error: "a string (the setting is a list of strings)" });
    if (options.item) itemSchema = itemSchema.regex(options.item.pattern, { error: options.item.accepted });
    const list = z.array(itemSchema, { error: "a list of strings" });
    return {
        schema: options.distinct ? list.superRefine(refuseRepeats(options.distinct)) : list,
        type: "list of strings",
        structured: true,
        acceptedText: 'a list of strings (JSON text such as ["a", "b"], or a YAML list in the stack file)',
    };
}

/** What may not repeat in a list: each item's identity, and what the message calls it. */
export interface Distinct<T> {
    readonly by: (item: T) => string;
    /** "each <what> once". */
    readonly what: string;
}

/** A `NAME=value` or `key=value` item's name. */
export const nameBeforeEquals = (item: string): string =>
    item.includes("=") ? item.slice(0, item.indexOf("=")) : item;

type Fields = Record<string, z.ZodType>;

/** The fields a reference or message lists: required ones plain, optional ones with `?`. */
function describeFields(fields: Fields): string {
    const names = Object.entries(fields).map(([name, schema]) =>
        schema.safeParse(undefined).success ? `${name}?` : name,
    );
    return `fields ${names.join(", ")}`;
}

/** Text fields of an object: `true` required, `false` optional; a wrong required one names the whole object's form. */
export function textFields<T extends Record<string, boolean>>(
    fields: T,
): { [K in keyof T]: T[K] extends true ? z.ZodString : z.ZodOptional<z.ZodString> } {
    const names = Object.entries(fields).map(([name, required]) => (required ? name : `${name}?`));
    const whole = `an object with fields ${names.join(", ")}`;
    return Object.fromEntries(
        Object.entries(fields).map(([name, required]) => [
            name,
            required ? z.string({ error: `a string (${whole})` }) : z.string({ error: "a string" }).optional(),
        ]),
    ) as never;
}

/** An object with exactly these fields: an unknown one (a misspelling) is refused, not dropped. */
export function strictFields<T extends Fields>(fields: T) {
    const accepted = `an object with ${describeFields(fields)}`;
    return z.strictObject(fields, {
        error: (issue) => (issue.code === "unrecognized_keys" ? `no such field; ${accepted}` : accepted),
    });
}

export function object<T extends Fields>(fields: T): ValueKind<z.output<z.ZodObject<T>>> {
    return { schema: strictFields(fields) as never, type: "object", structured: true };
}

/** A list of objects; the `distinctBy` identity of each, when given, may not repeat (a peer named twice is one peer). */
export function objectList<T extends Fields>(
    fields: T,
    distinct?: Distinct<z.output<z.ZodObject<T>>>,
): ValueKind<Array<z.output<z.ZodObject<T>>>> {
    const list = z.array(strictFields(fields), { error: `a list of objects with ${describeFields(fields)}` });
    return {
        schema: (distinct ? list.superRefine(refuseRepeats(distinct as never)) : list) as never,
        type: "list of objects",
        structured: true,
    };
}

/** Says a list item repeats an earlier one: the parser names both as the user wrote them. */
export interface RepeatedItem {
    readonly repeats: number;
}

/** Refuses the second of two items with the same identity, naming the first (params.repeats). */
function refuseRepeats<T>({ by: identity, what }: Distinct<T>) {
    return (items: readonly T[], context: z.RefinementCtx) => {
        const first = new Map<string, number>();
        items.forEach((item, index) => {
            const id = identity(item);
            const earlier = first.get(id);
            if (earlier === undefined) first.set(id, index);
            else
                context.addIssue({
                    code: "custom",
                    path: [index],
                    message: `each ${what} once`,
                    params: { repeats: earlier } satisfies RepeatedItem,
                });
        });
    };
}
