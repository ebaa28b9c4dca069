/**
 * Nonlinear dipole inversion (Polak et al., "Nonlinear dipole inversion (NDI) enables robust quantitative
 * susceptibility mapping", NMR Biomed 2020), by gradient descent as in their code and QSM.jl / FANSI's ndi:
 *   argmin_x  1/2 || W (e^{i D x} - e^{i phi}) ||^2 + alpha/2 ||x||^2 + beta/2 ||grad x||^2,
 *   x <- P( x - tau ( D^T (W^2 sin(D x - phi)) + alpha x + beta grad^T grad x ) )
 * in radians: phi = s f and x = s chi, with s the phase per ppm of field, 2 pi 42.5775 B0[T] TE[s] rad/ppm.
 * The field maps here are in ppm, so s is a parameter: its default (3 T, TE 20 ms: 16.05 rad/ppm) is a typical
 * GRE's, and the CLI takes it from --b0 and --te when both are given. s only matters where |D chi - f| is large
 * (sin saturates, which is what makes NDI robust to phase outliers); for small residuals the iteration is the
 * linear Landweber one and does not depend on s. Regularisation is early stopping (iteration count, tolerance)
 * plus small Tikhonov terms: alpha on x (Polak's), beta on its gradient (closed-form L2's penalty, cheap in
 * k-space). P sets x to 0 outside the mask (the support option). tau is cut to 1.9 / L where larger (L the
 * gradient's Lipschitz constant for W <= 1), so the descent cannot diverge.
 * Runs on iterativeGrid.ts's padded mask box, every buffer allocated once: four real FFTs an iteration with the
 * support constraint, two without. Stops when ||x_k - x_k-1|| / ||x_k|| < tol or at maxIter.
 */
import { halfDipole, halfEnergy, halfGradientPenalty, iterativeInput, iterativeOutput, scratchFor, spectrumBuffer } from './iterativeGrid';
import { runToEnd, runYielding, type Steps } from './iterate';
import { DEFAULT_PHASE_SCALE } from './phaseScale';
import { checkAbort, type ProgressOptions } from './progress';
import { irfft3Into, rfft3Into } from './rfft3';
import type { IterativeResult } from './tv';
import type { Vec3, Volume } from './volume';

export { phaseScale } from './phaseScale';

/** Defaults: README.md, "Iterative baselines", how they were chosen (the brain phantom at training seeds only). */
export const NDI_DEFAULTS = {
  /** step; cut to 1.9 / L where that is smaller (see ndiSolve) */
  tau: 4,
  /** Tikhonov weight on x */
  alpha: 1e-5,
  /** Tikhonov weight on grad x (mm^2, as closed-form L2's lambda) */
  beta: 0.002,
  /** rad/ppm: 3 T, TE 20 ms */
  phaseScale: DEFAULT_PHASE_SCALE,
  maxIter: 50,
  tol: 0.002,
};

export interface NdiOptions extends ProgressOptions {
  tau?: number;
  alpha?: number;
  beta?: number;
  phaseScale?: number;
  maxIter?: number;
  /** relative change of chi between iterations that ends the solve; 0 runs maxIter iterations */
  tol?: number;
  /** on the field's grid: gives the noise weights W (magnitudeWeights.ts) */
  magnitude?: Volume;
  /**
   * chi = 0 outside the mask after every step (default). A local field is made by sources inside the mask, and
   * without this the solution leaks outside, where sources explain part of the field harmonically (an analytic
   * sphere came out at half its value); it costs four FFTs an iteration instead of two.
   */
  support?: boolean;
  padFactor?: number;
}

