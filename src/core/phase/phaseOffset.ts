/**
 * The phase offset phi_0 (the phase at TE = 0: coil and transmit phase) is smooth in space, but its per-voxel
 * estimate, the intercept of the line over echo times, is noisy, and fitting it costs the field most of its
 * precision: for 4 echoes at 4-16 ms the slope's variance with an intercept is sigma^2 / sum (TE - mean)^2, without
 * one sigma^2 / sum TE^2, 6x less (2.45x in standard deviation). So, as MCPC-3D-S does (Eckstein et al., MRM 2018;
 * ROMEO's multi-echo default), the offset is estimated once, smoothed, and the field fitted through it.
 *
 * Smoothing: the fitted offset is unwrapped in space (ROMEO; per voxel it is known only modulo 2 pi), a weighted
 * quadratic polynomial over the mask is taken out, the rest is smoothed by a normalised Gaussian (weights w, nothing
 * from outside the mask) and the polynomial put back, so an offset that is a polynomial of degree <= 2 comes back
 * exactly up to the mask's edge, where normalised smoothing alone would bend it. Each voxel then takes the value of
 * the smooth offset closest to its own fitted offset plus 2 pi k, because the unwrapped echoes carry that offset's
 * multiple of 2 pi.
 */
import { fitPolynomial } from '../polynomialFit';
import { checkAbort, type ProgressOptions } from '../progress';
import { correlate1d, gaussianTaps } from '../separableFilter';
import type { Vec3 } from '../volume';
import { romeoUnwrap } from './romeoUnwrap';
import { wrapToPi } from './wrap';

/** MCPC-3D-S's authors' intended default (MriResearchTools.jl: "TODO sigma_mm=5"; their voxel default is [10, 10, 5]) */
export const DEFAULT_OFFSET_SIGMA_MM = 5;

function gaussianSmooth(x: Float64Array, dims: Vec3, voxelSize: Vec3, sigmaMm: number): Float64Array {
  let out = x;
  for (const axis of [0, 1, 2] as const) {
    const s = sigmaMm / voxelSize[axis];
    const r = Math.min(Math.ceil(3 * s), dims[axis] - 1);
    if (r < 1) continue;
    out = correlate1d(out, dims, axis, gaussianTaps(s, r), 'constant');
  }
  return out;
}

/**
 * The smoothed offset (radians) in the mask, each voxel's within pi of its fitted offset mod 2 pi.
 * weight: per voxel >= 0 (e.g. sum of magnitude^2 over echoes).
 */
export function smoothPhaseOffset(offset: Float32Array, weight: Float32Array, mask: Uint8Array, dims: Vec3, voxelSize: Vec3, sigmaMm = DEFAULT_OFFSET_SIGMA_MM, o: ProgressOptions = {}): Float32Array {
  if (!(sigmaMm > 0) || !Number.isFinite(sigmaMm)) throw new Error(`phase offset smoothing needs sigma > 0 mm, got ${sigmaMm}`);
  const n = offset.length;
  o.onProgress?.(0, 3, 'unwrapping the phase offset');
  const magnitude = Float32Array.from(weight, (w) => Math.sqrt(Math.max(w, 0)));
  const continuous = romeoUnwrap(Float32Array.from(offset, wrapToPi), dims, voxelSize, { mask, magnitude, signal: o.signal });
  checkAbort(o);
  o.onProgress?.(1, 3, 'smoothing the phase offset');
  const poly = fitPolynomial(continuous, mask, dims, voxelSize, 2, weight);
  const wr = new Float64Array(n), w = new Float64Array(n);
  for (let i = 0; i < n; i++) if (mask[i] && weight[i] > 0) { w[i] = weight[i]; wr[i] = weight[i] * (continuous[i] - poly[i]); }
  const sr = gaussianSmooth(wr, dims, voxelSize, sigmaMm);
  checkAbort(o);
  const sw = gaussianSmooth(w, dims, voxelSize, sigmaMm);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const smooth = poly[i] + (sw[i] > 0 ? sr[i] / sw[i] : 0);
    out[i] = offset[i] + wrapToPi(smooth - offset[i]);
  }
  o.onProgress?.(3, 3, 'smoothing the phase offset');
  return out;
}

