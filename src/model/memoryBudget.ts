/**
 * Whether one U-Net pass over a patch fits the backend, asked before anything is allocated (issue 13): the
 * WASM heap (one 32-bit memory: 4 GiB at most), and WebGPU's per-buffer limits (the largest tensor of a
 * pass, the decoder's first concatenation, is 2 * base channels floats per voxel). A patch that does not
 * fit gives one message naming the patch, the bound and the largest patch edge that would fit, and the
 * backend is passed over (backend.ts) before its weights are uploaded.
 */
import * as tf from '@tensorflow/tfjs';
import type { Vec3 } from '../core/volume';
import type { BackendName } from './startBackend';

/** WASM heap per voxel of one pass at 16 base channels: 0.86 GiB at 1.61 M voxels (bench/unet.ts), rounded up. */
export const WASM_BYTES_PER_VOXEL_16 = 700;
/** A 32-bit WebAssembly memory. */
export const WASM_MAX_HEAP = 4 * 2 ** 30;

export interface DeviceLimits {
  /** WebGPU: GPUDevice.limits.maxStorageBufferBindingSize */
  maxStorageBufferBindingSize?: number;
  /** WebGPU: GPUDevice.limits.maxBufferSize */
  maxBufferSize?: number;
}

const mib = (b: number) => `${Math.round(b / 2 ** 20)} MiB`;
const gib = (b: number) => `${(b / 2 ** 30).toFixed(1)} GiB`;

/** The largest cube edge (a multiple of `multiple`) whose voxels stay within `voxels`. */
function edgeWithin(voxels: number, multiple: number): number {
  return Math.floor(Math.cbrt(voxels) / multiple) * multiple;
}

/** undefined when a pass over `size` fits `backend`, else why not (one line, with a patch edge that fits). */
export function patchProblem(backend: BackendName, size: Vec3, baseChannels: number, multiple: number, limits: DeviceLimits = {}): string | undefined {
  const voxels = size[0] * size[1] * size[2];
  const what = `a ${size.join('x')} patch`;
  if (backend === 'wasm' || backend === 'cpu') {
    const perVoxel = WASM_BYTES_PER_VOXEL_16 * (baseChannels / 16);
    const need = voxels * perVoxel;
    if (backend === 'wasm' && need > WASM_MAX_HEAP) {
      const edge = edgeWithin(WASM_MAX_HEAP / perVoxel, multiple);
      return `${what} needs about ${gib(need)} of WASM memory, more than its ${gib(WASM_MAX_HEAP)}: use a patch of at most ${edge}`;
    }
    return undefined;
  }
  if (backend === 'webgpu') {
    const bound = Math.min(limits.maxStorageBufferBindingSize ?? Infinity, limits.maxBufferSize ?? Infinity);
    const perVoxel = 2 * baseChannels * 4;
    const need = voxels * perVoxel;
    if (need > bound) {
      const edge = edgeWithin(bound / perVoxel, multiple);
      return `${what} needs a ${mib(need)} GPU buffer, more than this device binds (${mib(bound)}): use a patch of at most ${edge}`;
    }
  }
  return undefined;
}

/** The active backend's limits: WebGPU's device limits (tfjs's WebGPU backend holds the device), else none. */
export function activeDeviceLimits(): DeviceLimits {
  const device = (tf.backend() as unknown as { device?: { limits?: DeviceLimits } }).device;
  const l = device?.limits;
  return l ? { maxStorageBufferBindingSize: l.maxStorageBufferBindingSize, maxBufferSize: l.maxBufferSize } : {};
}
