/**
 * Patch-wise inference over several PatchNets at once (issue 13): one lane per net, each taking the next
 * patch not yet started, so N workers (each with its own single-threaded WASM instance: worker_threads in
 * the CLI) share the patches of one volume. Memory stays bounded: a patch is cut from the padded volume
 * when its lane takes it and blended as soon as its output is back, so at most one input and one output
 * per lane exist besides the padded input and the blender's two accumulators.
 *
 * A failing net rejects the whole run (the caller falls back to runPatchwise, which resumes nothing: the
 * blended patches are discarded with this blender); cancelling stops every lane before its next patch.
 */
import { createBlender, cropFromMultiple, padToMultiple, patchGrid } from '../core/tiling';
import type { Vec3 } from '../core/volume';
import { readPatch, type PatchNet } from './patchInference';

export interface ParallelPatchOptions {
  multiple: number;
  /** patch edge, rounded up to the multiple; 0 = the whole volume (one lane does all of it) */
  patch: number;
  /** a box instead of the cube `patch` (slabPlan), each a multiple of `multiple` */
  patchSize?: Vec3;
  overlap: number;
  nets: PatchNet[];
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface ParallelPatchResult {
  data: Float32Array;
  patches: number;
  patchSize: Vec3;
  /** how many patches each lane ran, in net order */
  perNet: number[];
}

/** The patch grid runPatchwise would use, without running anything (to decide how many workers are worth starting). */
export function patchCount(dims: Vec3, multiple: number, patch: number, overlap: number): number {
  const padded = dims.map((n) => Math.ceil(n / multiple) * multiple) as Vec3;
  const edge = patch === 0 ? 0 : Math.ceil(patch / multiple) * multiple;
  return patchGrid(padded, (edge === 0 ? padded : [edge, edge, edge]) as Vec3, overlap).length;
}

export async function runPatchesParallel(field: Float32Array, dims: Vec3, opts: ParallelPatchOptions): Promise<ParallelPatchResult> {
  if (!(opts.patch >= 0) || !Number.isInteger(opts.patch)) throw new Error(`patch must be 0 (whole volume) or a positive integer, got ${opts.patch}`);
  if (opts.nets.length === 0) throw new Error('runPatchesParallel needs at least one net');
  const padded = padToMultiple(field, dims, opts.multiple);
  const edge = opts.patch === 0 ? 0 : Math.ceil(opts.patch / opts.multiple) * opts.multiple;
  const patchSize = opts.patchSize ?? ((edge === 0 ? padded.dims : [edge, edge, edge]) as Vec3);
  const patches = patchGrid(padded.dims, patchSize, opts.overlap);
  const blender = createBlender(padded.dims, opts.overlap);
  const perNet = opts.nets.map(() => 0);
  let next = 0;
  let done = 0;
  let failed = false;
  const lane = async (k: number) => {
    const net = opts.nets[k];
    while (!failed && next < patches.length) {
      if (opts.signal?.aborted) throw opts.signal.reason ?? new DOMException('cancelled', 'AbortError');
      const p = patches[next++];
      const out = await net.predict(readPatch(padded.data, padded.dims, p), p.size);
      if (failed) return;
      blender.add(out, p.origin, p.size);
      perNet[k]++;
      opts.onProgress?.(++done, patches.length);
    }
  };
  await Promise.all(opts.nets.map((_, k) => lane(k).catch((e: unknown) => {
    failed = true;
    throw e;
  })));
  return { data: cropFromMultiple(blender.finish(), padded.dims, dims), patches: patches.length, patchSize, perNet };
}

export interface SlabPlan { patchSize: Vec3; overlap: number; patches: number }

/**
 * Few large patches for `lanes` workers: the padded volume cut along its longest axis into a multiple of
 * `lanes` slabs that share `overlapVoxels`, as few as keep each slab under `maxVoxels` (the memory one
 * worker may use). Bigger patches than the cubes choosePatch picks for a GPU's buffer limit mean less
 * overlap computed twice (cubes of 96 on a 144x176x144 brain compute 2.9x its voxels) and more context per
 * voxel. undefined when no slab thinner than that fits (the caller uses cubes).
 */
export function slabPlan(dims: Vec3, multiple: number, lanes: number, maxVoxels: number, overlapVoxels = 32): SlabPlan | undefined {
  const padded = dims.map((n) => Math.ceil(n / multiple) * multiple) as Vec3;
  const axis = padded.indexOf(Math.max(...padded));
  const n = padded[axis];
  const across = padded.reduce((a, b) => a * b, 1) / n;
  for (let k = lanes; k * multiple <= n; k += lanes) {
    const thick = Math.min(n, Math.ceil((n + overlapVoxels * (k - 1)) / k / multiple) * multiple);
    if (thick * across > maxVoxels) continue;
    const size = [...padded] as Vec3;
    size[axis] = thick;
    // the step that puts k slabs from 0 to the far border (axisStarts with this fraction lays them out so)
    const step = k === 1 ? thick : Math.ceil((n - thick) / (k - 1));
    const overlap = thick === n ? 0 : (thick - step) / thick;
    return { patchSize: size, overlap, patches: patchGrid(padded, size, overlap).length };
  }
  return undefined;
}
