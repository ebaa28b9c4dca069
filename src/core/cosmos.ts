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
import { paddedSpectrum, realCroppedInverse } from './spectralFilter';
import { withData, type Vec3, type Volume } from './volume';

export const COSMOS_EPS = 1e-6;

export interface Orientation { field: Volume; b0Dir: Vec3 }

export function cosmos(orientations: Orientation[], mask?: Volume, opts?: ProgressOptions): Volume;
/** The same, with fields and directions as parallel arrays and the mask in the options. */
export function cosmos(fields: Volume[], b0Dirs: Vec3[], opts?: ProgressOptions & { mask?: Volume }): Volume;
export function cosmos(
  a: Orientation[] | Volume[],
  b?: Volume | Vec3[],
  c?: ProgressOptions & { mask?: Volume },
): Volume {
  let list: Orientation[], mask: Volume | undefined, opts: ProgressOptions | undefined;
  if (Array.isArray(b)) {
    const fields = a as Volume[];
    if (fields.length !== b.length) throw new Error(`COSMOS: ${fields.length} fields but ${b.length} B0 directions`);
    list = fields.map((field, o) => ({ field, b0Dir: b[o] }));
    mask = c?.mask;
    opts = c;
  } else {
    list = a as Orientation[];
    mask = b;
    opts = c;
  }
  return cosmosOf(list, mask, opts);
}

function cosmosOf(list: Orientation[], mask: Volume | undefined, opts?: ProgressOptions): Volume {
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
  const numRe = new Float32Array(n), numIm = new Float32Array(n), den = new Float32Array(n);
  const total = list.length + 1;
  for (const [o, { field, b0Dir }] of list.entries()) {
    checkAbort(opts);
    opts?.onProgress?.(o, total, `COSMOS orientation ${o + 1}/${list.length}`);
    const spec = paddedSpectrum(applyMask(field, mask).data, ref.dims, pd, { signal: opts?.signal });
    const d = dipoleKernel(pd, ref.voxelSize, b0Dir);
    for (let i = 0; i < n; i++) {
      numRe[i] += d[i] * spec.re[i];
      numIm[i] += d[i] * spec.im[i];
      den[i] += d[i] * d[i];
    }
  }
  for (let i = 0; i < n; i++) {
    const s = den[i] > COSMOS_EPS ? 1 / den[i] : 0;
    numRe[i] *= s;
    numIm[i] *= s;
  }
  opts?.onProgress?.(list.length, total, 'COSMOS inverse FFT');
  const chi = realCroppedInverse({ re: numRe, im: numIm, dims: pd }, ref.dims, { signal: opts?.signal });
  opts?.onProgress?.(total, total, 'COSMOS done');
  return applyMask(withData(ref, chi), mask);
}