/** Per voxel the weighted (magnitude^2) least-squares slope (rad/s) of psi_n - offset = slope TE_n, no intercept. */
export function fitThroughOffset(psi: Float32Array[], mags: Float32Array[], tes: number[], mask: Uint8Array, offset: Float32Array): Float32Array {
  const slope = new Float32Array(mask.length);
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    let num = 0, den = 0, unum = 0, uden = 0;
    for (let e = 0; e < psi.length; e++) {
      const w = mags[e][i] * mags[e][i], d = psi[e][i] - offset[i];
      num += w * tes[e] * d; den += w * tes[e] * tes[e];
      unum += tes[e] * d; uden += tes[e] * tes[e];
    }
    slope[i] = den > 0 ? num / den : unum / uden; // equal weights where every magnitude is 0
  }
  return slope;
}

/**
 * How far the smoothed offset departs from the per-voxel intercepts, against those intercepts' own noise: the median
 * over the mask of wrap(smooth - intercept)^2 over the median of the intercept's variance, the variance estimated per
 * voxel from the line's residuals (weighted least squares, weights magnitude^2 ~ 1 / noise variance). For a smooth
 * offset the ratio is about 0.66 (the medians of chi^2(1) and of chi^2(E - 2) / (E - 2) at E = 4); a much larger one
 * says the offset is not smooth (coil-combination singularities, motion between echoes) and the per-voxel fit is the
 * safer choice. NaN below 3 echoes (no residual to estimate the noise from).
 */
export function offsetDeparture(psi: Float32Array[], mags: Float32Array[], tes: number[], mask: Uint8Array, fitted: { slope: Float32Array; offset: Float32Array }, smooth: Float32Array): number {
  const E = psi.length;
  if (E < 3) return NaN;
  const dev: number[] = [], vars: number[] = [];
  for (let i = 0; i < mask.length; i++) {
    if (!mask[i]) continue;
    let sw = 0, swt = 0, swtt = 0, swr = 0;
    for (let e = 0; e < E; e++) {
      const w = mags[e][i] * mags[e][i], t = tes[e];
      const r = psi[e][i] - fitted.offset[i] - fitted.slope[i] * t;
      sw += w; swt += w * t; swtt += w * t * t; swr += w * r * r;
    }
    const sxx = swtt - (swt * swt) / sw;
    if (!(sw > 0) || !(sxx > 0)) continue;
    vars.push(((swr / (E - 2)) * swtt) / (sw * sxx));
    dev.push(wrapToPi(smooth[i] - fitted.offset[i]) ** 2);
  }
  if (dev.length === 0) return NaN;
  const median = (a: number[]) => { a.sort((x, y) => x - y); return a[a.length >> 1]; };
  const v = median(vars);
  return v > 0 ? median(dev) / v : NaN;
}

/** Above this departure (offsetDeparture) the offset probably is not smooth: the CLI warns, the workbench flags it. */
export const OFFSET_DEPARTURE_WARN = 3;

/** The sentence the CLI and the workbench show about a departure, and whether it is a warning. */
export function describeOffsetDeparture(departure: number | undefined): { text: string; warn: boolean } | undefined {
  if (departure === undefined || !Number.isFinite(departure)) return undefined;
  const text = `the smoothed phase offset departs from the per-voxel intercepts by ${departure.toFixed(2)}x their noise (about 0.7 when the offset is smooth)`;
  const warn = departure > OFFSET_DEPARTURE_WARN;
  return { text: warn ? `${text}: the offset does not look smooth (coil-combination singularities, motion between echoes?); compare with the per-voxel fit` : text, warn };
}
