/**
 * Total-variation dipole inversion by ADMM, the weighted-TV solver of FANSI (Milovic et al., "Fast
 * nonlinear susceptibility inversion with variational regularization", MRM 2018; Bilgic et al. 2014 for the
 * splitting):
 *   argmin_chi  1/2 ||W (D chi - f)||^2 + lambda || M grad chi ||_1      (isotropic TV, gradient per mm)
 * with W the data weights (the mask, or the magnitude's noise weights) and M the optional MEDI-like edge weights
 * from the magnitude (magnitudeWeights.ts). Splitting z = grad chi (penalty mu1) and y = D chi (penalty mu2):
 *   chi  = IFFT( (mu1 E^H FFT(z - u) + mu2 D FFT(y - v)) / (mu1 |E|^2 + mu2 D^2) )        (k = 0 -> 0)
 *   z    = shrink(grad chi + u, lambda M / mu1),   u += grad chi - z
 *   y    = (W^2 f + mu2 (D chi + v)) / (W^2 + mu2),  v += D chi - y
 * With `nonlinear`, the data term is FANSI's nonlinear one, 1/2 ||W (e^{i s D chi} - e^{i s f})||^2 / s^2 (s the phase
 * per ppm, phaseScale.ts; the same as the linear term for small residuals), and y solves
 *   W^2 sin(s (y - f)) / s + mu2 (y - (D chi + v)) = 0  by a few Newton steps per voxel.
 * Four real FFTs per iteration on iterativeGrid.ts's padded mask box; every buffer is allocated once: six volumes of
 * the padded grid (chi, a scratch, ADMM's gradient split in four), the data term's four arrays on the mask only, the
 * kernel and two half spectra (issue 13: a 256x256x192 field in the browser within about 2 GB).
 * The split y makes the spatially varying W (and the mask) cheap: the field outside the mask is never trusted,
 * so the solution there is free and only charged by TV.
 * Stops when ||chi_k - chi_k-1|| / ||chi_k|| < tol, or after maxIter iterations.
 */
import { forwardGradientPlus, scaledGradientAdjoint } from './finiteDifference';
import { gradientPenaltyAxes } from './closedFormL2';
import { halfDipole, iterativeInput, iterativeOutput, scratchFor, spectrumBuffer, toPadded } from './iterativeGrid';
import { DEFAULT_EDGE_FRACTION, edgeWeights } from './magnitudeWeights';
import { runToEnd, runYielding, type Steps } from './iterate';
import { checkAbort, type ProgressOptions } from './progress';
import { irfft3Into, rfft3Into } from './rfft3';
import { DEFAULT_PHASE_SCALE } from './phaseScale';
import type { Vec3, Volume } from './volume';

/** Defaults: README.md, "Iterative baselines", how they were chosen (the brain phantom at training seeds only). */
export const TV_DEFAULTS = {
  /** TV weight, ppm * mm (the data term is in ppm^2) */
  lambda: 2e-4,
  /** ADMM penalty of the gradient split, as a multiple of lambda (FANSI's mu1 = 100 alpha1) */
  muRatio: 100,
  /** ADMM penalty of the data split (W is <= 1) */
  mu2: 1,
  maxIter: 50,
  tol: 0.01,
};

export interface TvOptions extends ProgressOptions {
  lambda?: number;
  /** mu1 = muRatio * lambda */
  muRatio?: number;
  mu2?: number;
  maxIter?: number;
  /** relative change of chi between iterations that ends the solve; 0 runs maxIter iterations */
  tol?: number;
  /** on the field's grid: gives the noise weights W and, unless edgeFraction is 1, the edge weights M */
  magnitude?: Volume;
  /** fraction of the mask charged by TV (MEDI's gradient-mask percentage); 1 turns edge weighting off */
  edgeFraction?: number;
  /** FANSI's nonlinear data term (e^{i phase}) instead of the linear one */
  nonlinear?: boolean;
  /** rad of phase per ppm of field for the nonlinear term (default phaseScale.ts's DEFAULT_PHASE_SCALE, 3 T / 20 ms) */
  phaseScale?: number;
  padFactor?: number;
}

/** Newton steps per voxel and iteration for the nonlinear data term's y (FANSI uses a handful). */
const NEWTON_STEPS = 4;

