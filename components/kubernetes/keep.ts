import type * as pulumi from "@pulumi/pulumi";

/** Declares a resource that must stay exactly as the state has it. */
export interface KeepOption {
    /** Ignore every input the program gives: the release the channel still runs, beside a new one. */
    readonly keep?: boolean;
}

/**
 * Resource options without `keep`; with it, every given input is ignored in
 * favour of the state's, and so are `derived` ones the provider computes from
 * them (a Secret's `data` from `stringData`).
 */
export function keepOptions(
    props: object,
    opts: pulumi.CustomResourceOptions & KeepOption,
    derived: readonly string[] = [],
): pulumi.CustomResourceOptions {
    const { keep, ...rest } = opts;
    return keep ? { ...rest, ignoreChanges: [...Object.keys(props), ...derived] } : rest;
}
