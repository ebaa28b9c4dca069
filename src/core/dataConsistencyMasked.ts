/**
 * Data consistency with the field trusted only where it was measured: inside the mask.
 *
 *   chi_dc = argmin_{chi = 0 outside M}  ||M (D chi - f)||^2 + lambda ||chi - chi_net||^2
 *
 * The closed form (dataConsistency.ts) solves the same problem with M = 1: it takes the field outside the mask, which
 * nobody measured, for measured zeros, and bends chi to explain them. Near the mask's edge those zeros contradict
 * the field of the brain's own sources, and the contradiction is spread over the whole map. Here the normal equations
 *   (M D M D M + lambda M) chi = M D f + lambda M chi_net
 * are solved by conjugate gradients (symmetric positive definite on the mask: lambda > 0), from chi_net, on the
 * mask's bounding box zero-padded like the iterative methods (iterativeGrid.ts). Four real FFTs per iteration; it
 * converges in 10-20 (the operator's condition number is at most (4/9 + lambda) / lambda).
 * training/data_consistency.py's masked_data_consistency is the same algorithm; the test checks both against a dense
 * solve of the normal equations (src/core/__fixtures__/make_dipole_fixture.py).
 */
import { conjugateGradientSteps, dot } from './conjugateGradient';
import { checkNetworkGrid } from './dataConsistency';
import { halfDipole, iterativeInput, iterativeOutput, scratchFor, spectrumBuffer, toPadded } from './iterativeGrid';
import { runToEnd, runYielding, type Steps } from './iterate';
import { checkAbort, type ProgressOptions } from './progress';
import { irfft3Into, rfft3Into } from './rfft3';
import type { Vec3, Volume } from './volume';

/**
 * Chosen on training anatomy only (`training/dc_lambda.py`: two FreeSurfer phantoms, every committed model, the
 * axial and tilted acquisitions; training/README.md has the table). training/data_consistency.py's MASKED_* must
 * agree (test_data_consistency.py checks).
 */
export const MASKED_DC_DEFAULTS = {
  lambda: 0.0075,
  maxIter: 30,
  /** stop when ||residual|| < tol ||right-hand side|| */
  tol: 1e-3,
};

export interface MaskedDcOptions extends ProgressOptions {
  lambda?: number;
  maxIter?: number;
  tol?: number;
  padFactor?: number;
}

export interface MaskedDcResult {
  chi: Volume;
  lambda: number;
  iterations: number;
  /** the final ||residual|| / ||right-hand side|| */
  residual: number;
}

/** The solve as steps (iterate.ts): yields after each CG iteration so a worker sees a cancel. */
export function* maskedDcSteps(field: Volume, chiNet: Volume, b0Dir: Vec3, mask: Volume | undefined, opts: MaskedDcOptions = {}): Steps<MaskedDcResult> {
  checkNetworkGrid(field, chiNet);
  const lambda = opts.lambda ?? MASKED_DC_DEFAULTS.lambda;
  const maxIter = opts.maxIter ?? MASKED_DC_DEFAULTS.maxIter;
  const tol = opts.tol ?? MASKED_DC_DEFAULTS.tol;
  if (!(lambda > 0 && Number.isFinite(lambda))) throw new Error(`data-consistency lambda must be > 0, got ${lambda}`);
  if (!(maxIter >= 1) || !Number.isInteger(maxIter)) throw new Error(`data-consistency iterations must be a positive integer, got ${maxIter}`);
  if (!(tol >= 0)) throw new Error(`data-consistency tolerance must be >= 0, got ${tol}`);
  const { grid: g, f, support: s } = iterativeInput(field, mask, undefined, opts.padFactor);
  for (let i = 0; i < chiNet.data.length; i++) if (!Number.isFinite(chiNet.data[i]) && (!mask || mask.data[i] > 0)) throw new Error('data consistency: the network output has a non-finite value inside the mask');
  const d = halfDipole(g, field.voxelSize, b0Dir);
  const spec = spectrumBuffer(g), scratch = scratchFor(g);
  const fft = { signal: opts.signal };
  /** out = S D x (D by FFT on the padded grid, S the mask); out may be x: the forward FFT has read it before it is written */
  const maskedConv = (x: Float32Array, out: Float32Array): Float32Array => {
    rfft3Into(x, g.pad, spec, fft, scratch);
    for (let k = 0; k < d.length; k++) { spec.re[k] *= d[k]; spec.im[k] *= d[k]; }
    irfft3Into(spec, out, fft, scratch);
    for (let i = 0; i < out.length; i++) out[i] *= s[i];
    return out;
  };
  /** out = S D S D x + lambda x, for x zero outside S (no scratch volume: the inner product lands in out) */
  const normal = (x: Float32Array, out: Float32Array): Float32Array => {
    maskedConv(maskedConv(x, out), out);
    for (let i = 0; i < out.length; i++) out[i] += lambda * x[i];
    return out;
  };

  const x = toPadded(g, chiNet.data);
  for (let i = 0; i < x.length; i++) x[i] *= s[i];
  const b = maskedConv(f, f); // the field is not needed past the right-hand side: b takes its buffer
  for (let i = 0; i < b.length; i++) b[i] += lambda * x[i];
  const r = normal(x, new Float32Array(g.n));
  for (let i = 0; i < r.length; i++) r[i] = b[i] - r[i];
  const bb = dot(b, b);
  opts.onProgress?.(0, maxIter, 'data consistency (masked CG)');
  const cg = yield* conjugateGradientSteps(normal, x, r, {
    maxIter, tol, ref2: bb, scratch: b, // b is not needed past its norm
    beforeIteration: (it) => { checkAbort(opts); if (it > 0) opts.onProgress?.(it, maxIter, 'data consistency (masked CG)'); },
  });
  opts.onProgress?.(maxIter, maxIter, 'data consistency (masked CG)');
  return { chi: iterativeOutput(g, x, field, mask), lambda, iterations: cg.iterations, residual: bb > 0 ? Math.sqrt(cg.rr / bb) : 0 };
}

export function maskedDataConsistency(field: Volume, chiNet: Volume, b0Dir: Vec3, mask?: Volume, opts?: MaskedDcOptions): MaskedDcResult {
  return runToEnd(maskedDcSteps(field, chiNet, b0Dir, mask, opts));
}

/** maskedDataConsistency with a macrotask between iterations, for a worker that must see a cancel while it runs. */
export function maskedDataConsistencyAsync(field: Volume, chiNet: Volume, b0Dir: Vec3, mask?: Volume, opts?: MaskedDcOptions): Promise<MaskedDcResult> {
  return runYielding(maskedDcSteps(field, chiNet, b0Dir, mask, opts));
}
