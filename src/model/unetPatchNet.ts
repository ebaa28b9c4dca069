/** The U-Net as a PatchNet: host Float32Array patches in and out, every tensor of a patch freed before the next. */
import * as tf from '@tensorflow/tfjs';
import type { Vec3 } from '../core/volume';
import type { QsmModel } from './loadModel';
import type { PatchNet } from './patchInference';
import { buildUNet, type KernelChoice } from './unet';
import { kernelsFor } from './kernelChoice';
import { mirrorAveragedNet, type MirrorPass } from './mirrorAverage';

/** Builds on the active tfjs backend; `backend` picks the convolution implementations (kernelChoice.ts) unless `kernels` is given. */
export function unetPatchNet(model: QsmModel, side: readonly number[] | undefined, backend: string, kernels?: KernelChoice): PatchNet {
  const net = buildUNet(model, side, kernels ?? kernelsFor(backend));
  return {
    predict: async (patch: Float32Array, size: Vec3) => {
      // tensors are [1, nz, ny, nx, 1]: the NIfTI-order buffer read as NDHWC
      const y = tf.tidy(() => net.predict(tf.tensor5d(patch, [1, size[2], size[1], size[0], 1])));
      try {
        return (await y.data()) as Float32Array;
      } finally {
        y.dispose();
      }
    },
    dispose: () => net.dispose(),
  };
}

/** unetPatchNet, mirror-averaged when a mirror pass is given (mirrorAverage.ts); a net without b is reused for it. */
export function learnedPatchNet(model: QsmModel, side: readonly number[] | undefined, mirror: MirrorPass | undefined, backend: string, kernels?: KernelChoice): PatchNet {
  const plain = unetPatchNet(model, side, backend, kernels);
  if (!mirror) return plain;
  return mirrorAveragedNet(plain, mirror.side ? unetPatchNet(model, mirror.side, backend, kernels) : plain);
}
