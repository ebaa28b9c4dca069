/**
 * The closed-form L2 lambda taken from an L-curve, and how it is written down. The CLI (`--lambda auto`) and the
 * workbench both use these, so a lambda read off the screen, a terminal or a file's description reproduces the run
 * in the other.
 */
import type { LCurve } from './lCurve';

export type LambdaRule = 'corner' | 'inflection';

/** 3 significant digits: the lambda used is rounded to what is printed, so the printed value reproduces the run. */
export const roundLambda = (x: number) => Number(x.toPrecision(3));

export interface PickedLambda {
  value: number;
  /** the rule that gave `value`: inflection falls back to the corner when the curve has none on the grid */
  rule: LambdaRule;
  fellBack: boolean;
}

export function pickLambda(curve: LCurve, rule: LambdaRule): PickedLambda {
  const used: LambdaRule = rule === 'inflection' && curve.inflection === undefined ? 'corner' : rule;
  return { value: roundLambda(used === 'inflection' ? curve.inflection! : curve.corner), rule: used, fellBack: used !== rule };
}

/** What an output file's description records: `lambda=0.0349 (L-curve corner)` or `lambda=0.05`. */
export function lambdaDescription(value: number, rule?: LambdaRule): string {
  return `lambda=${String(value)}${rule ? ` (L-curve ${rule})` : ''}`;
}
