/**
 * Data consistency in the workbench: whether each network's output is also shown made consistent with the field, in
 * which form, and how lambda is set.
 *   form 'masked' (default, core/dataConsistencyMasked.ts): the field trusted inside the mask only, by conjugate
 *     gradients; a fixed lambda (core's default unless typed);
 *   form 'closed' (core/dataConsistency.ts): one FFT pair; a fixed lambda, or one chosen per field on its L-curve by
 *     the corner or inflection, as `qsm invert --dc --dc-lambda auto|auto-inflection` does through the same
 *     core/lambdaChoice.ts. The L-curve rules exist for this form only, so choosing one runs it.
 */
import { DEFAULT_DC_LAMBDA } from '../core/dataConsistency';
import { MASKED_DC_DEFAULTS } from '../core/dataConsistencyMasked';
import { lambdaDescription } from '../core/lambdaChoice';
import type { LambdaMode, UsedLambda } from './cfl2Lambda';

export type DcForm = 'masked' | 'closed';

export interface DcSettings {
  enabled: boolean;
  mode: LambdaMode;
  /** the form with a fixed lambda; the L-curve modes always run the closed form */
  form: DcForm;
  /** the fixed lambda; undefined is core's default for the form */
  lambda?: number;
}

export const DEFAULT_DC_SETTINGS: DcSettings = { enabled: true, mode: 'fixed', form: 'masked' };

/** The lambda and form a data-consistency result was made with (a UsedLambda, so the L-curve plot takes it). */
export interface UsedDc extends UsedLambda {
  form: DcForm;
  /** conjugate-gradient iterations of the masked form */
  iterations?: number;
}

/** The form a run uses. */
export const dcFormOf = (s: DcSettings): DcForm => (s.mode === 'fixed' ? s.form : 'closed');

export const defaultDcLambda = (form: DcForm): number => (form === 'masked' ? MASKED_DC_DEFAULTS.lambda : DEFAULT_DC_LAMBDA);

/** A data-consistency result made under another key is stale; turning DC off makes every DC result stale. */
export function dcSettingsKey(s: DcSettings): string {
  const form = dcFormOf(s);
  return JSON.stringify(s.enabled ? ['dc', form, s.mode, s.mode === 'fixed' ? (s.lambda ?? defaultDcLambda(form)) : null] : ['dc-off']);
}

/** What the compute worker is asked for: the form, and the fixed lambda or the rule to choose it by. */
export function dcRequest(s: DcSettings): { form: DcForm; lambda?: number; rule?: 'corner' | 'inflection' } {
  const form = dcFormOf(s);
  return s.mode === 'fixed' ? { form, lambda: s.lambda ?? defaultDcLambda(form) } : { form, rule: s.mode };
}

const isDc = (l: UsedLambda): l is UsedDc => 'form' in l;

/** `λ = 0.01 (fixed; masked, 14 CG iterations)`, `λ = 0.0123 (L-curve corner; closed form)`; lambda is unitless (D is). */
export function dcLambdaText(l: UsedLambda): string {
  const how = !l.rule ? 'fixed' : `L-curve ${l.rule}${l.requested ? `: no ${l.requested} below the corner on the grid` : ''}`;
  const form = !isDc(l) ? '' : l.form === 'masked' ? `; masked${l.iterations !== undefined ? `, ${l.iterations} CG iterations` : ''}` : '; closed form';
  return `λ = ${String(l.value)} (${how}${form})`;
}

/** What an exported file's description records, as the CLI writes it: `dc masked lambda=0.0075`, `dc lambda=0.02`. */
export function dcDescription(l: UsedLambda): string {
  if (isDc(l) && l.form === 'masked') return `dc masked lambda=${String(l.value)}`;
  return `dc ${lambdaDescription(l.value, l.rule)}`;
}
