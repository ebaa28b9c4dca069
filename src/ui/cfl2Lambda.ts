/**
 * How the closed-form L2 lambda is set in the workbench: a fixed value (the literature default unless the user
 * types one), or chosen from the field's own L-curve (core/lCurve.ts, run in the compute worker) by its corner
 * (Bilgic 2014) or its inflection (Milovic 2021). The CLI's `--lambda auto|auto-inflection` makes the same choice
 * through the same core/lambdaChoice.ts, so a lambda read off the screen or a file reproduces the run there too.
 */
import { DEFAULT_CFL2_LAMBDA } from '../core/closedFormL2';
import { lambdaDescription as describe, pickLambda, type LambdaRule } from '../core/lambdaChoice';
import type { LCurve } from '../core/lCurve';
import { NDI_DEFAULTS } from '../core/ndi';
import { DEFAULT_TKD_THRESHOLD } from '../core/tkd';
import { TV_DEFAULTS } from '../core/tv';
import type { MethodId, MethodParams } from '../worker/protocol';

export type LambdaMode = 'fixed' | 'corner' | 'inflection';
export type { LambdaRule };

export const LAMBDA_MODES: { mode: LambdaMode; label: string }[] = [
  { mode: 'fixed', label: 'fixed value' },
  { mode: 'corner', label: 'L-curve corner' },
  { mode: 'inflection', label: 'L-curve inflection' },
];

/** The lambda a cfl2 result was computed with, and how it was found. */
export interface UsedLambda {
  value: number;
  /** the L-curve rule that gave it; absent for a fixed value */
  rule?: LambdaRule;
  /** the rule asked for, when it differs from `rule` (inflection falls back to the corner when the curve has none) */
  requested?: LambdaRule;
  curve?: LCurve;
}

/** The lambda `rule` picks on `curve`, rounded as the CLI does; inflection falls back to the corner when absent. */
export function lambdaFromCurve(curve: LCurve, rule: LambdaRule): UsedLambda {
  const p = pickLambda(curve, rule);
  return { value: p.value, rule: p.rule, requested: p.fellBack ? rule : undefined, curve };
}

/** The fixed lambda: the typed value, or the literature default when the box is empty. */
export const fixedLambda = (params: MethodParams): UsedLambda => ({ value: params.cfl2Lambda ?? DEFAULT_CFL2_LAMBDA });

/** What the exported file's description says about lambda: `lambda=0.035 (L-curve corner)` or `lambda=0.05`. */
export function lambdaDescription(l: UsedLambda): string {
  return describe(l.value, l.rule);
}

/**
 * The method settings a result of `method` depends on, as a key: a result made under another key is stale.
 * Only the method's own settings count, so editing lambda leaves a TKD result current.
 */
export function methodSettingsKey(method: MethodId, params: MethodParams, mode: LambdaMode): string {
  if (method === 'tkd') return JSON.stringify(['tkd', params.tkdThreshold ?? DEFAULT_TKD_THRESHOLD]);
  if (method === 'cfl2') return JSON.stringify(['cfl2', mode, mode === 'fixed' ? (params.cfl2Lambda ?? DEFAULT_CFL2_LAMBDA) : null]);
  const weighted = !!params.magnitudeWeighting;
  if (method === 'tv') return JSON.stringify(['tv', params.tvLambda ?? TV_DEFAULTS.lambda, params.tvIterations ?? TV_DEFAULTS.maxIter, params.tvTol ?? TV_DEFAULTS.tol, weighted]);
  if (method === 'ndi') return JSON.stringify(['ndi', params.ndiBeta ?? NDI_DEFAULTS.beta, params.ndiIterations ?? NDI_DEFAULTS.maxIter, params.ndiTol ?? NDI_DEFAULTS.tol, weighted]);
  return JSON.stringify([method, params.patch, params.overlap, params.mirror !== false]);
}

/** How the result shows its lambda: `λ = 0.035 mm² (L-curve corner)`, `λ = 0.05 mm² (fixed)`. */
export function lambdaText(l: UsedLambda): string {
  const how = !l.rule ? 'fixed' : `L-curve ${l.rule}${l.requested ? `: no ${l.requested} below the corner on the grid` : ''}`;
  return `λ = ${String(l.value)} mm² (${how})`;
}
