/** What a call writes to this process's stderr (a provider's progress notes), the writes still passed through. */
export async function withStderrCaptured<T>(
    action: () => Promise<T>,
): Promise<{ outcome: PromiseSettledResult<T>; text: string }> {
    const write = process.stderr.write.bind(process.stderr);
    let text = "";
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
        text += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString("utf8");
        return (write as (...args: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    try {
        const [outcome] = await Promise.allSettled([action()]);
        return { outcome, text };
    } finally {
        process.stderr.write = write;
    }
}
