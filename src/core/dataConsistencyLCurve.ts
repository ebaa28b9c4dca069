/**
 * The L-curve of soft data consistency (dataConsistency.ts), for `--dc-lambda auto`.
 *
 * With chi = chi_net + delta the problem is Tikhonov with the identity on the network's residual field
 * r = f - D chi_net: delta_hat = W R, W = D / (D^2 + lambda). So the closed-form-L2 machinery applies unchanged with
 * |E|^2 = 1 and the spectrum of r in place of the field's:
 *   residual    ||D chi - f||   = ||D delta - r||,
 *   regulariser ||chi - chi_net|| = ||delta||    (ppm, not ppm/mm as for cfl2),
 * both from one pass over the half spectrum per lambda, exact derivatives included (lCurveSpectrum.ts). The corner is
 * where trusting the field more stops buying residual and starts moving chi far from the network.
 */
import { checkNetworkGrid, dataConsistency } from './dataConsistency';
import { dipoleKernel } from './dipoleKernel';
import { pickLambda, type LambdaRule } from './lambdaChoice';
import { checkedLambdas, lCurveOfSpectrum, type LCurve, type LCurveOptions } from './lCurve';
import { binPower, type NormSpectrum } from './lCurveSpectrum';
import { applyMask } from './masking';
import { paddedDims } from './padding';
import { checkAbort } from './progress';
import { evenHalfWeights, paddedSpectrum } from './spectralFilter';
import type { Vec3, Volume } from './volume';

/** The NormSpectrum of the residual field r = f - D chi_net, with the identity as the regulariser. */
export function residualSpectrum(field: Volume, chiNet: Volume, b0Dir: Vec3, mask?: Volume, padFactor?: number, opts?: LCurveOptions): NormSpectrum {
  const padDims = paddedDims(field.dims, padFactor);
  const f = paddedSpectrum(applyMask(field, mask).data, field.dims, padDims, opts);
  const n = paddedSpectrum(chiNet.data, chiNet.dims, padDims, opts);
  checkAbort(opts);
  const d = evenHalfWeights(dipoleKernel(padDims, field.voxelSize, b0Dir), padDims);
  for (let i = 0; i < d.length; i++) {
    f.re[i] -= d[i] * n.re[i];
    f.im[i] -= d[i] * n.im[i];
  }
  return { d, e2: new Float32Array(d.length).fill(1), power: binPower(f.re, f.im, padDims, d), padDims };
}

export function dataConsistencyLCurve(field: Volume, chiNet: Volume, b0Dir: Vec3, opts: LCurveOptions = {}): LCurve {
  checkNetworkGrid(field, chiNet);
  const lambdas = checkedLambdas(opts.lambdas);
  const spec = residualSpectrum(field, chiNet, b0Dir, opts.mask, opts.padFactor, opts);
  if (!spec.power.some((p) => p > 0)) throw new Error('data-consistency L-curve: the network already explains the field exactly (no residual)');
  return lCurveOfSpectrum(spec, lambdas, opts);
}

export interface SoftDcResult {
  chi: Volume;
  lambda: number;
  /** with a rule: the rule that gave lambda (inflection falls back to the corner), and the curve */
  rule?: LambdaRule;
  fellBack?: boolean;
  curve?: LCurve;
}

/**
 * Soft data consistency at a given lambda, or at the one `rule` picks (rounded, core/lambdaChoice.ts) on the step's
 * own L-curve: what `qsm invert --dc-lambda` and the workbench's "+ DC" both run.
 */
export function softDataConsistency(field: Volume, chiNet: Volume, b0Dir: Vec3, how: { lambda: number } | { rule: LambdaRule }, opts: LCurveOptions = {}): SoftDcResult {
  // the step on the same padded grid as the curve it was picked on
  const { mask, onProgress, signal, padFactor } = opts;
  if ('lambda' in how) return { chi: dataConsistency(field, chiNet, b0Dir, { lambda: how.lambda, mask, onProgress, signal, padFactor }), lambda: how.lambda };
  const curve = dataConsistencyLCurve(field, chiNet, b0Dir, opts);
  const p = pickLambda(curve, how.rule);
  const chi = dataConsistency(field, chiNet, b0Dir, { lambda: p.value, mask, onProgress, signal, padFactor });
  return { chi, lambda: p.value, rule: p.rule, fellBack: p.fellBack, curve };
}
