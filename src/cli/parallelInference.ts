/**
 * A learned method over a field on several worker threads (issue 13): the same masking, side
 * information and patch choice as inferVolume, the patches shared by a pool of single-threaded WASM
 * workers (patchPool.ts) through runPatchesParallel. Used when more than one thread is asked for and the
 * volume has more than one patch (without --patch: slabs, one per worker, for volumes of 96^3 and more);
 * the caller falls back to inferVolume in this thread if it throws.
 */
import { availableParallelism, totalmem } from 'node:os';
import { applyMask } from '../core/masking';
import { withData, type Vec3, type Volume } from '../core/volume';
import { choosePatch, DEFAULT_OVERLAP, netInputs } from '../model/inferVolume';
import { inTrainingOrientation } from '../model/trainingOrientation';
import type { QsmModel } from '../model/loadModel';
import { patchCount, runPatchesParallel, slabPlan, type SlabPlan } from '../model/parallelPatches';
import type { BackendName } from '../model/startBackend';
import { startPatchPool } from './patchPool';

export interface ParallelInferOptions {
  modelDir: string;
  wasmDir: string;
  threads: number;
  backend: BackendName;
  patch?: number;
  overlap?: number;
  /** undefined = on (model/mirrorAverage.ts DEFAULT_MIRROR) */
  mirror?: boolean;
  mask?: Volume;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, stage: string) => void;
}

export interface ParallelInferResult { chi: Volume; patches: number; patchSize: Vec3; workers: number; perWorker: number[]; mirrored: boolean; storedAs: string }

/** Threads when --threads is not given: every core this process may use. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * WASM heap per patch voxel in one U-Net pass: 0.86 GiB at 1.61 M voxels with 16 base channels (measured,
 * bench/unet.ts), rounded up; it scales with the channels.
 */
const HEAP_BYTES_PER_VOXEL = 700;
/** what one worker's heap may reach (the WASM32 limit is 4 GiB) */
const MAX_WORKER_HEAP = 2.5 * 2 ** 30;
/**
 * Below this (96^3) a whole-volume pass in this thread beats starting workers, each of which loads tfjs and the
 * model (4.9 s for one, 9.1 s for two at load 15 here): 64x80x64 took 13.9 s in one thread and 39.7 s on two.
 */
const MIN_SLAB_VOXELS = 96 ** 3;

/**
 * Without --patch, slabs (slabPlan): one per worker when they fit the heap bound and half the machine's
 * memory shared by the workers, else more; with --patch (or when no slab fits), the cubes choosePatch gives.
 */
function plan(model: QsmModel, field: Volume, threads: number, patch?: number): SlabPlan | undefined {
  if (patch !== undefined || threads < 2 || field.dims[0] * field.dims[1] * field.dims[2] < MIN_SLAB_VOXELS) return undefined;
  const perVoxel = HEAP_BYTES_PER_VOXEL * (model.meta.baseChannels / 16);
  const maxVoxels = Math.floor(Math.min(MAX_WORKER_HEAP, (0.5 * totalmem()) / threads) / perVoxel);
  return slabPlan(field.dims, model.meta.multiple, threads, maxVoxels);
}

/** How many workers a run would use: no more than its patches (0 or 1 = run in this thread instead). */
export function workersFor(model: QsmModel, field: Volume, threads: number, patch?: number, overlap?: number): number {
  const { multiple, baseChannels } = model.meta;
  const slabs = plan(model, field, threads, patch);
  const n = slabs ? slabs.patches : patchCount(field.dims, multiple, choosePatch(field.dims, multiple, baseChannels, patch), overlap ?? DEFAULT_OVERLAP);
  return Math.min(threads, n);
}

export async function inferVolumeParallel(model: QsmModel, field: Volume, b0Dir: Vec3, opts: ParallelInferOptions): Promise<ParallelInferResult> {
  // the workers are started for the reoriented grid: its dims decide the slabs
  return inTrainingOrientation(field, b0Dir, opts.mask, (f, b, mask) => inferAsStoredParallel(model, f, b, { ...opts, mask }));
}

async function inferAsStoredParallel(model: QsmModel, field: Volume, b0Dir: Vec3, opts: ParallelInferOptions): Promise<Omit<ParallelInferResult, 'storedAs'>> {
  const { meta } = model;
  const { side, mirror } = netInputs(model, field.voxelSize, b0Dir, opts.mirror);
  const patch = choosePatch(field.dims, meta.multiple, meta.baseChannels, opts.patch);
  const slabs = plan(model, field, opts.threads, opts.patch);
  const overlap = slabs ? slabs.overlap : opts.overlap ?? DEFAULT_OVERLAP;
  const workers = workersFor(model, field, opts.threads, opts.patch, opts.overlap);
  opts.onProgress?.(0, 1, `starting ${workers} workers`);
  const nets = await startPatchPool(workers, { modelDir: opts.modelDir, side, mirror, backend: opts.backend, wasmDir: opts.wasmDir });
  try {
    const input = applyMask(field, opts.mask);
    const res = await runPatchesParallel(input.data, field.dims, {
      multiple: meta.multiple, patch, patchSize: slabs?.patchSize, overlap, nets, signal: opts.signal,
      onProgress: (done, total) => opts.onProgress?.(done, total, `inference (${opts.backend}, ${workers} workers)`),
    });
    return { chi: applyMask(withData(field, res.data), opts.mask), patches: res.patches, patchSize: res.patchSize, workers, perWorker: res.perNet, mirrored: mirror !== undefined };
  } finally {
    for (const net of nets) net.dispose();
  }
}
