/**
 * A trained model over a whole field map: side information from the volume's geometry, masking,
 * patch-wise inference with backend fallback. What the worker and the CLI call.
 */
import type { Vec3, Volume } from '../core/volume';
import { applyMask } from '../core/masking';
import { withData } from '../core/volume';
import type { QsmModel } from './loadModel';
import type { BackendName } from './backend';
import { runPatchwise } from './patchInference';
import { unetPatchNet } from './unetPatchNet';

/** Whole-volume inference up to this many (padded) voxels: about 1.3 kB of activations per voxel at 16 base channels. */
export const WHOLE_VOLUME_MAX_VOXELS = 96 ** 3;
export const DEFAULT_PATCH = 64;
export const DEFAULT_OVERLAP = 0.25;

export interface InferOptions {
  /** patch edge (voxels); 0 = whole volume; undefined = whole volume when small enough, else DEFAULT_PATCH */
  patch?: number;
  overlap?: number;
  mask?: Volume;
  order: BackendName[];
  start: (name: BackendName) => Promise<void>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, stage: string) => void;
  onBackend?: (name: BackendName, note?: string) => void;
}

export interface InferResult {
  chi: Volume;
  backend: BackendName;
  failures: string[];
  patches: number;
  patchSize: Vec3;
}

/** s = (dx, dy, dz, bx, by, bz) with b normalised (FORMAT.md). */
export function sideInformation(voxelSize: Vec3, b0Dir: Vec3): number[] {
  const n = Math.hypot(...b0Dir);
  if (!(n > 0)) throw new Error(`B0 direction [${b0Dir.join(', ')}] has no length`);
  return [...voxelSize, ...b0Dir.map((b) => b / n)];
}

export function choosePatch(dims: Vec3, multiple: number, requested?: number): number {
  if (requested !== undefined) return requested;
  const padded = dims.map((n) => Math.ceil(n / multiple) * multiple);
  return padded[0] * padded[1] * padded[2] <= WHOLE_VOLUME_MAX_VOXELS ? 0 : DEFAULT_PATCH;
}

export async function inferVolume(model: QsmModel, field: Volume, b0Dir: Vec3, opts: InferOptions): Promise<InferResult> {
  const { meta } = model;
  const side = meta.architecture === 'adaptive-unet' ? sideInformation(field.voxelSize, b0Dir) : undefined;
  const input = applyMask(field, opts.mask);
  const res = await runPatchwise(input.data, field.dims, {
    multiple: meta.multiple,
    patch: choosePatch(field.dims, meta.multiple, opts.patch),
    overlap: opts.overlap ?? DEFAULT_OVERLAP,
    order: opts.order,
    start: opts.start,
    build: (backend) => unetPatchNet(model, side, backend),
    signal: opts.signal,
    onProgress: opts.onProgress,
    onBackend: opts.onBackend,
  });
  const chi = applyMask(withData(field, res.data), opts.mask);
  return { chi, backend: res.backend, failures: res.failures, patches: res.patches, patchSize: res.patchSize };
}
