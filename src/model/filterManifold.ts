/**
 * The filter-manifold network of the adaptive U-Net: from the side information s = (dx, dy, dz, bx, by, bz)
 * it computes the kernel and bias of enc0.conv1 (1 -> c0, 3x3x3), models/FORMAT.md.
 */
import * as tf from '@tensorflow/tfjs';

export interface FirstConv {
  /** [3, 3, 3, 1, c0] (tfjs conv3d filter layout) */
  kernel: tf.Tensor5D;
  bias: tf.Tensor1D;
}

/** weight(name) returns fmn.fc{i}.weight [in, out] and fmn.fc{i}.bias [out] as tensors. */
export function filterManifold(weight: (name: string) => tf.Tensor, side: readonly number[], c0: number): FirstConv {
  if (side.length !== 6 || !side.every(Number.isFinite))
    throw new Error(`side information must be 6 finite numbers (dx, dy, dz, bx, by, bz), got [${side.join(', ')}]`);
  return tf.tidy(() => {
    let h: tf.Tensor2D = tf.tensor2d([...side], [1, 6]);
    for (let i = 1; i <= 4; i++) {
      h = tf.add(tf.matMul(h, weight(`fmn.fc${i}.weight`) as tf.Tensor2D), weight(`fmn.fc${i}.bias`));
      if (i < 4) h = tf.elu(h);
    }
    // o[0:27·c0] is PyTorch's [c0, 1, 3, 3, 3] row-major; tfjs wants [3, 3, 3, 1, c0]
    const kernel = tf.reshape(tf.transpose(tf.reshape(tf.slice(h, [0, 0], [1, 27 * c0]), [c0, 27])), [3, 3, 3, 1, c0]) as tf.Tensor5D;
    const bias = tf.reshape(tf.slice(h, [0, 27 * c0], [1, c0]), [c0]) as tf.Tensor1D;
    return { kernel, bias };
  });
}