export interface IterativeResult {
  chi: Volume;
  iterations: number;
  /** the last relative change of chi */
  update: number;
}

function checkParams(lambda: number, mu1: number, mu2: number, maxIter: number, tol: number): void {
  if (!(lambda > 0) || !Number.isFinite(lambda)) throw new Error(`TV lambda must be > 0, got ${lambda}`);
  if (!(mu1 > 0) || !(mu2 > 0) || !Number.isFinite(mu1) || !Number.isFinite(mu2)) throw new Error('TV ADMM penalties must be > 0');
  if (!(maxIter >= 1) || !Number.isInteger(maxIter)) throw new Error(`iterations must be a positive integer, got ${maxIter}`);
  if (!(tol >= 0)) throw new Error(`tolerance must be >= 0, got ${tol}`);
}

/** The solve as steps: yields after each iteration (iterate.ts runs it at once or yielding to a message loop). */
/**
 * The padded field, and the data term where W > 0 (the mask), a fraction of the padded box (a sphere in a
 * 256x256x192 box: 15 % of its 384x384x288 grid): y, v, f and W^2 are kept there only, indexed by `at`; elsewhere
 * y = D chi and v = 0. A function of its own so the padded W (one box-sized array) is garbage once it returns: a
 * generator keeps every local of its frame alive until it finishes.
 */
function dataOnMask(field: Volume, mask: Volume | undefined, opts: TvOptions) {
  const { grid: g, f, w } = iterativeInput(field, mask, opts.magnitude, opts.padFactor);
  let m = 0;
  for (let i = 0; i < g.n; i++) if (w[i] > 0) m++;
  const at = new Int32Array(m), fAt = new Float32Array(m), w2At = new Float32Array(m);
  for (let i = 0, j = 0; i < g.n; i++) if (w[i] > 0) { at[j] = i; fAt[j] = f[i]; w2At[j] = w[i] * w[i]; j++; }
  return { g, f, at, fAt, w2At };
}

