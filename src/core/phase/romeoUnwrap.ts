/**
 * Quality-guided region growing that keeps the exact phase values (after ROMEO, Dymerska et al. 2021): every voxel
 * ends up as its wrapped value plus a multiple of 2 pi. Each edge between 6-neighbours gets a quality in 1..255
 * from the phase coherence 1 - |wrap(dphi)|/pi, the magnitude coherence (min/max)^2 and a magnitude weight; the
 * region grows from a seed along the best edge first (a bucket priority queue: one linked list per quality, so
 * each step is O(1)), unwrapping the new voxel against the one that reached it. Disconnected parts of the mask are
 * grown from seeds of their own. The global multiple of 2 pi is chosen so that the median inside the mask lies
 * within [-pi, pi).
 */
import { checkAbort, type ProgressOptions } from '../progress';
import type { Vec3 } from '../volume';
import { wrapToPi } from './wrap';

export interface RomeoOptions extends ProgressOptions {
  /** magnitude for the edge weights (same grid); without it only the phase coherence counts */
  magnitude?: Float32Array;
  /** voxels to unwrap (default: all); the others are returned as 0 */
  mask?: Uint8Array;
}

const BINS = 256;
const TWO_PI = 2 * Math.PI;

/**
 * Edge qualities, 3 per voxel (to +x, +y, +z): 0 where the edge leaves the grid or the mask, else 1..255.
 */
export function romeoWeights(phase: Float32Array, dims: Vec3, magnitude?: Float32Array, mask?: Uint8Array): Uint8Array {
  const [nx, ny, nz] = dims;
  const n = phase.length;
  const strides = [1, nx, nx * ny];
  const w = new Uint8Array(3 * n);
  // magnitude weight: full weight above a robust tissue level, less in dark (noisy) voxels
  let magRef = 0;
  if (magnitude) {
    const vals: number[] = [];
    for (let i = 0; i < n; i += Math.max(1, Math.floor(n / 200000))) if (!mask || mask[i]) vals.push(magnitude[i]);
    vals.sort((a, b) => a - b);
    magRef = vals.length ? 0.5 * vals[Math.floor(0.9 * (vals.length - 1))] : 0;
  }
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const i = x + nx * (y + ny * z);
    if (mask && !mask[i]) continue;
    const c = [x, y, z];
    for (let a = 0; a < 3; a++) {
      if (c[a] === dims[a] - 1) continue;
      const j = i + strides[a];
      if (mask && !mask[j]) continue;
      let q = 1 - Math.abs(wrapToPi(phase[j] - phase[i])) / Math.PI;
      if (magnitude) {
        const mi = magnitude[i], mj = magnitude[j];
        const lo = Math.min(mi, mj), hi = Math.max(mi, mj);
        const coherence = hi > 0 ? (lo / hi) ** 2 : 0;
        const level = magRef > 0 ? Math.min(1, lo / magRef) : 1;
        q *= coherence * (0.1 + 0.9 * level);
      }
      w[3 * i + a] = Math.max(1, Math.min(BINS - 1, Math.round(q * (BINS - 1))));
    }
  }
  return w;
}

/** Unwrapped phase: phase[i] + 2 pi k_i inside the mask, 0 outside. */
export function romeoUnwrap(phase: Float32Array, dims: Vec3, voxelSize: Vec3, o: RomeoOptions = {}): Float32Array {
  void voxelSize;
  const [nx, ny] = dims;
  const n = phase.length;
  const mask = o.mask;
  const weights = romeoWeights(phase, dims, o.magnitude, mask);
  checkAbort(o);
  const out = new Float32Array(n);
  const done = new Uint8Array(n);
  // bucket queue of edges (edge id = 3 * voxel + axis): head per quality, a next pointer per edge
  const head = new Int32Array(BINS).fill(-1);
  const next = new Int32Array(3 * n);
  let top = 0;
  const strides = [1, nx, nx * ny];
  const push = (e: number) => {
    const b = weights[e];
    next[e] = head[b]; head[b] = e;
    if (b > top) top = b;
  };
  // push the edges from voxel i to neighbours not yet done
  const pushEdges = (i: number) => {
    for (let a = 0; a < 3; a++) {
      const e = 3 * i + a;
      if (weights[e] && !done[i + strides[a]]) push(e);
      const j = i - strides[a];
      if (j >= 0) {
        const ej = 3 * j + a;
        if (weights[ej] && !done[j]) push(ej);
      }
    }
  };
  const total = mask ? countMask(mask) : n;
  let count = 0, nextReport = 0;
  const report = () => {
    if (count >= nextReport) {
      checkAbort(o);
      o.onProgress?.(count, total, 'region growing');
      nextReport = count + Math.max(1, Math.floor(total / 50));
    }
  };
  const seedOrder = seeds(weights, n, mask);
  for (const seed of seedOrder) {
    if (done[seed] || (mask && !mask[seed])) continue;
    done[seed] = 1; out[seed] = phase[seed]; count++;
    pushEdges(seed);
    for (;;) {
      while (top > 0 && head[top] < 0) top--;
      if (top === 0) break;
      const e = head[top];
      head[top] = next[e];
      const i = Math.floor(e / 3), a = e - 3 * i, j = i + strides[a];
      let from: number, to: number;
      if (done[i] && !done[j]) { from = i; to = j; }
      else if (done[j] && !done[i]) { from = j; to = i; }
      else continue;
      out[to] = phase[to] + TWO_PI * Math.round((out[from] - phase[to]) / TWO_PI);
      done[to] = 1; count++;
      pushEdges(to);
      report();
    }
  }
  centreOnMedian(out, mask);
  o.onProgress?.(total, total, 'region growing');
  return out;
}

/** Seeds, best first: voxels ordered by the sum of their edge qualities (only the best few matter in practice). */
function seeds(weights: Uint8Array, n: number, mask?: Uint8Array): Int32Array {
  let best = -1, bestScore = -1;
  for (let i = 0; i < n; i++) {
    if (mask && !mask[i]) continue;
    const s = weights[3 * i] + weights[3 * i + 1] + weights[3 * i + 2];
    if (s > bestScore) { bestScore = s; best = i; }
  }
  const order = new Int32Array(best >= 0 ? n + 1 : n);
  let k = 0;
  if (best >= 0) order[k++] = best;
  for (let i = 0; i < n; i++) order[k++] = i;
  return order;
}

function countMask(mask: Uint8Array): number {
  let c = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i]) c++;
  return c;
}

/** Shifts every value inside the mask by one multiple of 2 pi so that their median lies in [-pi, pi). */
export function centreOnMedian(u: Float32Array, mask?: Uint8Array): void {
  const vals: number[] = [];
  const step = Math.max(1, Math.floor(u.length / 200000));
  for (let i = 0; i < u.length; i += step) if (!mask || mask[i]) vals.push(u[i]);
  if (vals.length === 0) return;
  vals.sort((a, b) => a - b);
  const med = vals[Math.floor(vals.length / 2)];
  const k = Math.round(med / TWO_PI);
  if (k === 0) return;
  for (let i = 0; i < u.length; i++) if (!mask || mask[i]) u[i] -= TWO_PI * k;
}