/** The solve as steps: yields after each iteration (iterate.ts runs it at once or yielding to a message loop). */
export function* ndiSteps(field: Volume, b0Dir: Vec3, mask?: Volume, opts: NdiOptions = {}): Steps<IterativeResult> {
  const tauAsked = opts.tau ?? NDI_DEFAULTS.tau;
  const alpha = opts.alpha ?? NDI_DEFAULTS.alpha;
  const beta = opts.beta ?? NDI_DEFAULTS.beta;
  const s = opts.phaseScale ?? NDI_DEFAULTS.phaseScale;
  const maxIter = opts.maxIter ?? NDI_DEFAULTS.maxIter;
  const tol = opts.tol ?? NDI_DEFAULTS.tol;
  if (!(tauAsked > 0) || !Number.isFinite(tauAsked)) throw new Error(`NDI step tau must be > 0, got ${tauAsked}`);
  if (!(alpha >= 0) || !Number.isFinite(alpha)) throw new Error(`NDI alpha must be >= 0, got ${alpha}`);
  if (!(beta >= 0) || !Number.isFinite(beta)) throw new Error(`NDI beta must be >= 0, got ${beta}`);
  if (!(s > 0) || !Number.isFinite(s)) throw new Error(`NDI phase scale must be > 0, got ${s}`);
  if (!(maxIter >= 1) || !Number.isInteger(maxIter)) throw new Error(`iterations must be a positive integer, got ${maxIter}`);
  if (!(tol >= 0)) throw new Error(`tolerance must be >= 0, got ${tol}`);
  const { grid: g, f, w, support } = iterativeInput(field, mask, opts.magnitude, opts.padFactor);
  checkAbort(opts);
  const d = halfDipole(g, field.voxelSize, b0Dir);
  // the Tikhonov terms' gradient: (alpha + beta |E|^2) X
  const reg = halfGradientPenalty(g, field.voxelSize);
  // gradient descent is stable for tau L < 2, L the Lipschitz constant max(W^2 D^2 + alpha + beta |E|^2) <= that
  // with W = 1; a larger tau (fine voxels make beta |E|^2 large) is cut to 1.9 / L
  let lip = 0;
  for (let k = 0; k < reg.length; k++) lip = Math.max(lip, d[k] * d[k] + alpha + beta * reg[k]);
  const tau = Math.min(tauAsked, 1.9 / lip);
  for (let k = 0; k < reg.length; k++) reg[k] = tau * (alpha + beta * reg[k]);
  const n = g.n;
  const phi = f;
  for (let i = 0; i < n; i++) { phi[i] *= s; w[i] *= w[i]; }
  const w2 = w;
  const xs = spectrumBuffer(g), gs = spectrumBuffer(g), scratch = scratchFor(g);
  const img = new Float32Array(n);
  const fft = { signal: opts.signal };
  /** one iteration; returns the relative change. prev: x in the image when the support is enforced */
  const step = (prev: Float32Array | undefined) => {
    // gs = D X, then the image D x (the inverse FFT consumes gs), then FFT(W^2 sin(D x - phi)) back into gs
    for (let k = 0; k < d.length; k++) { gs.re[k] = d[k] * xs.re[k]; gs.im[k] = d[k] * xs.im[k]; }
    irfft3Into(gs, img, fft, scratch);
    for (let i = 0; i < n; i++) img[i] = w2[i] === 0 ? 0 : w2[i] * Math.sin(img[i] - phi[i]);
    rfft3Into(img, g.pad, gs, fft, scratch);
    for (let k = 0; k < d.length; k++) {
      const dr = -tau * d[k] * gs.re[k] - reg[k] * xs.re[k];
      const di = -tau * d[k] * gs.im[k] - reg[k] * xs.im[k];
      if (!prev) { gs.re[k] = dr; gs.im[k] = di; }
      xs.re[k] += dr; xs.im[k] += di;
    }
    if (!prev) return Math.sqrt(halfEnergy(gs.re, gs.im, g.pad) / (halfEnergy(xs.re, xs.im, g.pad) || 1));
    // the support constraint: x to the image, zero outside, back to k-space
    irfft3Into(xs, img, fft, scratch);
    let diff = 0, norm = 0;
    for (let i = 0; i < n; i++) {
      const v = support[i] > 0 ? img[i] : 0, e = v - prev[i];
      diff += e * e; norm += v * v;
      prev[i] = v;
    }
    rfft3Into(prev, g.pad, xs, fft, scratch);
    return Math.sqrt(diff / (norm || 1));
  };
  const prev = opts.support ?? true ? new Float32Array(n) : undefined;

  let iterations = 0, update = Infinity;
  opts.onProgress?.(0, maxIter, 'NDI iterations');
  for (let it = 1; it <= maxIter; it++) {
    checkAbort(opts);
    update = step(prev);
    iterations = it;
    opts.onProgress?.(it, maxIter, 'NDI iterations');
    if (update < tol) break;
    yield it;
  }
  if (prev) img.set(prev);
  else irfft3Into(xs, img, fft, scratch);
  for (let i = 0; i < n; i++) img[i] /= s;
  return { chi: iterativeOutput(g, img, field, mask), iterations, update };
}

export function ndiSolve(field: Volume, b0Dir: Vec3, mask?: Volume, opts?: NdiOptions): IterativeResult {
  return runToEnd(ndiSteps(field, b0Dir, mask, opts));
}

/** ndiSolve with a macrotask between iterations, for a worker that must see a cancel while it runs. */
export function ndiSolveAsync(field: Volume, b0Dir: Vec3, mask?: Volume, opts?: NdiOptions): Promise<IterativeResult> {
  return runYielding(ndiSteps(field, b0Dir, mask, opts));
}

export function ndi(field: Volume, b0Dir: Vec3, mask?: Volume, opts?: NdiOptions): Volume {
  return ndiSolve(field, b0Dir, mask, opts).chi;
}
