/**
 * The rewritten convolution and pooling paths equal the stock tfjs ops computed on the CPU backend (the
 * reference: plain loops), up to float rounding, on every Node backend.
 */
import { describe, it, expect } from 'vitest';
import type * as tf from '@tensorflow/tfjs';
import { conv3dImpls, type Conv3dImplName } from './conv3d';
import { upConvImpls, type UpConvImplName } from './upConv';
import { poolImpls } from './pool';
import { onBackend, relativeError, seededValues } from './testUtils';

const input = (shape: number[], seed: number) => ({ values: seededValues(shape.reduce((a, b) => a * b), seed), shape });
const backends = ['cpu', 'wasm'] as const;

// odd, unequal sizes catch a swapped axis; Ci = 1 is the adaptive first layer
const convCases = [
  [input([1, 5, 6, 7, 3], 1), input([3, 3, 3, 3, 4], 2), input([4], 3)],
  [input([1, 8, 4, 6, 1], 4), input([3, 3, 3, 1, 5], 5), input([5], 6)],
];

describe.each(backends)('on %s', (backend) => {
  it.each(['depthSlices', 'depthStacked'] as Conv3dImplName[])('%s equals tf.conv3d + bias to 1e-5', async (impl) => {
    for (const c of convCases) {
      const want = await onBackend('cpu', c, (x, w, b) => conv3dImpls.conv3d(x as tf.Tensor5D, w as tf.Tensor5D, b as tf.Tensor1D));
      const got = await onBackend(backend, c, (x, w, b) => conv3dImpls[impl](x as tf.Tensor5D, w as tf.Tensor5D, b as tf.Tensor1D));
      expect(got.shape).toEqual(want.shape);
      expect(relativeError(got.values, want.values)).toBeLessThan(1e-5);
    }
  });

  it.each(['matMul', 'depthToSpace'] as UpConvImplName[])('the %s transposed convolution equals tf.conv3dTranspose + bias to 1e-5', async (impl) => {
    const c = [input([1, 3, 4, 5, 6], 7), input([2, 2, 2, 3, 6], 8), input([3], 9)];
    const want = await onBackend('cpu', c, (x, w, b) => upConvImpls.conv3dTranspose(x as tf.Tensor5D, w as tf.Tensor5D, b as tf.Tensor1D));
    const got = await onBackend(backend, c, (x, w, b) => upConvImpls[impl](x as tf.Tensor5D, w as tf.Tensor5D, b as tf.Tensor1D));
    expect(got.shape).toEqual([1, 6, 8, 10, 3]);
    expect(relativeError(got.values, want.values)).toBeLessThan(1e-5);
  });

  it('the 2-D max-pool rewrite equals tf.maxPool3d exactly, at U-Net sizes', async () => {
    for (const shape of [[1, 4, 6, 8, 3], [1, 32, 32, 32, 4]]) {
      const c = [input(shape, 10)];
      const want = await onBackend('cpu', c, (x) => poolImpls.maxPool3d(x as tf.Tensor5D));
      const got = await onBackend(backend, c, (x) => poolImpls.maxPool2d(x as tf.Tensor5D));
      expect(got.shape).toEqual(want.shape);
      expect(Array.from(got.values)).toEqual(Array.from(want.values));
    }
  });
});
