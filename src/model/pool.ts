/**
 * 2x2x2 max-pooling, stride 2, NDHWC.
 *
 * tfjs-backend-wasm 4.22's MaxPool3D returns wrong values on U-Net-sized inputs (measured: max abs error
 * 0.66 against the CPU backend on [1, 32, 32, 32, 4], see pool.test.ts), so the default path is a 2-D
 * max-pool over (H, W) with depth folded into the batch, then a max over depth pairs: exact, and built
 * from kernels every backend implements well.
 */
import * as tf from '@tensorflow/tfjs';

export type PoolImplName = 'maxPool3d' | 'maxPool2d';

/** [1, D, H, W, C] -> [1, D/2, H/2, W/2, C], every dim even */
export type PoolImpl = (x: tf.Tensor5D) => tf.Tensor5D;

const stock: PoolImpl = (x) => tf.maxPool3d(x, 2, 2, 'valid');

const maxPool2d: PoolImpl = (x) =>
  tf.tidy(() => {
    const [, d, h, w, c] = x.shape;
    const planes = tf.maxPool(tf.reshape(x, [d, h, w, c]) as tf.Tensor4D, 2, 2, 'valid');
    // depth pairs by an elementwise maximum of even and odd planes: a reduction over a middle axis costs a
    // transpose on the GPU backends (measured 1.1 s for 65 k values on SwiftShader WebGPU)
    const planePairs = tf.reshape(planes, [d / 2, 2, (h / 2) * (w / 2) * c]);
    const n = (h / 2) * (w / 2) * c;
    const pairs = tf.maximum(tf.slice(planePairs, [0, 0, 0], [d / 2, 1, n]), tf.slice(planePairs, [0, 1, 0], [d / 2, 1, n]));
    return tf.reshape(pairs, [1, d / 2, h / 2, w / 2, c]) as tf.Tensor5D;
  });

export const poolImpls: Record<PoolImplName, PoolImpl> = { maxPool3d: stock, maxPool2d };
