/**
 * COSMOS (Liu et al. 2009): susceptibility from field maps at several B0 orientations on one
 * grid: chi_hat = sum_o D_o F_o / sum_o D_o^2 where the denominator exceeds COSMOS_EPS, 0 elsewhere.
 *
 * Why an absolute 1e-6: with orientations that are well spread (the only case where COSMOS is
 * meaningful) sum_o D_o^2 stays of order 0.1 away from k = 0, so the threshold's job is only to
 * drop k = 0 (where every D_o = 0) and exact common zeros. A relative cut such as 1e-2 * max would
 * silently zero real frequencies for tilts of a few tens of degrees; poorly spread orientations
 * are better seen as streaks than hidden.
 */
import { dipoleKernel } from './dipoleKernel';
import { applyMask, checkSameGrid } from './masking';
import { paddedDims } from './padding';
import type { ProgressOptions } from './progress';
import { checkAbort } from './progress';
import { croppedInverse, evenHalfWeights, paddedSpectrum } from './spectralFilter';
import { withData, type Vec3, type Volume } from './volume';

export const COSMOS_EPS = 1e-6;

export interface Orientation { field: Volume; b0Dir: Vec3 }

/** Pairs parallel arrays of fields and their B0 directions (as files and headers arrive) into orientations. */
export function orientationsOf(fields: Volume[], b0Dirs: Vec3[]): Orientation[] {
  if (fields.length !== b0Dirs.length) throw new Error(`COSMOS: ${fields.length} fields but ${b0Dirs.length} B0 directions`);
  return fields.map((field, o) => ({ field, b0Dir: b0Dirs[o] }));
}

export function cosmos(list: Orientation[], mask?: Volume, opts?: ProgressOptions): Volume {
  if (list.length === 0) throw new Error('COSMOS needs at least one orientation');
  const ref = list[0].field;
  for (const [o, { field }] of list.entries()) {
    checkSameGrid(ref, field, `COSMOS orientation ${o + 1}`);
    if (field.voxelSize.some((v, a) => Math.abs(v - ref.voxelSize[a]) > 1e-6 * v)) {
      throw new Error(`COSMOS orientation ${o + 1}: voxel size ${field.voxelSize.join('x')} differs from ${ref.voxelSize.join('x')}; register all fields to one grid first`);
    }
  }
  const pd = paddedDims(ref.dims);
  const n = pd[0] * pd[1] * pd[2];
  // The denominator on the full grid first: the per-orientation weights D_o / sum D^2 are then
  // made even (spectralFilter.ts) so the half spectrum reproduces real(IFFT(.)) exactly.
  const den = new Float32Array(n);
  for (const { b0Dir } of list) {
    const d = dipoleKernel(pd, ref.voxelSize, b0Dir);
    for (let i = 0; i < n; i++) den[i] += d[i] * d[i];
  }
  let num: { re: Float32Array; im: Float32Array } | undefined;
  const total = list.length + 1;
  for (const [o, { field, b0Dir }] of list.entries()) {
    checkAbort(opts);
    opts?.onProgress?.(o, total, `COSMOS orientation ${o + 1}/${list.length}`);
    const spec = paddedSpectrum(applyMask(field, mask).data, ref.dims, pd, { signal: opts?.signal });
    const d = dipoleKernel(pd, ref.voxelSize, b0Dir);
    for (let i = 0; i < n; i++) d[i] = den[i] > COSMOS_EPS ? d[i] / den[i] : 0;
    const w = evenHalfWeights(d, pd);
    for (let i = 0; i < w.length; i++) { spec.re[i] *= w[i]; spec.im[i] *= w[i]; }
    if (!num) num = spec;
    else for (let i = 0; i < w.length; i++) { num.re[i] += spec.re[i]; num.im[i] += spec.im[i]; }
  }
  opts?.onProgress?.(list.length, total, 'COSMOS inverse FFT');
  const chi = croppedInverse({ re: num!.re, im: num!.im, dims: pd }, ref.dims, { signal: opts?.signal });
  opts?.onProgress?.(total, total, 'COSMOS done');
  return applyMask(withData(ref, chi), mask);
}
