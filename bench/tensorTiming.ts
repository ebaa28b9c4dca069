/** Mean wall milliseconds of fn (a tfjs op, awaited until its data is read) after one warm-up: at least minMs of runs, at least two. */
import type * as tf from '@tensorflow/tfjs';

export async function meanMs(fn: () => tf.Tensor, minMs = 1500): Promise<number> {
  const warm = fn();
  await warm.data();
  warm.dispose();
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < minMs || n < 2) {
    const y = fn();
    await y.data();
    y.dispose();
    n++;
  }
  return (performance.now() - t0) / n;
}
