/**
 * What a magnitude image tells the iterative inversions (tv.ts, ndi.ts):
 * - noise weights: the field's noise is roughly inversely proportional to the magnitude (a GRE phase's standard
 *   deviation is sigma / |m|), so the data term is weighted by W = m / m99 inside the mask (m99 the 99th
 *   percentile of the magnitude there, W clipped to [0, 1] so the solvers' step sizes stay stable); W = mask
 *   without a magnitude;
 * - edge weights (MEDI's gradient mask, Liu et al. 2011): voxels whose magnitude gradient is among the largest
 *   (1 - fraction) of the mask are taken as tissue edges, where total variation is not charged (weight 0);
 *   elsewhere it is (weight 1). A quantile, so the choice does not depend on the magnitude's scale.
 */
import type { Vec3 } from './volume';

export const DEFAULT_EDGE_FRACTION = 0.9;

function quantile(values: Float32Array, q: number): number {
  if (!values.length) return 0;
  const s = Float32Array.from(values).sort();
  return s[Math.min(s.length - 1, Math.max(0, Math.floor(q * (s.length - 1))))];
}

/** The values of v where the mask is set (every voxel without a mask). */
function inMask(v: ArrayLike<number>, mask?: ArrayLike<number>): Float32Array {
  if (!mask) return Float32Array.from(v);
  let n = 0;
  for (let i = 0; i < v.length; i++) if (mask[i] > 0) n++;
  const out = new Float32Array(n);
  for (let i = 0, o = 0; i < v.length; i++) if (mask[i] > 0) out[o++] = v[i];
  return out;
}

/** W on the input grid: mask, or m / m99 clipped to [0, 1] inside the mask. */
export function noiseWeights(n: number, mask?: ArrayLike<number>, magnitude?: ArrayLike<number>): Float32Array {
  const w = new Float32Array(n);
  if (!magnitude) {
    for (let i = 0; i < n; i++) w[i] = !mask || mask[i] > 0 ? 1 : 0;
    return w;
  }
  const abs = Float32Array.from(magnitude, Math.abs);
  const m99 = quantile(inMask(abs, mask), 0.99);
  if (!(m99 > 0)) throw new Error('the magnitude is zero everywhere inside the mask');
  for (let i = 0; i < n; i++) w[i] = !mask || mask[i] > 0 ? Math.min(1, abs[i] / m99) : 0;
  return w;
}

/**
 * Edge weights on the input grid (1 = regularised, 0 = an edge): |grad m| by forward differences per mm
 * (0 across the grid's last face), thresholded at its `fraction` quantile inside the mask.
 */
export function edgeWeights(magnitude: ArrayLike<number>, dims: Vec3, voxelSize: Vec3, mask?: ArrayLike<number>, fraction = DEFAULT_EDGE_FRACTION): Float32Array {
  if (!(fraction > 0 && fraction <= 1)) throw new Error(`edge fraction must be in (0, 1], got ${fraction}`);
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const g = new Float32Array(n);
  for (let z = 0, i = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++, i++) {
    const v = Math.abs(magnitude[i]);
    const dx = x < nx - 1 ? (Math.abs(magnitude[i + 1]) - v) / voxelSize[0] : 0;
    const dy = y < ny - 1 ? (Math.abs(magnitude[i + nx]) - v) / voxelSize[1] : 0;
    const dz = z < nz - 1 ? (Math.abs(magnitude[i + nx * ny]) - v) / voxelSize[2] : 0;
    g[i] = Math.hypot(dx, dy, dz);
  }
  const out = new Float32Array(n).fill(1);
  if (fraction >= 1) return out;
  const thr = quantile(inMask(g, mask), fraction);
  for (let i = 0; i < n; i++) if ((!mask || mask[i] > 0) && g[i] > thr) out[i] = 0;
  return out;
}
