/**
 * V-SHARP background-field removal (Li et al. 2011; Wu et al. 2012). A background field is harmonic inside the
 * brain, so it is unchanged by a spherical mean value (SMV) filter and vanishes under (delta - SMV_r). For radii
 * from large to small, each voxel takes (delta - SMV_r) * field from the largest r whose eroded mask (by r) still
 * contains it; the combined high-passed field is then deconvolved by the largest kernel, 1 - S_rmax(k), truncated
 * where |1 - S_rmax| < threshold (TSVD). The result is valid in the mask eroded by the smallest radius.
 * FFTs run on a grid zero-padded by the largest radius on each side (the SMV reaches no further).
 */
import { cropData, padData } from '../padding';
import { checkAbort, type ProgressOptions } from '../progress';
import { irfft3, rfft3, type HalfSpectrum } from '../rfft3';
import type { Vec3 } from '../volume';
import { fftPadDims } from './laplacianUnwrap';
import { erodeMask } from './morphology';

export interface VsharpOptions extends ProgressOptions {
  /** SMV radii in mm (any order); default defaultVsharpRadii(voxelSize) */
  radiiMm?: number[];
  /** deconvolution threshold on |1 - S_rmax(k)|; default 0.05 */
  threshold?: number;
}

export interface BackgroundRemoval {
  /** local field, same units as the input, 0 outside `mask` */
  local: Float32Array;
  /** where the local field is valid (the input mask eroded as the method needs) */
  mask: Uint8Array;
}

export const DEFAULT_VSHARP_THRESHOLD = 0.05;
export const DEFAULT_VSHARP_MAX_RADIUS_MM = 12;

/** Radii from 12 mm down to one (largest) voxel, in steps of one voxel, at most 8 of them. */
export function defaultVsharpRadii(voxelSize: Vec3, maxMm = DEFAULT_VSHARP_MAX_RADIUS_MM): number[] {
  const v = Math.max(...voxelSize);
  const rmax = Math.max(maxMm, 2 * v);
  const count = Math.min(8, Math.floor(rmax / v));
  const step = (rmax - v) / Math.max(1, count - 1);
  const out: number[] = [];
  for (let k = 0; k < count; k++) out.push(rmax - k * step);
  return out;
}

/** Spectrum (real, on the half grid) of the normalised discrete sphere of radius rMm centred at the origin. */
export function smvSpectrum(pd: Vec3, voxelSize: Vec3, rMm: number, opts?: ProgressOptions): Float32Array {
  const [px, py, pz] = pd;
  const k = new Float32Array(px * py * pz);
  const rx = Math.floor(rMm / voxelSize[0]), ry = Math.floor(rMm / voxelSize[1]), rz = Math.floor(rMm / voxelSize[2]);
  let count = 0;
  for (let z = -rz; z <= rz; z++) for (let y = -ry; y <= ry; y++) for (let x = -rx; x <= rx; x++) {
    const d2 = (x * voxelSize[0]) ** 2 + (y * voxelSize[1]) ** 2 + (z * voxelSize[2]) ** 2;
    if (d2 > rMm * rMm) continue;
    k[((x + px) % px) + px * (((y + py) % py) + py * ((z + pz) % pz))] = 1;
    count++;
  }
  for (let i = 0; i < k.length; i++) k[i] /= count;
  // the sphere is symmetric, so its spectrum is real
  return rfft3(k, pd, opts).re;
}

export function vsharp(field: Float32Array, mask: Uint8Array, dims: Vec3, voxelSize: Vec3, o: VsharpOptions = {}): BackgroundRemoval {
  const radii = [...(o.radiiMm ?? defaultVsharpRadii(voxelSize))].sort((a, b) => b - a);
  if (radii.length === 0 || radii.some((r) => !(r > 0))) throw new Error(`V-SHARP radii must be positive mm, got ${radii.join(', ')}`);
  const threshold = o.threshold ?? DEFAULT_VSHARP_THRESHOLD;
  const rmax = radii[0];
  const pd = fftPadDims(dims, dims.map((n, a) => n + 2 * Math.ceil(rmax / voxelSize[a])) as Vec3);
  const steps = 2 * radii.length + 3;
  let step = 0;
  const tick = (s: string) => { checkAbort(o); o.onProgress?.(step++, steps, s); };

  const masked = new Float32Array(field.length);
  for (let i = 0; i < field.length; i++) masked[i] = mask[i] ? field[i] : 0;
  tick('FFT');
  const F = rfft3(padData(masked, dims, pd), pd);
  const combined = new Float32Array(field.length);
  const assigned = new Uint8Array(field.length);
  let sMax: Float32Array | undefined;
  let finalMask: Uint8Array = mask;
  for (const r of radii) {
    tick(`SMV ${r.toFixed(1)} mm`);
    const s = smvSpectrum(pd, voxelSize, r);
    if (r === rmax) sMax = s;
    const spec: HalfSpectrum = { re: new Float32Array(F.re.length), im: new Float32Array(F.im.length), dims: pd };
    for (let i = 0; i < s.length; i++) { const h = 1 - s[i]; spec.re[i] = F.re[i] * h; spec.im[i] = F.im[i] * h; }
    tick(`SMV ${r.toFixed(1)} mm`);
    const hp = cropData(irfft3(spec), pd, dims);
    const eroded = erodeMask(mask, dims, voxelSize, r);
    for (let i = 0; i < hp.length; i++) if (eroded[i] && !assigned[i]) { combined[i] = hp[i]; assigned[i] = 1; }
    finalMask = eroded;
  }
  tick('deconvolution');
  const C = rfft3(padData(combined, dims, pd), pd);
  for (let i = 0; i < C.re.length; i++) {
    const h = 1 - sMax![i];
    const inv = Math.abs(h) < threshold ? 0 : 1 / h;
    C.re[i] *= inv; C.im[i] *= inv;
  }
  tick('deconvolution');
  const local = cropData(irfft3(C), pd, dims);
  for (let i = 0; i < local.length; i++) if (!finalMask[i]) local[i] = 0;
  o.onProgress?.(steps, steps, 'done');
  return { local, mask: finalMask };
}
