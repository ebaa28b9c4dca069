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
 * Four real FFTs per iteration on iterativeGrid.ts's padded mask box; every buffer is allocated once.
 * The split y makes the spatially varying W (and the mask) cheap: the field outside the mask is never trusted,
 * so the solution there is free and only charged by TV.
 * Stops when ||chi_k - chi_k-1|| / ||chi_k|| < tol, or after maxIter iterations.
 */
import { forwardGradient, gradientAdjoint } from './finiteDifference';
import { halfDipole, halfGradientPenalty, iterativeInput, iterativeOutput, scratchFor, spectrumBuffer, toPadded } from './iterativeGrid';
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
  const { grid: g, f, w } = iterativeInput(field, mask, opts.magnitude, opts.padFactor);
  const vs = field.voxelSize;
  const fraction = opts.edgeFraction ?? DEFAULT_EDGE_FRACTION;
  // regularised (1) everywhere outside the box: only the magnitude's edges inside the mask are let off
  const edge = opts.magnitude && fraction < 1 ? toPadded(g, edgeWeights(opts.magnitude.data, field.dims, vs, mask?.data, fraction), undefined, 1) : undefined;
  checkAbort(opts);

  const d = halfDipole(g, vs, b0Dir);
  const inv = halfGradientPenalty(g, vs);
  for (let k = 0; k < inv.length; k++) {
    const den = mu1 * inv[k] + mu2 * d[k] * d[k];
    inv[k] = den > 0 ? 1 / den : 0;
  }
  const n = g.n;
  let chi = new Float32Array(n), next = new Float32Array(n);
  const dchi = new Float32Array(n);
  const ux = new Float32Array(n), uy = new Float32Array(n), uz = new Float32Array(n);
  // dx, dy, dz hold z - u between iterations, and grad chi while z and u are updated
  const dx = new Float32Array(n), dy = new Float32Array(n), dz = new Float32Array(n);
  const v = new Float32Array(n);
  // q holds y - v; y starts at the field (D chi = f where it is trusted), v and u at 0, z at 0
  const q = Float32Array.from(f);
  const w2 = w;
  for (let i = 0; i < n; i++) w2[i] *= w2[i];
  const sa = spectrumBuffer(g), sb = spectrumBuffer(g), scratch = scratchFor(g);
  const fft = { signal: opts.signal };
  const thr = lambda / mu1;

  let iterations = 0, update = Infinity;
  opts.onProgress?.(0, maxIter, 'TV iterations');
  for (let it = 1; it <= maxIter; it++) {
    checkAbort(opts);
    gradientAdjoint(dx, dy, dz, g.pad, vs, next);
    rfft3Into(next, g.pad, sa, fft, scratch);
    rfft3Into(q, g.pad, sb, fft, scratch);
    for (let k = 0; k < inv.length; k++) {
      const re = (mu1 * sa.re[k] + mu2 * d[k] * sb.re[k]) * inv[k];
      const im = (mu1 * sa.im[k] + mu2 * d[k] * sb.im[k]) * inv[k];
      sa.re[k] = re; sa.im[k] = im;
      sb.re[k] = d[k] * re; sb.im[k] = d[k] * im;
    }
    irfft3Into(sa, next, fft, scratch);
    irfft3Into(sb, dchi, fft, scratch);
    let diff = 0, norm = 0;
    for (let i = 0; i < n; i++) {
      const a = next[i], b = a - chi[i];
      diff += b * b; norm += a * a;
    }
    [chi, next] = [next, chi];
    update = norm > 0 ? Math.sqrt(diff / norm) : 0;

    forwardGradient(chi, g.pad, vs, dx, dy, dz);
    for (let i = 0; i < n; i++) {
      const ax = dx[i] + ux[i], ay = dy[i] + uy[i], az = dz[i] + uz[i];
      const t = edge ? thr * edge[i] : thr;
      const mag = Math.sqrt(ax * ax + ay * ay + az * az);
      const s = mag > t ? 1 - t / mag : 0;
      // z = s a; u = a - z; keep z - u = (2 s - 1) a
      ux[i] = (1 - s) * ax; uy[i] = (1 - s) * ay; uz[i] = (1 - s) * az;
      const c = 2 * s - 1;
      dx[i] = c * ax; dy[i] = c * ay; dz[i] = c * az;
    }
    for (let i = 0; i < n; i++) {
      const t = dchi[i] + v[i];
      let y = (w2[i] * f[i] + mu2 * t) / (w2[i] + mu2);
      if (nonlinear && w2[i] > 0) {
        // from the linear solution; the derivative is kept >= mu2 / 2 where cos turns negative
        for (let k = 0; k < NEWTON_STEPS; k++) {
          const r = scale * (y - f[i]);
          const g = (w2[i] * Math.sin(r)) / scale + mu2 * (y - t);
          y -= g / Math.max(w2[i] * Math.cos(r) + mu2, 0.5 * mu2);
        }
      }
      const vn = t - y;
      v[i] = vn;
      q[i] = y - vn;
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
