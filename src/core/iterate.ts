/**
 * Running an iterative solver written as a generator (one `yield` per iteration): to the end at once, or with a
 * macrotask between iterations so a worker's message loop can deliver a cancel (its AbortSignal is then seen by
 * the solver's next checkAbort) and progress messages go out while it runs.
 */
export type Steps<T> = Generator<number, T, void>;

export function runToEnd<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

const macrotask = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function runYielding<T>(steps: Steps<T>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
    await macrotask();
  }
}
