/**
 * The decoder's transposed convolution (kernel 2, stride 2, no padding) in NDHWC.
 *
 * With kernel = stride the output blocks do not overlap, so it is one matMul ([DHW, Ci] x [Ci, 8·Co])
 * followed by a reshuffle of the 2x2x2 blocks into place: exact, and it avoids the backends' slow
 * generic Conv3DBackpropInput kernels. tf.conv3dTranspose stays as the reference implementation.
 */
import * as tf from '@tensorflow/tfjs';

export type UpConvImplName = 'conv3dTranspose' | 'matMul' | 'depthToSpace';

/** x: [1, D, H, W, Ci], w: [2, 2, 2, Co, Ci] (tf.conv3dTranspose layout), b: [Co] -> [1, 2D, 2H, 2W, Co] */
export type UpConvImpl = (x: tf.Tensor5D, w: tf.Tensor5D, b: tf.Tensor1D) => tf.Tensor5D;

const stock: UpConvImpl = (x, w, b) =>
  tf.tidy(() => {
    const [, d, h, wd] = x.shape;
    const co = w.shape[3];
    return tf.add(tf.conv3dTranspose(x, w, [1, 2 * d, 2 * h, 2 * wd, co], 2, 'valid'), b);
  });

const matMul: UpConvImpl = (x, w, b) =>
  tf.tidy(() => {
    const [, d, h, wd, ci] = x.shape;
    const co = w.shape[3];
    // [a, b, c, co, ci] -> [ci, a, b, c, co]: one column per output voxel of the 2x2x2 block
    const wm = tf.reshape(tf.transpose(w, [4, 0, 1, 2, 3]), [ci, 8 * co]) as tf.Tensor2D;
    const y = tf.add(tf.matMul(tf.reshape(x, [d * h * wd, ci]) as tf.Tensor2D, wm), tf.tile(b, [8]));
    // [d, h, w, a, b, (c, co)] -> [d, a, h, b, w, (c, co)]; rank 6 keeps it within every backend's transpose
    const blocks = tf.transpose(tf.reshape(y, [d, h, wd, 2, 2, 2 * co]), [0, 3, 1, 4, 2, 5]);
    return tf.reshape(blocks, [1, 2 * d, 2 * h, 2 * wd, co]) as tf.Tensor5D;
  });

/**
 * The same matMul split by the block's depth offset a: each half is a 2-D depth-to-space (a kernel every
 * backend has), and the two planes interleave along depth by a stack over contiguous blocks. Avoids the
 * 6-D transpose: on WASM at 32^3 x 32 -> 64^3 x 16, 190-240 ms against 330-470 ms (bench/unet-conv3d.ts
 * neighbours; the 6-D transpose took 600 of 2800 ms of a 64^3 forward pass).
 */
const depthToSpace: UpConvImpl = (x, w, b) =>
  tf.tidy(() => {
    const [, d, h, wd, ci] = x.shape;
    const co = w.shape[3];
    const rows = tf.reshape(x, [d * h * wd, ci]) as tf.Tensor2D;
    const bias = tf.tile(b, [4]);
    const planes = [0, 1].map((a) => {
      // [b, c, co, ci] -> [ci, (b, c, co)]: depth-to-space's channel order (DCR)
      const wa = tf.reshape(tf.transpose(tf.slice(w, [a, 0, 0, 0, 0], [1, 2, 2, co, ci]), [4, 0, 1, 2, 3]), [ci, 4 * co]) as tf.Tensor2D;
      const y = tf.add(tf.matMul(rows, wa), bias);
      return tf.depthToSpace(tf.reshape(y, [d, h, wd, 4 * co]) as tf.Tensor4D, 2); // [d, 2h, 2w, co]
    });
    return tf.reshape(tf.stack(planes, 1), [1, 2 * d, 2 * h, 2 * wd, co]) as tf.Tensor5D;
  });

export const upConvImpls: Record<UpConvImplName, UpConvImpl> = { conv3dTranspose: stock, matMul, depthToSpace };
