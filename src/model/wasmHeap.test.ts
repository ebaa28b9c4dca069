/**
 * wasmHeapBytes reports what a worker keeps after a run: the WASM memory grows to hold the largest tensors and
 * stays there after they are disposed (why the workbench drops a worker whose heap is large, inferenceClient.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { describe, it, expect } from 'vitest';
import { wasmHeapBytes } from './startBackend';
import { useBackend } from './testUtils';

describe('wasmHeapBytes', () => {
  it('is 0 off WASM, and on WASM grows with a large tensor and does not shrink when it is disposed', async () => {
    await useBackend('cpu');
    expect(wasmHeapBytes()).toBe(0);
    await useBackend('wasm');
    const before = wasmHeapBytes();
    expect(before).toBeGreaterThan(0);
    const big = tf.zeros([64 * 2 ** 20 / 4]); // 64 MiB
    await big.data();
    const grown = wasmHeapBytes();
    expect(grown).toBeGreaterThan(64 * 2 ** 20);
    expect(grown).toBeGreaterThan(before);
    big.dispose();
    expect(wasmHeapBytes()).toBe(grown);
  });
});
