/*
 * The program skips source maps for the Pulumi SDK's own bookkeeping
 * traces (components/sdk-stack-traces.ts). A stand-in for
 * source-map-support's formatter shows which traces still go through it.
 */
import assert from "node:assert/strict";
import { afterEach, beforeEach, describe, it } from "node:test";
import * as pulumi from "@pulumi/pulumi";
import { skipSourceMapsForSdkBookkeeping } from "../../components/sdk-stack-traces";

type Formatter = typeof Error.prepareStackTrace;

describe("stack traces in the program", () => {
    let saved: Formatter;
    let mappedCalls = 0;
    beforeEach(() => {
        saved = Error.prepareStackTrace;
        mappedCalls = 0;
        Error.prepareStackTrace = (error) => {
            mappedCalls++;
            return `${error.message} (mapped)`;
        };
    });
    afterEach(() => {
        Error.prepareStackTrace = saved;
    });

    it("formats the SDK's empty-message traces unmapped, as V8 does, and maps every other error's", () => {
        skipSourceMapsForSdkBookkeeping();
        const bookkeeping = new Error().stack ?? "";
        assert.match(bookkeeping, /^Error\n {4}at .*sdk-stack-traces\.test\.js:\d+:\d+/);
        assert.equal(mappedCalls, 0);
        assert.equal(new Error("the peer refused").stack, "the peer refused (mapped)");
        assert.equal(mappedCalls, 1);
    });

    it("gives the SDK's callsite parser the positions it reads for source positions", () => {
        skipSourceMapsForSdkBookkeeping();
        const callsites = (pulumi.Resource as unknown as { callsites(): Array<{ file?: string; line?: number }> })
            .callsites()
            .filter((site) => site.file !== undefined);
        assert.ok(
            callsites.some((site) => /sdk-stack-traces\.test\.js$/.test(site.file ?? "") && (site.line ?? 0) > 0),
        );
        assert.equal(mappedCalls, 0);
    });

    it("wraps once, and leaves a process without a formatter as it is", () => {
        skipSourceMapsForSdkBookkeeping();
        const wrapped = Error.prepareStackTrace;
        skipSourceMapsForSdkBookkeeping();
        assert.equal(Error.prepareStackTrace, wrapped);
        (Error as { prepareStackTrace?: unknown }).prepareStackTrace = undefined;
        skipSourceMapsForSdkBookkeeping();
        assert.equal(Error.prepareStackTrace, undefined);
    });
});
