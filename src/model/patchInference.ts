/**
 * Patch-wise inference over a whole volume: pad to the network's multiple, cut overlapping patches
 * (src/core/tiling), run each through a PatchNet on the best backend that works (backend.ts), blend,
 * crop. Patch 0 means the whole (padded) volume in one pass.
 */
import { createBlender, cropFromMultiple, padToMultiple, patchGrid, type Patch } from '../core/tiling';
import type { Vec3 } from '../core/volume';
import { runWithFallback, type BackendName } from './backend';

/** A network on one backend: one patch (x fastest, `size` voxels) in, same-sized output out. */
export interface PatchNet {
  predict(patch: Float32Array, size: Vec3): Promise<Float32Array>;
  dispose(): void;
}

export interface PatchwiseOptions {
  /** spatial dims the net accepts are multiples of this */
  multiple: number;
  /** patch edge in voxels, rounded up to the multiple; 0 = the whole volume at once */
  patch: number;
  /** fraction of a patch shared with each neighbour, [0, 1) */
  overlap: number;
  order: BackendName[];
  start: (name: BackendName) => Promise<void>;
  build: (name: BackendName) => PatchNet | Promise<PatchNet>;
  /** asked after a backend starts and before anything is built on it: why a patch of this size cannot run there (memoryBudget.ts) */
  check?: (name: BackendName, patchSize: Vec3) => string | undefined;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, stage: string) => void;
  onBackend?: (name: BackendName, note?: string) => void;
}

export interface PatchwiseResult {
  data: Float32Array;
  backend: BackendName;
  failures: string[];
  patches: number;
  /** the patch edge actually used (after rounding to the multiple), or the padded dims when whole */
  patchSize: Vec3;
}

/** The box `p` of a volume (x fastest), copied out. */
export function readPatch(data: Float32Array, dims: Vec3, p: Patch): Float32Array {
  const [sx, sy, sz] = p.size;
  const [nx, ny] = dims;
  const out = new Float32Array(sx * sy * sz);
  for (let z = 0; z < sz; z++)
    for (let y = 0; y < sy; y++) {
      const src = p.origin[0] + nx * (p.origin[1] + y + ny * (p.origin[2] + z));
      out.set(data.subarray(src, src + sx), sx * (y + sy * z));
    }
  return out;
}

export async function runPatchwise(field: Float32Array, dims: Vec3, opts: PatchwiseOptions): Promise<PatchwiseResult> {
  if (!(opts.patch >= 0) || !Number.isInteger(opts.patch)) throw new Error(`patch must be 0 (whole volume) or a positive integer, got ${opts.patch}`);
  const padded = padToMultiple(field, dims, opts.multiple);
  const edge = opts.patch === 0 ? 0 : Math.ceil(opts.patch / opts.multiple) * opts.multiple;
  const patchSize = (edge === 0 ? padded.dims : [edge, edge, edge]) as Vec3;
  const patches = patchGrid(padded.dims, patchSize, opts.overlap);
  const blender = createBlender(padded.dims, opts.overlap);
  const res = await runWithFallback({
    order: opts.order,
    start: opts.start,
    total: patches.length,
    signal: opts.signal,
    onBackend: opts.onBackend,
    onPatch: (done, total, backend) => opts.onProgress?.(done, total, `inference (${backend})`),
    build: async (name) => {
      const problem = opts.check?.(name, patchSize);
      if (problem) throw new Error(problem);
      const net = await opts.build(name);
      return {
        run: async (i) => {
          const p = patches[i];
          const out = await net.predict(readPatch(padded.data, padded.dims, p), p.size);
          return () => blender.add(out, p.origin, p.size);
        },
        dispose: () => net.dispose(),
      };
    },
  });
  opts.onProgress?.(patches.length, patches.length, 'blending');
  return { data: cropFromMultiple(blender.finish(), padded.dims, dims), backend: res.backend, failures: res.failures, patches: patches.length, patchSize };
}
