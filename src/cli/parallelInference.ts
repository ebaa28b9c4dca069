/**
 * A learned method over a field on several worker threads (issue 13): the same masking, side
 * information and patch choice as inferVolume, the patches shared by a pool of single-threaded WASM
 * workers (patchPool.ts) through runPatchesParallel. Used when more than one thread is asked for and the
 * volume has more than one patch; the caller falls back to inferVolume in this thread if it throws.
 */
import { availableParallelism } from 'node:os';
import { applyMask } from '../core/masking';
import { withData, type Vec3, type Volume } from '../core/volume';
import { choosePatch, DEFAULT_OVERLAP, sideInformation } from '../model/inferVolume';
import type { QsmModel } from '../model/loadModel';
import { patchCount, runPatchesParallel } from '../model/parallelPatches';
import type { BackendName } from '../model/startBackend';
import { startPatchPool } from './patchPool';

export interface ParallelInferOptions {
  modelDir: string;
  wasmDir: string;
  threads: number;
  backend: BackendName;
  patch?: number;
  overlap?: number;
  mask?: Volume;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, stage: string) => void;
}

export interface ParallelInferResult { chi: Volume; patches: number; patchSize: Vec3; workers: number; perWorker: number[] }

/** Threads when --threads is not given: every core this process may use. */
export function defaultThreads(): number {
  return Math.max(1, availableParallelism());
}

/** How many workers a run would use: no more than its patches (0 or 1 = run in this thread instead). */
export function workersFor(model: QsmModel, field: Volume, threads: number, patch?: number, overlap?: number): number {
  const { multiple, baseChannels } = model.meta;
  const n = patchCount(field.dims, multiple, choosePatch(field.dims, multiple, baseChannels, patch), overlap ?? DEFAULT_OVERLAP);
  return Math.min(threads, n);
}

export async function inferVolumeParallel(model: QsmModel, field: Volume, b0Dir: Vec3, opts: ParallelInferOptions): Promise<ParallelInferResult> {
  const { meta } = model;
  const side = meta.architecture === 'adaptive-unet' ? sideInformation(field.voxelSize, b0Dir) : undefined;
  const patch = choosePatch(field.dims, meta.multiple, meta.baseChannels, opts.patch);
  const overlap = opts.overlap ?? DEFAULT_OVERLAP;
  const workers = workersFor(model, field, opts.threads, opts.patch, overlap);
  opts.onProgress?.(0, 1, `starting ${workers} workers`);
  const nets = await startPatchPool(workers, { modelDir: opts.modelDir, side, backend: opts.backend, wasmDir: opts.wasmDir });
  try {
    const input = applyMask(field, opts.mask);
    const res = await runPatchesParallel(input.data, field.dims, {
      multiple: meta.multiple, patch, overlap, nets, signal: opts.signal,
      onProgress: (done, total) => opts.onProgress?.(done, total, `inference (${opts.backend}, ${workers} workers)`),
    });
    return { chi: applyMask(withData(field, res.data), opts.mask), patches: res.patches, patchSize: res.patchSize, workers, perWorker: res.perNet };
  } finally {
    for (const net of nets) net.dispose();
  }
}
