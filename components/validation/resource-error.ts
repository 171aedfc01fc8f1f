import * as pulumi from "@pulumi/pulumi";
import { InvalidSettingError } from "./errors";

/**
 * Runs a component's argument checks and reports a bad setting as a
 * ResourceError on that component, so Pulumi prints the message (not a stack)
 * against the right resource.
 */
export function checkArgs<T>(resource: pulumi.Resource, check: () => T): T {
    try {
        return check();
    } catch (err) {
        throw err instanceof InvalidSettingError ? new pulumi.ResourceError(err.message, resource) : err;
    }
}
