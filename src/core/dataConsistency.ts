/**
 * Data consistency for a learned inversion: keep the network's susceptibility only where the measured field is
 * silent. The field fixes chi's spectrum wherever D(k) is far from 0; near the magic-angle cone (D ~ 0) only a
 * prior can fill it in, and that is the network's job.
 *
 * Soft (closed form, one FFT pair more than the network):
 *   chi_dc = argmin ||D chi - f||^2 + lambda ||chi - chi_net||^2
 *          = real(IFFT( (D F(f) + lambda F(chi_net)) / (D^2 + lambda) ))
 * on the same zero-padded grid as TKD and closed-form L2 (DESIGN.md). lambda is unitless (D is): where D^2 >> lambda
 * the field wins, where D^2 << lambda the network does; at k = 0 (D = 0) the mean is the network's.
 * Substituting chi = chi_net + delta turns it into Tikhonov with the identity on the network's residual field
 * r = f - D chi_net: delta = D R / (D^2 + lambda). That form gives the L-curve (dcLCurve) from one spectrum.
 *
 * Hard: F(f) / D where |D| > t, the network's spectrum elsewhere (the TKD cone replaced by the network instead of
 * by a truncated inverse). Noise is amplified up to 1/t there, so t should sit near TKD's 0.19.
 *
 * Both take the field masked and the network output as it is (masked by the caller like every method), and return
 * a map masked like the other methods.
 */
import { dipoleKernel } from './dipoleKernel';
import { applyMask } from './masking';
import { paddedDims } from './padding';
import { checkAbort, type ProgressOptions } from './progress';
import { croppedInverse, evenHalfWeights, paddedSpectrum } from './spectralFilter';
import { withData, type Vec3, type Volume } from './volume';

/**
 * The default lambda, chosen on training anatomy only (two random phantoms of the FreeSurfer subject, never the
 * held-out MNI152 phantom): `training/dc_lambda.py` sweeps 0.002..0.2 for each committed model at the axial and tilted
 * acquisitions of training/evaluate.py. Mean NRMSE over the 12 model x case pairs: 0.01 47.4 %, 0.015 47.3 %,
 * 0.02 47.7 %, 0.05 51.4 %, against 72.2 % for the networks alone and 52-55 % for TKD (training/README.md has the
 * table). The L-curve rules (dataConsistencyLCurve.ts, bench/dc_rules.ts on the same cases) did worse: the corner
 * picks 0.07-0.10 (mean 54.5 %), the inflection 0.004 and once 0.0004 (mean 51.8 %), so they are offered, not default.
 */
export const DEFAULT_DC_LAMBDA = 0.015;
export const DEFAULT_DC_HARD_THRESHOLD = 0.19;

export type DcKind = 'soft' | 'hard';

export interface DataConsistencyOptions extends ProgressOptions {
  /** 'soft' (default): the closed form above with `lambda`; 'hard': the field where |D| > `threshold` */
  kind?: DcKind;
  lambda?: number;
  threshold?: number;
  mask?: Volume;
  /** zero-padding factor (padding.ts); 1 on a fast even grid gives the periodic problem, as tests want */
  padFactor?: number;
}

export function checkNetworkGrid(a: Volume, b: Volume): void {
  if (a.dims.some((n, i) => n !== b.dims[i])) throw new Error(`data consistency: the network output is ${b.dims.join('x')}, the field ${a.dims.join('x')}`);
}

/** Per-bin weights (wf on the field's spectrum, wn on the network's) for the soft or hard rule. */
function binWeights(d: number, o: Required<Pick<DataConsistencyOptions, 'kind' | 'lambda' | 'threshold'>>): [number, number] {
  if (o.kind === 'hard') return Math.abs(d) > o.threshold ? [1 / d, 0] : [0, 1];
  const den = d * d + o.lambda;
  return [d / den, o.lambda / den];
}

export function dataConsistency(field: Volume, chiNet: Volume, b0Dir: Vec3, opts: DataConsistencyOptions = {}): Volume {
  checkNetworkGrid(field, chiNet);
  const kind = opts.kind ?? 'soft';
  const lambda = opts.lambda ?? DEFAULT_DC_LAMBDA;
  const threshold = opts.threshold ?? DEFAULT_DC_HARD_THRESHOLD;
  if (kind === 'soft' && !(lambda > 0 && Number.isFinite(lambda))) throw new Error(`data-consistency lambda must be > 0, got ${lambda}`);
  if (kind === 'hard' && !(threshold > 0 && threshold <= 2 / 3)) throw new Error(`data-consistency threshold must be in (0, 2/3], got ${threshold}`);
  const padDims = paddedDims(field.dims, opts.padFactor);
  const stages = { signal: opts.signal };
  const f = paddedSpectrum(applyMask(field, opts.mask).data, field.dims, padDims, stages);
  opts.onProgress?.(1, 3, 'data consistency');
  const n = paddedSpectrum(chiNet.data, chiNet.dims, padDims, stages);
  opts.onProgress?.(2, 3, 'data consistency');
  checkAbort(opts);
  // D here is its even part (D(k) + D(-k)) / 2, the operator the forward model applies to a real chi
  // (spectralFilter.ts): with it the step is the exact minimiser, and a network output that already explains the
  // field is kept exactly. It differs from D only on the Nyquist planes of a tilted kernel.
  const d = evenHalfWeights(dipoleKernel(padDims, field.voxelSize, b0Dir), padDims);
  const rule = { kind, lambda, threshold };
  for (let i = 0; i < d.length; i++) {
    const [wf, wn] = binWeights(d[i], rule);
    f.re[i] = wf * f.re[i] + wn * n.re[i];
    f.im[i] = wf * f.im[i] + wn * n.im[i];
  }
  const out = croppedInverse(f, field.dims, stages);
  opts.onProgress?.(3, 3, 'data consistency');
  return applyMask(withData(field, out), opts.mask);
}
