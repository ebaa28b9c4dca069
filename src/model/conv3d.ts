/**
 * 3x3x3 ("same", stride 1) convolutions in NDHWC, in interchangeable implementations.
 *
 * Why more than tf.conv3d: on tfjs's WASM and CPU backends conv3d is a naive loop, while conv2d goes
 * through an optimised GEMM (XNNPACK on WASM). A 3-D convolution with a kernel of depth kd is exactly
 * the sum over kd of 2-D convolutions of shifted depth slices, so we can borrow the fast path.
 * Which implementation is fastest depends on the backend; conv3dRegistry.ts picks per backend.
 */
import * as tf from '@tensorflow/tfjs';

export type Conv3dImplName = 'conv3d' | 'depthSlices' | 'depthStacked';

/** y = conv3d(x, w) + b, 'same' padding, stride 1. x: [1, D, H, W, Ci], w: [kd, kh, kw, Ci, Co], b: [Co]. */
export type Conv3dImpl = (x: tf.Tensor5D, w: tf.Tensor5D, b: tf.Tensor1D) => tf.Tensor5D;

const stock: Conv3dImpl = (x, w, b) => tf.tidy(() => tf.add(tf.conv3d(x, w, 1, 'same'), b));

/** One conv2d per depth tap over all depth slices at once (the depth axis becomes the batch axis). */
const depthSlices: Conv3dImpl = (x, w, b) =>
  tf.tidy(() => {
    const [, d, h, wd, ci] = x.shape;
    const [kd, kh, kw, , co] = w.shape;
    const p = (kd - 1) / 2;
    const padded = tf.pad(tf.reshape(x, [d, h, wd, ci]), [[p, p], [0, 0], [0, 0], [0, 0]]) as tf.Tensor4D;
    // partial results are freed as soon as they are summed: peak memory ~ padded input + one slab + 3 outputs
    let sum: tf.Tensor4D | null = null;
    for (let k = 0; k < kd; k++) {
      const taps = tf.reshape(tf.slice(w, [k, 0, 0, 0, 0], [1, kh, kw, ci, co]), [kh, kw, ci, co]) as tf.Tensor4D;
      const slab = tf.slice(padded, [k, 0, 0, 0], [d, h, wd, ci]);
      const y = tf.conv2d(slab, taps, 1, 'same');
      tf.dispose([slab, taps]);
      const next: tf.Tensor4D = sum ? tf.add(sum, y) : y;
      if (sum) tf.dispose([sum, y]);
      sum = next;
    }
    padded.dispose();
    return tf.reshape(tf.add(sum as tf.Tensor4D, b), [1, d, h, wd, co]);
  });

/**
 * A single conv2d with the kd kernels stacked on the output channels (one bigger GEMM), then the
 * kd output groups summed with their depth shifts. Costs (D + kd - 1) / D of the work of depthSlices.
 */
const depthStacked: Conv3dImpl = (x, w, b) =>
  tf.tidy(() => {
    const [, d, h, wd, ci] = x.shape;
    const [kd, kh, kw, , co] = w.shape;
    const p = (kd - 1) / 2;
    const padded = tf.pad(tf.reshape(x, [d, h, wd, ci]), [[p, p], [0, 0], [0, 0], [0, 0]]) as tf.Tensor4D;
    // [kd, kh, kw, ci, co] -> [kh, kw, ci, kd * co], group k in channels k*co .. (k+1)*co
    const stacked = tf.reshape(tf.transpose(w, [1, 2, 3, 0, 4]), [kh, kw, ci, kd * co]) as tf.Tensor4D;
    const all = tf.conv2d(padded, stacked, 1, 'same');
    let sum: tf.Tensor4D | null = null;
    for (let k = 0; k < kd; k++) {
      const y = tf.slice(all, [k, 0, 0, k * co], [d, h, wd, co]);
      sum = sum ? tf.add(sum, y) : y;
    }
    return tf.reshape(tf.add(sum as tf.Tensor4D, b), [1, d, h, wd, co]);
  });

export const conv3dImpls: Record<Conv3dImplName, Conv3dImpl> = { conv3d: stock, depthSlices, depthStacked };

/** Multiply-adds x2 of one 'same' convolution: the GFLOP count benchmarks divide by. */
export function conv3dFlops(xShape: readonly number[], wShape: readonly number[]): number {
  const [, d, h, wd] = xShape;
  const [kd, kh, kw, ci, co] = wShape;
  return 2 * d * h * wd * kd * kh * kw * ci * co;
}
