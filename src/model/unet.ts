/**
 * The forward pass of the (adaptive) 3-D U-Net of models/FORMAT.md in tfjs ops, NDHWC:
 * input [1, nz, ny, nx, 1] field in ppm -> [1, nz, ny, nx, 1] chi in ppm (the model's scales applied).
 */
import * as tf from '@tensorflow/tfjs';
import type { QsmModel } from './loadModel';
import { filterManifold, type FirstConv } from './filterManifold';
import { conv3dImpls, type Conv3dImplName } from './conv3d';
import { upConvImpls, type UpConvImplName } from './upConv';
import { poolImpls, type PoolImplName } from './pool';

export interface KernelChoice {
  conv: Conv3dImplName;
  up: UpConvImplName;
  pool: PoolImplName;
}

export interface UNet {
  /** field patch in ppm [1, D, H, W, 1], each of D, H, W a multiple of meta.multiple -> chi in ppm */
  predict(field: tf.Tensor5D): tf.Tensor5D;
  dispose(): void;
}

/**
 * Puts the weights on the current backend. For the adaptive net the side information is fixed per volume,
 * so the filter-manifold network runs once here and not per patch.
 */
export function buildUNet(model: QsmModel, side: readonly number[] | undefined, kernels: KernelChoice): UNet {
  const { meta } = model;
  const weights = new Map<string, tf.Tensor>();
  for (const [name, w] of model.weights) weights.set(name, tf.tensor(w.values, w.shape, 'float32'));
  const weight = (name: string) => {
    const t = weights.get(name);
    if (!t) throw new Error(`model ${meta.id} has no weight ${name}`);
    return t;
  };
  let first: FirstConv;
  if (meta.architecture === 'adaptive-unet') {
    if (!side) throw new Error(`model ${meta.id} is adaptive: it needs the side information (voxel size, B0 direction)`);
    first = filterManifold(weight, side, meta.baseChannels);
  } else {
    first = { kernel: weight('enc0.conv1.weight') as tf.Tensor5D, bias: weight('enc0.conv1.bias') as tf.Tensor1D };
  }
  const conv3d = conv3dImpls[kernels.conv];
  const upConv = upConvImpls[kernels.up];
  const pool = poolImpls[kernels.pool];
  // Each layer frees its input as soon as it is used: a tidy around the whole pass alone would keep every
  // activation of the network alive until the end (measured at 64^3, base 16: WASM heap 0.48 GiB that way,
  // 0.17 GiB this way).
  const convElu = (x: tf.Tensor5D, name: string) =>
    tf.tidy(() => tf.elu(conv3d(x, weight(`${name}.weight`) as tf.Tensor5D, weight(`${name}.bias`) as tf.Tensor1D)) as tf.Tensor5D);
  const consume = <T extends tf.Tensor>(inputs: tf.Tensor[], y: T): T => {
    tf.dispose(inputs);
    return y;
  };

  const predict = (field: tf.Tensor5D): tf.Tensor5D =>
    tf.tidy(() => {
      const [n, d, h, w, c] = field.shape;
      if (n !== 1 || c !== 1) throw new Error(`the U-Net takes one single-channel patch [1, D, H, W, 1], got [${field.shape.join(', ')}]`);
      if ([d, h, w].some((s) => s % meta.multiple !== 0))
        throw new Error(`patch ${d}x${h}x${w} is not a multiple of ${meta.multiple} in every dimension`);
      let x = tf.mul(field, meta.inputScale) as tf.Tensor5D;
      x = consume([x], tf.tidy(() => tf.elu(conv3d(x, first.kernel, first.bias)) as tf.Tensor5D));
      x = consume([x], convElu(x, 'enc0.conv2'));
      const skips: tf.Tensor5D[] = [];
      for (let l = 1; l < meta.levels; l++) {
        skips.push(x);
        x = pool(x);
        x = consume([x], convElu(x, `enc${l}.conv1`));
        x = consume([x], convElu(x, `enc${l}.conv2`));
      }
      for (let l = meta.levels - 2; l >= 0; l--) {
        const up = consume([x], upConv(x, weight(`up${l}.weight`) as tf.Tensor5D, weight(`up${l}.bias`) as tf.Tensor1D));
        x = consume([up, skips[l]], tf.concat([up, skips[l]], 4));
        x = consume([x], convElu(x, `dec${l}.conv1`));
        x = consume([x], convElu(x, `dec${l}.conv2`));
      }
      const c0 = meta.baseChannels;
      const out = tf.add(tf.matMul(tf.reshape(x, [d * h * w, c0]) as tf.Tensor2D, tf.reshape(weight('out.weight'), [c0, 1]) as tf.Tensor2D), weight('out.bias'));
      return tf.reshape(tf.mul(out, meta.outputScale), [1, d, h, w, 1]) as tf.Tensor5D;
    });

  return {
    predict,
    dispose: () => {
      tf.dispose([...weights.values()]);
      if (meta.architecture === 'adaptive-unet') tf.dispose([first.kernel, first.bias]);
    },
  };
}
