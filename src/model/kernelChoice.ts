/**
 * Which convolution implementations each backend runs, from measurements (bench/unet-conv3d.ts, in
 * Node on 2 cores, GFLOP/s for enc0.conv2 at 32^3): WASM conv3d 0.45 vs depthSlices 20; CPU conv3d 0.70 vs
 * depthSlices 0.63. WASM's own MaxPool3D and Conv3DBackpropInput give wrong results (pool.test.ts,
 * conv3d.test.ts), so every backend takes the exact rewrites built from conv2d / matMul / maxPool.
 * The GPU backends have no measurement here; their conv2d is a tiled matmul shader while conv3d is a
 * direct loop, so they get the decomposition too.
 */
import type { KernelChoice } from './unet';

const choices: Record<string, KernelChoice> = {
  wasm: { conv: 'depthSlices', up: 'matMul', pool: 'maxPool2d' },
  cpu: { conv: 'conv3d', up: 'matMul', pool: 'maxPool2d' },
  webgpu: { conv: 'depthSlices', up: 'matMul', pool: 'maxPool2d' },
  webgl: { conv: 'depthSlices', up: 'matMul', pool: 'maxPool2d' },
};

export function kernelsFor(backend: string): KernelChoice {
  return choices[backend] ?? { conv: 'conv3d', up: 'conv3dTranspose', pool: 'maxPool3d' };
}
