import * as fs from "node:fs";

export const logTailLines = 20;

/** The last lines of a log file, or a note saying why there are none. */
export function logTail(logFile: string, lines = logTailLines): string {
    let text: string;
    try {
        // Fabric logs of a short test run are small; the tail of the last 64 KiB is plenty.
        const fd = fs.openSync(logFile, "r");
        try {
            const size = fs.fstatSync(fd).size;
            const length = Math.min(size, 64 * 1024);
            const buffer = Buffer.alloc(length);
            fs.readSync(fd, buffer, 0, length, size - length);
            text = buffer.toString("utf8");
        } finally {
            fs.closeSync(fd);
        }
    } catch (error) {
        return `(log not readable: ${(error as Error).message})`;
    }
    const all = text.trimEnd().split("\n");
    return all.length === 1 && all[0] === "" ? "(log is empty)" : all.slice(-lines).join("\n");
}

/** A network component (orderer or peer) that failed; names it, its log file, and shows the log's tail. */
export class ComponentError extends Error {
    readonly logTail: string;

    constructor(
        readonly component: string,
        problem: string,
        readonly logFile: string,
    ) {
        const tail = logTail(logFile);
        super(
            `${component}: ${problem}\n  log file: ${logFile}\n  last ${logTailLines} lines of the log:\n${indent(tail)}`,
        );
        this.name = "ComponentError";
        this.logTail = tail;
    }
}

function indent(text: string): string {
    return text
        .split("\n")
        .map((line) => `    ${line}`)
        .join("\n");
}
