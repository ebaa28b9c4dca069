/**
 * Data consistency in the workbench (core/dataConsistency.ts): whether each network's output is also shown made
 * consistent with the field, and how lambda is set: a fixed value (core's default unless typed), or per field on the
 * data-consistency L-curve by its corner or inflection, as `qsm invert --dc --dc-lambda auto|auto-inflection` does
 * through the same core/lambdaChoice.ts.
 */
import { DEFAULT_DC_LAMBDA } from '../core/dataConsistency';
import { lambdaDescription } from '../core/lambdaChoice';
import type { LambdaMode, UsedLambda } from './cfl2Lambda';

export interface DcSettings {
  enabled: boolean;
  mode: LambdaMode;
  /** the fixed lambda; undefined is core's default */
  lambda?: number;
}

export const DEFAULT_DC_SETTINGS: DcSettings = { enabled: true, mode: 'fixed' };

/** A data-consistency result made under another key is stale; turning DC off makes every DC result stale. */
export function dcSettingsKey(s: DcSettings): string {
  return JSON.stringify(s.enabled ? ['dc', s.mode, s.mode === 'fixed' ? (s.lambda ?? DEFAULT_DC_LAMBDA) : null] : ['dc-off']);
}

/** The fixed lambda to send, or the rule to choose it by. */
export function dcRequest(s: DcSettings): { lambda?: number; rule?: 'corner' | 'inflection' } {
  return s.mode === 'fixed' ? { lambda: s.lambda ?? DEFAULT_DC_LAMBDA } : { rule: s.mode };
}

/** `λ = 0.02 (fixed)`, `λ = 0.0123 (L-curve corner)`; lambda is unitless here (D is). */
export function dcLambdaText(l: UsedLambda): string {
  const how = !l.rule ? 'fixed' : `L-curve ${l.rule}${l.requested ? `: no ${l.requested} below the corner on the grid` : ''}`;
  return `λ = ${String(l.value)} (${how})`;
}

/** What an exported file's description records, as the CLI writes it: `dc lambda=0.02`. */
export const dcDescription = (l: UsedLambda): string => `dc ${lambdaDescription(l.value, l.rule)}`;
