/**
 * Image-quality metrics of an estimate x against a reference r inside a mask (DESIGN.md):
 * NRMSE (%), PSNR (dB), SSIM, HFEN (%), and the regression x = slope r + intercept with R^2.
 * The result's keys are exactly those of `qsm metrics --json`.
 */
import { hfen } from './hfen';
import { checkSameGrid } from './masking';
import { linearRegression } from './regression';
import { ssim3 } from './ssim';
import type { Volume } from './volume';

export interface Metrics { nrmse: number; psnr: number; ssim: number; hfen: number; slope: number; intercept: number; r2: number }

export function insideMask(n: number, mask?: Volume): Uint8Array {
  const m = new Uint8Array(n);
  if (!mask) return m.fill(1);
  for (let i = 0; i < n; i++) m[i] = mask.data[i] > 0 ? 1 : 0;
  return m;
}

/** 100 ||x - r|| / ||r|| over the mask. */
export function nrmse(x: ArrayLike<number>, r: ArrayLike<number>, inside: Uint8Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < inside.length; i++) if (inside[i]) { num += (x[i] - r[i]) ** 2; den += r[i] * r[i]; }
  return (100 * Math.sqrt(num)) / Math.sqrt(den);
}

/** 20 log10((max r - min r) / RMSE), both over the mask. */
export function psnr(x: ArrayLike<number>, r: ArrayLike<number>, inside: Uint8Array): number {
  let lo = Infinity, hi = -Infinity, se = 0, n = 0;
  for (let i = 0; i < inside.length; i++) {
    if (!inside[i]) continue;
    lo = Math.min(lo, r[i]); hi = Math.max(hi, r[i]);
    se += (x[i] - r[i]) ** 2; n++;
  }
  return 20 * Math.log10((hi - lo) / Math.sqrt(se / n));
}

export function computeMetrics(pred: Volume, ref: Volume, mask?: Volume): Metrics {
  checkSameGrid(pred, ref, 'metrics');
  if (mask) checkSameGrid(ref, mask, 'metrics mask');
  const inside = insideMask(ref.data.length, mask);
  if (!inside.some((v) => v)) throw new Error('metrics: the mask is empty');
  const fit = linearRegression(pred.data, ref.data, inside);
  return {
    nrmse: nrmse(pred.data, ref.data, inside),
    psnr: psnr(pred.data, ref.data, inside),
    ssim: ssim3(pred.data, ref.data, ref.dims, inside),
    hfen: hfen(pred.data, ref.data, ref.dims, inside),
    slope: fit.slope,
    intercept: fit.intercept,
    r2: fit.r2,
  };
}
