/**
 * Which implementation of each U-Net op every backend runs (conv3d.ts, upConv.ts, pool.ts). Measured:
 * - correctness, against tfjs's CPU backend (conv3d.test.ts in Node; e2e/model-parity.spec.ts in Chromium):
 *   WASM's MaxPool3D and Conv3DBackpropInput are wrong (rel. error 1.4e-2 and 0.84); WebGPU's Conv3D fails
 *   to compile its shader (WGSL "cannot index type 'vec5'") and returns zeros, and its Conv3DBackpropInput
 *   is wrong (3.1); WebGL's are all right. Every rewrite is exact (< 1e-6) on every backend.
 * - speed (bench/unet-conv3d.ts, Node, 2 shared cores; enc0.conv2 at 32^3): WASM conv3d 0.45 GFLOP/s vs
 *   depthSlices 20; CPU conv3d 0.70 vs depthSlices 0.63; WASM up-conv depthToSpace ~1.7x matMul (upConv.ts).
 *   SwiftShader's GPU timings say nothing of a real GPU;
 *   there the GPU backends take the conv2d decomposition (their conv2d is a tiled matmul shader).
 */
import type { KernelChoice } from './unet';

const choices: Record<string, KernelChoice> = {
  wasm: { conv: 'depthSlices', up: 'depthToSpace', pool: 'maxPool2d' },
  cpu: { conv: 'conv3d', up: 'matMul', pool: 'maxPool2d' },
  webgpu: { conv: 'depthSlices', up: 'matMul', pool: 'maxPool3d' },
  webgl: { conv: 'depthSlices', up: 'matMul', pool: 'maxPool2d' },
};

export function kernelsFor(backend: string): KernelChoice {
  return choices[backend] ?? { conv: 'conv3d', up: 'conv3dTranspose', pool: 'maxPool3d' };
}
