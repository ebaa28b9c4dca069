/**
 * Patch-wise processing of volumes larger than a network input: a grid of overlapping patches
 * that covers the volume, and a blender that puts patch outputs back with weights that sum to
 * one at every voxel.
 *
 * Layout rules (per axis, n voxels, patch edge p, overlap fraction f in [0, 1)):
 * - n <= p: one patch of size n along that axis (the caller pads it, e.g. with padToMultiple).
 * - otherwise patches of size p start at 0, s, 2s, ... with step s = p - round(f p) (at least 1),
 *   and the last one is shifted back to end exactly at the border, so no patch leaves the volume.
 * Blend weights are separable tents: 1 in the middle, falling linearly over the overlap width to
 * 1/(ov + 1) at the patch faces, never 0, so every covered voxel has a positive weight sum and
 * the normalised blend of a constant field is that constant.
 */
import { cropData, padData } from './padding';
import type { Vec3 } from './volume';

export interface Patch { origin: Vec3; size: Vec3 }

function checkOverlap(overlap: number): void {
  if (!(overlap >= 0 && overlap < 1)) throw new Error(`patch overlap must be a fraction in [0, 1), got ${overlap}`);
}

/** Start positions along one axis (see the layout rules above). */
export function axisStarts(n: number, patch: number, overlap: number): number[] {
  checkOverlap(overlap);
  if (!(patch >= 1) || !Number.isInteger(patch)) throw new Error(`patch edge must be a positive integer, got ${patch}`);
  if (n <= patch) return [0];
  const step = Math.max(1, patch - Math.round(overlap * patch));
  const starts: number[] = [];
  for (let s = 0; s + patch < n; s += step) starts.push(s);
  starts.push(n - patch);
  return starts;
}

export function patchGrid(dims: Vec3, patch: Vec3, overlap: number): Patch[] {
  const sx = axisStarts(dims[0], patch[0], overlap), sy = axisStarts(dims[1], patch[1], overlap), sz = axisStarts(dims[2], patch[2], overlap);
  const size = dims.map((n, a) => Math.min(n, patch[a])) as Vec3;
  const out: Patch[] = [];
  for (const z of sz) for (const y of sy) for (const x of sx) out.push({ origin: [x, y, z], size: [...size] as Vec3 });
  return out;
}

function axisWeights(p: number, overlap: number): Float64Array {
  const ov = Math.round(overlap * p);
  const w = new Float64Array(p);
  for (let i = 0; i < p; i++) w[i] = Math.min(1, (i + 1) / (ov + 1), (p - i) / (ov + 1));
  return w;
}

/** Separable tent weights for a patch of `size` (x fastest), all > 0. */
export function blendWeights(size: Vec3, overlap: number): Float32Array {
  checkOverlap(overlap);
  const [wx, wy, wz] = size.map((p) => axisWeights(p, overlap));
  const out = new Float32Array(size[0] * size[1] * size[2]);
  let i = 0;
  for (let z = 0; z < size[2]; z++) for (let y = 0; y < size[1]; y++) for (let x = 0; x < size[0]; x++, i++) out[i] = wx[x] * wy[y] * wz[z];
  return out;
}

export interface Blender {
  /** Accumulate one patch (x fastest, `size` voxels) placed at `origin`. */
  add(patchData: ArrayLike<number>, origin: Vec3, size: Vec3): void;
  /** The weighted average; voxels no patch covered are 0. */
  finish(): Float32Array;
  /** The summed weights so far (for tests and diagnostics). */
  readonly weightSum: Float32Array;
}

export function createBlender(dims: Vec3, overlap = 0): Blender {
  checkOverlap(overlap);
  const [nx, ny] = dims;
  const acc = new Float32Array(dims[0] * dims[1] * dims[2]);
  const wsum = new Float32Array(acc.length);
  const cache = new Map<string, Float32Array>();
  return {
    weightSum: wsum,
    add(patchData, origin, size) {
      const n = size[0] * size[1] * size[2];
      if (patchData.length !== n) throw new Error(`patch data has ${patchData.length} values, size ${size.join('x')} needs ${n}`);
      if (origin.some((o, a) => o < 0 || o + size[a] > dims[a])) throw new Error(`patch ${size.join('x')} at ${origin.join(',')} leaves the ${dims.join('x')} volume`);
      const key = size.join('x');
      let w = cache.get(key);
      if (!w) { w = blendWeights(size, overlap); cache.set(key, w); }
      let i = 0;
      for (let z = 0; z < size[2]; z++) for (let y = 0; y < size[1]; y++) {
        const row = origin[0] + nx * (origin[1] + y + ny * (origin[2] + z));
        for (let x = 0; x < size[0]; x++, i++) { acc[row + x] += w[i] * patchData[i]; wsum[row + x] += w[i]; }
      }
    },
    finish() {
      const out = new Float32Array(acc.length);
      for (let i = 0; i < out.length; i++) out[i] = wsum[i] > 0 ? acc[i] / wsum[i] : 0;
      return out;
    },
  };
}

/** Zero-pad at the high end of each axis so every dim is a multiple of `multiple` (the U-Net needs 16). */
export function padToMultiple(data: ArrayLike<number>, dims: Vec3, multiple: number): { data: Float32Array; dims: Vec3 } {
  if (!(multiple >= 1) || !Number.isInteger(multiple)) throw new Error(`multiple must be a positive integer, got ${multiple}`);
  const padded = dims.map((n) => Math.ceil(n / multiple) * multiple) as Vec3;
  return { data: padData(data, dims, padded), dims: padded };
}

/** Undo padToMultiple: the dims-sized corner at the origin. */
export function cropFromMultiple(data: ArrayLike<number>, paddedDims: Vec3, dims: Vec3): Float32Array {
  return cropData(data, paddedDims, dims);
}
