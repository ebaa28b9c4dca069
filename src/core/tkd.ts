/**
 * Truncated k-space division (Shmueli et al. 2009; Wharton et al. 2010):
 * chi = IFFT(FFT(field) / D'), D' = D where |D| >= t, sign(D) t elsewhere; where D = 0
 * exactly (k = 0 and grid points on the magic-angle cone) the spectrum is set to 0.
 */
import { dipoleKernel } from './dipoleKernel';
import { applyMask } from './masking';
import type { ProgressOptions } from './progress';
import { filterReal } from './spectralFilter';
import { withData, type Vec3, type Volume } from './volume';

export const DEFAULT_TKD_THRESHOLD = 0.19;

/** 1/D' on the grid (the TKD inverse filter). */
export function tkdInverseKernel(d: Float32Array, threshold: number): Float32Array {
  const h = new Float32Array(d.length);
  for (let i = 0; i < d.length; i++) {
    const v = d[i];
    if (v === 0) h[i] = 0;
    else h[i] = Math.abs(v) >= threshold ? 1 / v : Math.sign(v) / threshold;
  }
  return h;
}

export function tkd(field: Volume, b0Dir: Vec3, threshold = DEFAULT_TKD_THRESHOLD, mask?: Volume, opts?: ProgressOptions): Volume {
  if (!(threshold > 0 && threshold <= 2 / 3)) throw new Error(`TKD threshold must be in (0, 2/3], got ${threshold}`);
  const masked = applyMask(field, mask);
  const data = filterReal(masked.data, field.dims, (pd) => tkdInverseKernel(dipoleKernel(pd, field.voxelSize, b0Dir), threshold), opts);
  return applyMask(withData(field, data), mask);
}