export function* tvSteps(field: Volume, b0Dir: Vec3, mask?: Volume, opts: TvOptions = {}): Steps<IterativeResult> {
  const lambda = opts.lambda ?? TV_DEFAULTS.lambda;
  const mu1 = (opts.muRatio ?? TV_DEFAULTS.muRatio) * lambda;
  const mu2 = opts.mu2 ?? TV_DEFAULTS.mu2;
  const maxIter = opts.maxIter ?? TV_DEFAULTS.maxIter;
  const tol = opts.tol ?? TV_DEFAULTS.tol;
  checkParams(lambda, mu1, mu2, maxIter, tol);
  const nonlinear = opts.nonlinear ?? false;
  const scale = opts.phaseScale ?? DEFAULT_PHASE_SCALE;
  if (nonlinear && !(scale > 0 && Number.isFinite(scale))) throw new Error(`TV phase scale must be > 0, got ${scale}`);
  const { g, f, at, fAt, w2At } = dataOnMask(field, mask, opts);
  const vs = field.voxelSize;
  const fraction = opts.edgeFraction ?? DEFAULT_EDGE_FRACTION;
  // regularised (1) everywhere outside the box: only the magnitude's edges inside the mask are let off
  const edge = opts.magnitude && fraction < 1 ? toPadded(g, edgeWeights(opts.magnitude.data, field.dims, vs, mask?.data, fraction), undefined, 1) : undefined;
  checkAbort(opts);

  const d = halfDipole(g, vs, b0Dir);
  // |E|^2 is a sum over axes, so the chi update's 1 / (mu1 |E|^2 + mu2 D^2) is formed per bin from three short axis
  // tables instead of a half-spectrum array of its own
  const [ex, ey, ez] = gradientPenaltyAxes(g.pad, vs);
  const hx = g.pad[0] / 2 + 1;
  const n = g.n;
  const v = new Float32Array(at.length);
  // next holds q = y - v between iterations (y starts at the field, v at 0: q = f, so f's buffer is it), and the new
  // chi and then D chi within one
  let chi: Float32Array = new Float32Array(n), next: Float32Array = f;
  // ADMM's gradient split in four arrays, not six: a = grad chi + u before the shrink, and c = 2 s - 1 from its factor
  // s, so that z = s a, u = (1 - s) a = (1 - c) a / 2 and z - u = c a. Both start at 0 (z = u = 0).
  const ax = new Float32Array(n), ay = new Float32Array(n), az = new Float32Array(n);
  const c = new Float32Array(n);
  const sa = spectrumBuffer(g), sb = spectrumBuffer(g), scratch = scratchFor(g);
  const fft = { signal: opts.signal };
  const thr = lambda / mu1;
  const [, py, pz] = g.pad;

  let iterations = 0, update = Infinity;
  opts.onProgress?.(0, maxIter, 'TV iterations');
  for (let it = 1; it <= maxIter; it++) {
    checkAbort(opts);
    rfft3Into(next, g.pad, sb, fft, scratch); // q
    scaledGradientAdjoint(ax, ay, az, c, g.pad, vs, next);
    rfft3Into(next, g.pad, sa, fft, scratch);
    for (let kz = 0, k = 0; kz < pz; kz++) for (let ky = 0; ky < py; ky++) {
      const eyz = ey[ky] + ez[kz];
      for (let kx = 0; kx < hx; kx++, k++) {
        const den = mu1 * (ex[kx] + eyz) + mu2 * d[k] * d[k];
        const inv = den > 0 ? 1 / den : 0;
        const re = (mu1 * sa.re[k] + mu2 * d[k] * sb.re[k]) * inv;
        const im = (mu1 * sa.im[k] + mu2 * d[k] * sb.im[k]) * inv;
        sa.re[k] = re; sa.im[k] = im;
        sb.re[k] = d[k] * re; sb.im[k] = d[k] * im;
      }
    }
    irfft3Into(sa, next, fft, scratch);
    let diff = 0, norm = 0;
    for (let i = 0; i < n; i++) {
      const a = next[i], b = a - chi[i];
      diff += b * b; norm += a * a;
    }
    [chi, next] = [next, chi];
    update = norm > 0 ? Math.sqrt(diff / norm) : 0;
    // the previous chi is no longer needed: next now holds D chi
    const dchi = irfft3Into(sb, next, fft, scratch);

    // a = grad chi + u (u = (1 - c) a / 2 from the last shrink), then the shrink: z = s a, c = 2 s - 1
    forwardGradientPlus(chi, g.pad, vs, ax, ay, az, c);
    for (let i = 0; i < n; i++) {
      const t = edge ? thr * edge[i] : thr;
      const mag = Math.sqrt(ax[i] * ax[i] + ay[i] * ay[i] + az[i] * az[i]);
      c[i] = 2 * (mag > t ? 1 - t / mag : 0) - 1;
    }
    for (let j = 0; j < at.length; j++) {
      const i = at[j], w2 = w2At[j], fi = fAt[j];
      const t = dchi[i] + v[j];
      let y = (w2 * fi + mu2 * t) / (w2 + mu2);
      if (nonlinear) {
        // from the linear solution; the derivative is kept >= mu2 / 2 where cos turns negative
        for (let k = 0; k < NEWTON_STEPS; k++) {
          const r = scale * (y - fi);
          const g = (w2 * Math.sin(r)) / scale + mu2 * (y - t);
          y -= g / Math.max(w2 * Math.cos(r) + mu2, 0.5 * mu2);
        }
      }
      const vn = t - y;
      v[j] = vn;
      dchi[i] = y - vn; // q, in place: outside the data term q = D chi as it stands
    }
    iterations = it;
    opts.onProgress?.(it, maxIter, 'TV iterations');
    if (update < tol) break;
    yield it;
  }
  return { chi: iterativeOutput(g, chi, field, mask), iterations, update };
}

export function tvSolve(field: Volume, b0Dir: Vec3, mask?: Volume, opts?: TvOptions): IterativeResult {
  return runToEnd(tvSteps(field, b0Dir, mask, opts));
}

/** tvSolve with a macrotask between iterations, for a worker that must see a cancel while it runs. */
export function tvSolveAsync(field: Volume, b0Dir: Vec3, mask?: Volume, opts?: TvOptions): Promise<IterativeResult> {
  return runYielding(tvSteps(field, b0Dir, mask, opts));
}

export function tv(field: Volume, b0Dir: Vec3, mask?: Volume, opts?: TvOptions): Volume {
  return tvSolve(field, b0Dir, mask, opts).chi;
}
