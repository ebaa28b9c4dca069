/**
 * `--lambda auto | auto-inflection` for cfl2: lambda chosen from the field itself on the L-curve (core/lCurve.ts).
 * `auto` is Bilgic's maximum-curvature corner, `auto-inflection` the zero-curvature point below it (Milovic 2021);
 * lCurve.ts says how each fares on the phantom. The stderr line names both, so a user can compare.
 */
import { DEFAULT_CFL2_LAMBDA } from '../core/closedFormL2';
import { lambdaDescription as describe, pickLambda, roundLambda, type LambdaRule } from '../core/lambdaChoice';
import { lCurve } from '../core/lCurve';
import type { Vec3, Volume } from '../core/volume';
import { InputError } from '../io/inputError';
import { parseNumber } from './args';
import type { ProgressFn } from './progress';

export type { LambdaRule };

const RULES: Record<string, LambdaRule> = { auto: 'corner', 'auto-inflection': 'inflection' };

export const LAMBDA_HELP = 'L|auto|auto-inflection: closed-form L2 weight (mm^2); auto picks it by the L-curve corner, auto-inflection by its inflection';

/** --lambda: a number >= 0 or an L-curve rule; neither when the flag is absent. */
export function parseLambdaFlag(s: string | undefined): { lambda?: number; rule?: LambdaRule } {
  if (s === undefined) return {};
  const rule = RULES[s.trim()];
  if (rule) return { rule };
  if (s.trim() === '' || !Number.isFinite(Number(s))) throw new InputError(`--lambda: expected a number, auto or auto-inflection, got "${s}"`);
  return { lambda: parseNumber(s, '--lambda', { min: 0 }) };
}

export interface ChosenLambda {
  lambda: number;
  /** the rule that gave lambda (inflection falls back to corner when the curve has none) */
  rule: LambdaRule;
  /** one stderr line: the grid, both candidates, the choice */
  report: string;
}

const fmt = (x: number) => String(roundLambda(x));

export function chooseLambda(field: Volume, b0Dir: Vec3, mask: Volume | undefined, rule: LambdaRule, onProgress?: ProgressFn): ChosenLambda {
  const curve = lCurve(field, b0Dir, { mask, onProgress });
  const first = curve.points[0].lambda, last = curve.points[curve.points.length - 1].lambda;
  const { value: lambda, rule: used } = pickLambda(curve, rule);
  const parts = [
    `L-curve over ${curve.points.length} lambdas ${fmt(first)}..${fmt(last)}: corner ${fmt(curve.corner)}${curve.cornerAtEdge ? ' (at the grid edge)' : ''}`,
    `inflection ${curve.inflection === undefined ? 'none' : fmt(curve.inflection)}`,
    `using lambda = ${fmt(lambda)} (${used}${used !== rule ? ': no inflection below the corner on the grid' : ''})`,
  ];
  return { lambda, rule: used, report: parts.join(', ') };
}

/** What the output file's description records about lambda (given, default or chosen). */
export function lambdaDescription(lambda: number | undefined, rule?: LambdaRule): string {
  return describe(lambda ?? DEFAULT_CFL2_LAMBDA, rule);
}
