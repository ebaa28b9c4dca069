/**
 * A brain mask from GRE magnitude: Gaussian smoothing, an Otsu threshold (computed below a high percentile so
 * bright vessels do not pull it up), a morphological opening that cuts thin bridges to the scalp (erode, keep
 * the largest component, dilate back within the threshold), hole filling, and a final adjustable erosion.
 */
import { checkAbort, type ProgressOptions } from '../progress';
import { gaussianFilter3 } from '../separableFilter';
import type { Volume } from '../volume';
import { dilateMask, erodeMask, fillHoles, largestComponent, countInside } from './morphology';

export interface BrainMaskOptions {
  /** Gaussian smoothing sigma in mm before thresholding; default 1.5 voxels of the largest voxel size */
  smoothMm?: number;
  /** absolute magnitude threshold; default: Otsu's on the smoothed magnitude times thresholdScale */
  threshold?: number;
  /** multiplies the automatic threshold (below 1 keeps darker tissue); default 1 */
  thresholdScale?: number;
  /** radius (mm) of the opening that detaches scalp and neck; default 2 voxels; 0 turns it off */
  openingMm?: number;
  /** final erosion radius in mm (default 0); erodeVoxels is the same in units of the largest voxel size */
  erodeMm?: number;
  erodeVoxels?: number;
}

export interface BrainMaskResult {
  /** 0/1 per voxel */
  mask: Uint8Array;
  /** the threshold applied to the smoothed magnitude */
  threshold: number;
  voxels: number;
}

/** Otsu's threshold of values (a 256-bin histogram from 0 to the 99.5th percentile of the positive values). */
export function otsuThreshold(values: ArrayLike<number>): number {
  const pos: number[] = [];
  for (let i = 0; i < values.length; i++) if (values[i] > 0 && Number.isFinite(values[i])) pos.push(values[i]);
  if (pos.length === 0) return 0;
  const sorted = Float64Array.from(pos).sort();
  const top = sorted[Math.min(sorted.length - 1, Math.floor(0.995 * sorted.length))];
  if (!(top > 0)) return 0;
  const bins = 256;
  const hist = new Float64Array(bins);
  // the zeros count too: background is often exactly 0 in scanner magnitude
  hist[0] += values.length - pos.length;
  for (const v of pos) hist[Math.min(bins - 1, Math.floor((v / top) * bins))]++;
  let total = 0, sumAll = 0;
  for (let b = 0; b < bins; b++) { total += hist[b]; sumAll += b * hist[b]; }
  let w0 = 0, sum0 = 0, best = -1, bestB = 0;
  for (let b = 0; b < bins - 1; b++) {
    w0 += hist[b]; sum0 += b * hist[b];
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const m0 = sum0 / w0, m1 = (sumAll - sum0) / w1;
    const between = w0 * w1 * (m0 - m1) * (m0 - m1);
    if (between > best) { best = between; bestB = b; }
  }
  return ((bestB + 1) / bins) * top;
}

/** Root of the sum of squares of several magnitude volumes (one per echo), voxel by voxel. */
export function combineMagnitudes(mags: Float32Array[]): Float32Array {
  const out = new Float32Array(mags[0].length);
  for (const m of mags) for (let i = 0; i < out.length; i++) out[i] += m[i] * m[i];
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(out[i]);
  return out;
}

export function brainMaskFromMagnitude(magnitude: Volume, o: BrainMaskOptions = {}, opts?: ProgressOptions): BrainMaskResult {
  const { dims, voxelSize } = magnitude;
  const vmax = Math.max(...voxelSize);
  const total = 6;
  const step = (k: number, stage: string) => { checkAbort(opts); opts?.onProgress?.(k, total, stage); };
  step(0, 'smoothing');
  const sigmaVox = (o.smoothMm ?? 1.5 * vmax) / vmax;
  const smooth = sigmaVox > 0
    ? gaussianFilter3(Float64Array.from(magnitude.data), dims, sigmaVox, Math.max(1, Math.ceil(3 * sigmaVox)), 'constant')
    : Float64Array.from(magnitude.data);
  step(1, 'threshold');
  const threshold = o.threshold ?? otsuThreshold(smooth) * (o.thresholdScale ?? 1);
  let mask: Uint8Array = new Uint8Array(smooth.length);
  for (let i = 0; i < mask.length; i++) mask[i] = smooth[i] > threshold ? 1 : 0;
  const above = mask;
  step(2, 'largest component');
  const openMm = o.openingMm ?? 2 * vmax;
  if (openMm > 0) {
    const core = largestComponent(erodeMask(mask, dims, voxelSize, openMm), dims);
    // an opening that erases everything (a tiny object) falls back to the plain largest component
    if (countInside(core) > 0) {
      const back = dilateMask(core, dims, voxelSize, openMm);
      for (let i = 0; i < back.length; i++) back[i] = back[i] && above[i] ? 1 : 0;
      mask = back;
    }
  }
  mask = largestComponent(mask, dims);
  step(3, 'filling holes');
  mask = fillHoles(mask, dims);
  step(4, 'erosion');
  const erodeMm = o.erodeMm ?? (o.erodeVoxels ?? 0) * vmax;
  if (erodeMm > 0) mask = largestComponent(erodeMask(mask, dims, voxelSize, erodeMm), dims);
  step(6, 'done');
  return { mask, threshold, voxels: countInside(mask) };
}

