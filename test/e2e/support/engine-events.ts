/**
 * What `pulumi up|destroy|refresh --json` (a stream of engine events, one
 * JSON object a line) and `pulumi preview --json` (one document) say was, or
 * would be, done to each resource.
 */

export interface ResourceStep {
    readonly op: string;
    readonly urn: string;
    readonly type: string;
    /** Property paths that differ, where the engine reports them. */
    readonly diffs: readonly string[];
    /** Top-level outputs whose value differs between the old and new state (what a refresh found). */
    readonly changedOutputs: readonly string[];
}

export interface EngineReport {
    readonly steps: readonly ResourceStep[];
    /** Every diagnostic message (warnings, info, what providers printed). */
    readonly messages: readonly string[];
    /** op -> count, e.g. {same: 20, update: 1}. */
    readonly changes: Readonly<Record<string, number>>;
    /** Seconds from each resource's step start to its outputs (whole seconds: the engine stamps events by the second). */
    readonly stepSeconds: Readonly<Record<string, number>>;
    /** When each resource's step started (the engine's Unix seconds). */
    readonly stepStartedAt: Readonly<Record<string, number>>;
}

interface StepMetadata {
    op: string;
    urn: string;
    type: string;
    diffs?: string[];
    detailedDiff?: Record<string, unknown> | null;
    old?: { outputs?: Record<string, unknown> } | null;
    new?: { outputs?: Record<string, unknown> } | null;
}

/** Parses the event stream of up, destroy or refresh with --json. */
export function parseEventStream(stdout: string): EngineReport {
    const steps = new Map<string, ResourceStep>();
    const messages: string[] = [];
    const startedAt = new Map<string, number>();
    const stepSeconds: Record<string, number> = {};
    let changes: Record<string, number> = {};
    for (const line of stdout.split("\n")) {
        // Engine events are one-line objects; a failed command may print other (pretty-printed) JSON.
        if (!line.startsWith('{"')) continue;
        const event = JSON.parse(line) as {
            timestamp?: number;
            resourcePreEvent?: { metadata: StepMetadata };
            resOutputsEvent?: { metadata: StepMetadata };
            diagnosticEvent?: { message: string };
            summaryEvent?: { resourceChanges?: Record<string, number> };
        };
        // The outputs event comes last for a resource and holds the final state (and a refresh's findings).
        const metadata = event.resOutputsEvent?.metadata ?? event.resourcePreEvent?.metadata;
        if (metadata) steps.set(metadata.urn, toStep(metadata));
        if (event.timestamp !== undefined) {
            if (event.resourcePreEvent) startedAt.set(event.resourcePreEvent.metadata.urn, event.timestamp);
            const finished = event.resOutputsEvent?.metadata.urn;
            const started = finished === undefined ? undefined : startedAt.get(finished);
            if (finished !== undefined && started !== undefined)
                stepSeconds[nameOfUrn(finished)] = event.timestamp - started;
        }
        if (event.diagnosticEvent) messages.push(event.diagnosticEvent.message);
        if (event.summaryEvent) changes = event.summaryEvent.resourceChanges ?? {};
    }
    const stepStartedAt = Object.fromEntries([...startedAt].map(([urn, at]) => [nameOfUrn(urn), at]));
    return { steps: [...steps.values()], messages, changes, stepSeconds, stepStartedAt };
}

/**
 * The event stream without its debug-level diagnostics. Pulumi's Node SDK
 * logs each RegisterResource response at debug level, resource outputs and
 * secrets included; `--json` carries those lines, while the normal display
 * shows them only with `--debug`.
 */
export function withoutDebugDiagnostics(stdout: string): string {
    return stdout
        .split("\n")
        .filter(
            (line) =>
                !(
                    line.startsWith('{"') &&
                    (JSON.parse(line) as { diagnosticEvent?: { severity?: string } }).diagnosticEvent?.severity ===
                        "debug"
                ),
        )
        .join("\n");
}

/** Parses `pulumi preview --json`. */
export function parsePreview(stdout: string): EngineReport {
    const preview = JSON.parse(stdout) as {
        steps?: Array<
            StepMetadata & {
                newState?: { type: string; outputs?: Record<string, unknown> };
                oldState?: { type: string; outputs?: Record<string, unknown> };
            }
        >;
        diagnostics?: Array<{ message: string }>;
        changeSummary?: Record<string, number>;
    };
    const steps = (preview.steps ?? []).map((step) =>
        toStep({
            ...step,
            type: step.newState?.type ?? step.oldState?.type ?? typeOfUrn(step.urn),
            old: step.oldState,
            new: step.newState,
        }),
    );
    return {
        steps,
        messages: (preview.diagnostics ?? []).map((d) => d.message),
        changes: preview.changeSummary ?? {},
        stepSeconds: {},
        stepStartedAt: {},
    };
}

/** Steps that change something: neither "same" nor a read. */
export function changedSteps(report: EngineReport): ResourceStep[] {
    return report.steps.filter((step) => !["same", "read", "refresh"].includes(step.op));
}

/** The resource name at the end of a URN ("...::basic-server-deployment"). */
export function nameOfUrn(urn: string): string {
    return urn.slice(urn.lastIndexOf("::") + 2);
}

function typeOfUrn(urn: string): string {
    const parts = urn.split("::");
    const qualified = parts[parts.length - 2] ?? "";
    return qualified.slice(qualified.lastIndexOf("$") + 1);
}

function toStep(metadata: StepMetadata): ResourceStep {
    const diffs = metadata.diffs ?? Object.keys(metadata.detailedDiff ?? {});
    const before = metadata.old?.outputs ?? {};
    const after = metadata.new?.outputs ?? {};
    // A refresh reports "same" even when the read found other values: compare the outputs.
    const changedOutputs =
        metadata.old && metadata.new
            ? [...new Set([...Object.keys(before), ...Object.keys(after)])]
                  .filter((key) => JSON.stringify(before[key]) !== JSON.stringify(after[key]))
                  .sort()
            : [];
    return {
        op: metadata.op,
        urn: metadata.urn,
        type: metadata.type || typeOfUrn(metadata.urn),
        diffs,
        changedOutputs,
    };
}
