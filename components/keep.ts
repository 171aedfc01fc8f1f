import * as pulumi from "@pulumi/pulumi";

/** Declares a resource that must stay exactly as the state has it. */
export interface KeepOption {
    /** Ignore every input the program gives: the release the channel still runs, beside a new one. */
    readonly keep?: boolean;
}

/** Resource options without `keep`; with it, every given input is ignored in favour of the state's. */
export function keepOptions(props: object, opts: pulumi.CustomResourceOptions & KeepOption): pulumi.CustomResourceOptions {
    const { keep, ...rest } = opts;
    return keep ? { ...rest, ignoreChanges: Object.keys(props) } : rest;
}
