/** A dynamic provider's create as the engine reaches it: check first, failing the test on any check failure. */
import assert from "node:assert/strict";

export async function checkedCreate<I, O>(
    provider: {
        check(olds: object, news: I): Promise<{ inputs: I; failures: unknown[] }>;
        create(inputs: I): Promise<{ id: string; outs: O }>;
    },
    inputs: I,
): Promise<{ id: string; outs: O }> {
    const checked = await provider.check({}, inputs);
    assert.deepEqual(checked.failures, []);
    return provider.create(checked.inputs);
}
