/**
 * A trained model over a whole field map: side information from the volume's geometry, masking,
 * patch-wise inference with backend fallback. What the worker and the CLI call.
 */
import type { Vec3, Volume } from '../core/volume';
import { applyMask } from '../core/masking';
import { withData } from '../core/volume';
import { sideInfo } from '../core/acquisition';
import type { QsmModel } from './loadModel';
import type { BackendName } from './backend';
import { runPatchwise } from './patchInference';
import { learnedPatchNet } from './unetPatchNet';
import { DEFAULT_MIRROR, mirrorPass, type MirrorPass } from './mirrorAverage';
import { inTrainingOrientation } from './trainingOrientation';
import type { KernelChoice } from './unet';
import { activeDeviceLimits, patchProblem } from './memoryBudget';

/**
 * The biggest single tensor of a pass is the decoder's first concatenation, 2·c0 floats per voxel. WebGPU's
 * default maxStorageBufferBindingSize is 128 MiB, so a patch stays under that (c0 = 16: 1 M voxels, ~101^3).
 * The whole pass peaks at ~650 B per voxel on WASM at c0 = 16 (measured with bench/unet.ts: 0.86 GiB heap at
 * 1.61 M voxels), well inside WASM's 4 GiB.
 */
export const MAX_TENSOR_BYTES = 128 * 2 ** 20;
export const DEFAULT_OVERLAP = 0.25;

export function maxPatchVoxels(baseChannels: number): number {
  return Math.floor(MAX_TENSOR_BYTES / (2 * baseChannels * 4));
}

export interface InferOptions {
  /** patch edge (voxels); 0 = whole volume; undefined = choosePatch */
  patch?: number;
  overlap?: number;
  /** average each patch with a pass on its x-mirror image (mirrorAverage.ts); undefined = DEFAULT_MIRROR */
  mirror?: boolean;
  mask?: Volume;
  order: BackendName[];
  start: (name: BackendName) => Promise<void>;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, stage: string) => void;
  onBackend?: (name: BackendName, note?: string) => void;
  /** op implementations per backend instead of kernelChoice.ts (benchmarks; tests that force a failing kernel) */
  kernels?: (backend: BackendName) => KernelChoice | undefined;
}

export interface InferResult {
  chi: Volume;
  backend: BackendName;
  failures: string[];
  patches: number;
  patchSize: Vec3;
  /** whether a mirror pass was averaged in */
  mirrored: boolean;
  /** the input's voxel axes as orientation letters ("RAS" unless it had to be turned for the net) */
  storedAs: string;
}

/**
 * What a pass of `model` over a grid with this voxel size and B0 is built with: the side information (adaptive
 * nets only) and the mirror pass, if any (mirrorAverage.ts). Shared by this thread's and the CLI's pooled inference.
 */
export function netInputs(model: QsmModel, voxelSize: Vec3, b0Dir: Vec3, mirror = DEFAULT_MIRROR): { side?: number[]; mirror?: MirrorPass } {
  const adaptive = model.meta.architecture === 'adaptive-unet';
  return { side: adaptive ? sideInformation(voxelSize, b0Dir) : undefined, mirror: mirrorPass(mirror, adaptive, voxelSize, b0Dir) };
}

/** s = (dx, dy, dz, bx, by, bz) with b normalised and sign-canonical (FORMAT.md, core/acquisition canonicalB0). */
export function sideInformation(voxelSize: Vec3, b0Dir: Vec3): number[] {
  return sideInfo({ voxelSize, b0Dir });
}

/**
 * undefined -> the whole volume in one pass when it fits maxPatchVoxels, else the largest cube patch that
 * does (a multiple of the net's multiple): the net sees as much context as memory allows.
 */
export function choosePatch(dims: Vec3, multiple: number, baseChannels: number, requested?: number): number {
  if (requested !== undefined) return requested;
  const limit = maxPatchVoxels(baseChannels);
  const padded = dims.map((n) => Math.ceil(n / multiple) * multiple);
  if (padded[0] * padded[1] * padded[2] <= limit) return 0;
  return Math.max(multiple, Math.floor(Math.cbrt(limit) / multiple) * multiple);
}

export async function inferVolume(model: QsmModel, field: Volume, b0Dir: Vec3, opts: InferOptions): Promise<InferResult> {
  return inTrainingOrientation(field, b0Dir, opts.mask, (f, b, mask) => inferAsStored(model, f, b, { ...opts, mask }));
}

/** inferVolume on the grid as given (already in the training orientation). */
async function inferAsStored(model: QsmModel, field: Volume, b0Dir: Vec3, opts: InferOptions): Promise<Omit<InferResult, 'storedAs'>> {
  const { meta } = model;
  const { side, mirror } = netInputs(model, field.voxelSize, b0Dir, opts.mirror);
  const input = applyMask(field, opts.mask);
  const res = await runPatchwise(input.data, field.dims, {
    multiple: meta.multiple,
    patch: choosePatch(field.dims, meta.multiple, meta.baseChannels, opts.patch),
    overlap: opts.overlap ?? DEFAULT_OVERLAP,
    order: opts.order,
    start: opts.start,
    build: (backend) => learnedPatchNet(model, side, mirror, backend, opts.kernels?.(backend)),
    // a patch the backend cannot hold is refused before the weights go up (the next backend is tried)
    check: (backend, size) => patchProblem(backend, size, meta.baseChannels, meta.multiple, activeDeviceLimits()),
    signal: opts.signal,
    onProgress: opts.onProgress,
    onBackend: opts.onBackend,
  });
  const chi = applyMask(withData(field, res.data), opts.mask);
  return { chi, backend: res.backend, failures: res.failures, patches: res.patches, patchSize: res.patchSize, mirrored: mirror !== undefined };
}
