/**
 * `qsm invert --method <learned id> --dc [--dc-form masked|closed] [--dc-lambda L|auto|auto-inflection] [--dc-hard T]
 * [--out-net NET]`: the network's map made consistent with the measured field. The default form is the masked one
 * (core/dataConsistencyMasked.ts: the field trusted inside the mask only, by conjugate gradients); `closed` is the
 * one-FFT-pair closed form (core/dataConsistency.ts), the only one with an L-curve, so `auto` rules use it. The form
 * and lambda used go to stderr and into the output's description, so the run reproduces; --out-net keeps the raw
 * network output too.
 */
import { dataConsistency, DEFAULT_DC_LAMBDA } from '../core/dataConsistency';
import { softDataConsistency } from '../core/dataConsistencyLCurve';
import { MASKED_DC_DEFAULTS, maskedDataConsistency } from '../core/dataConsistencyMasked';
import { roundLambda, type LambdaRule } from '../core/lambdaChoice';
import type { Vec3, Volume } from '../core/volume';
import { InputError } from '../io/inputError';
import { parseNumber, UsageError, type Flags, type FlagSpecs } from './args';
import type { ProgressFn } from './progress';

export const DC_FLAGS: FlagSpecs = {
  dc: { kind: 'boolean', help: 'learned methods: make the network output consistent with the field (data consistency)' },
  'dc-form': { kind: 'value', help: 'masked|closed: the field trusted inside the mask only, by conjugate gradients (default), or the one-FFT closed form' },
  'dc-lambda': { kind: 'value', help: `L|auto|auto-inflection: data-consistency weight of the network (default ${MASKED_DC_DEFAULTS.lambda} masked, ${DEFAULT_DC_LAMBDA} closed); auto picks it on the closed form's L-curve` },
  'dc-hard': { kind: 'value', help: 'T: hard data consistency instead: the field where |D| > T, the network elsewhere' },
  'out-net': { kind: 'value', help: 'NET.nii[.gz]: also write the raw network output (with --dc)' },
};

export type DcRequest =
  | { kind: 'masked'; lambda?: number }
  | { kind: 'soft'; lambda?: number; rule?: LambdaRule }
  | { kind: 'hard'; threshold: number };

const RULES: Record<string, LambdaRule> = { auto: 'corner', 'auto-inflection': 'inflection' };

/** The --dc flags, checked against the method; undefined when --dc is absent. */
export function parseDcFlags(flags: Flags, learned: boolean, methodId: string): DcRequest | undefined {
  const dcOnly = ['dc-form', 'dc-lambda', 'dc-hard', 'out-net'].filter((f) => flags.has(f));
  if (!flags.has('dc')) {
    if (dcOnly.length) throw new UsageError(`--${dcOnly[0]} needs --dc`);
    return undefined;
  }
  if (!learned) throw new UsageError(`--dc applies to learned methods only, not ${methodId} (it corrects a network's output with the field)`);
  if (flags.has('dc-lambda') && flags.has('dc-hard')) throw new UsageError('--dc-lambda and --dc-hard exclude each other (soft or hard data consistency)');
  const form = flags.string('dc-form')?.trim();
  if (form !== undefined && form !== 'masked' && form !== 'closed') throw new UsageError(`--dc-form: expected masked or closed, got "${form}"`);
  const hard = flags.string('dc-hard');
  if (hard !== undefined) {
    if (form !== undefined) throw new UsageError('--dc-form and --dc-hard exclude each other (--dc-hard is a form of its own)');
    return { kind: 'hard', threshold: parseNumber(hard, '--dc-hard', { min: Number.MIN_VALUE, max: 2 / 3 }) };
  }
  const s = flags.string('dc-lambda');
  const rule = s === undefined ? undefined : RULES[s.trim()];
  if (rule) {
    if (form === 'masked') throw new UsageError(`--dc-lambda ${String(s).trim()} picks lambda on the closed form's L-curve; the masked form has none: give a number, or --dc-form closed`);
    return { kind: 'soft', rule };
  }
  let lambda: number | undefined;
  if (s !== undefined) {
    if (s.trim() === '' || !Number.isFinite(Number(s))) throw new InputError(`--dc-lambda: expected a number, auto or auto-inflection, got "${s}"`);
    lambda = parseNumber(s, '--dc-lambda', {});
    if (!(lambda > 0)) throw new InputError(`--dc-lambda: must be > 0 (0 would discard the network), got ${s}`);
  }
  return form === 'closed' ? { kind: 'soft', lambda } : { kind: 'masked', lambda };
}

export interface DcOutcome {
  chi: Volume;
  /**
   * what the description records and stderr shows: `dc masked lambda=0.0075`, `dc lambda=0.02` (closed form),
   * `dc lambda=0.0123 (L-curve corner)`, `dc hard t=0.19`
   */
  description: string;
  /** the stderr lines: the L-curve's candidates when auto, then what was used */
  report: string[];
}

const fmt = (x: number) => String(roundLambda(x));

export function applyDc(req: DcRequest, field: Volume, net: Volume, b0Dir: Vec3, mask: Volume | undefined, onProgress?: ProgressFn): DcOutcome {
  if (req.kind === 'hard') {
    const chi = dataConsistency(field, net, b0Dir, { kind: 'hard', threshold: req.threshold, mask, onProgress });
    const description = `dc hard t=${String(req.threshold)}`;
    return { chi, description, report: [`data consistency: hard, the field where |D| > ${String(req.threshold)}, the network elsewhere`] };
  }
  if (req.kind === 'masked') {
    const lambda = req.lambda ?? MASKED_DC_DEFAULTS.lambda;
    const r = maskedDataConsistency(field, net, b0Dir, mask, { lambda, onProgress });
    // the iterations are a result, not a setting: stderr reports them, the 80-byte description keeps what reproduces the run
    const description = `dc masked lambda=${String(lambda)}`;
    const line = `data consistency: masked (the field inside the mask), lambda = ${String(lambda)}${req.lambda === undefined ? ' (default)' : ''}, ${r.iterations} conjugate-gradient iterations, relative residual ${r.residual.toExponential(1)}`;
    return { chi: r.chi, description, report: [...(mask ? [] : ['data consistency: no --mask, so the field is trusted where it is non-zero']), line] };
  }
  const report: string[] = [];
  const done = softDataConsistency(field, net, b0Dir, req.rule ? { rule: req.rule } : { lambda: req.lambda ?? DEFAULT_DC_LAMBDA }, { mask, onProgress });
  const { chi, lambda, curve } = done;
  const ruleNote = done.rule ? ` (L-curve ${done.rule})` : '';
  if (curve) {
    const first = curve.points[0].lambda, last = curve.points[curve.points.length - 1].lambda;
    report.push(`data-consistency L-curve over ${curve.points.length} lambdas ${fmt(first)}..${fmt(last)}: corner ${fmt(curve.corner)}${curve.cornerAtEdge ? ' (at the grid edge)' : ''}, inflection ${curve.inflection === undefined ? 'none' : fmt(curve.inflection)}${done.fellBack ? '; no inflection below the corner, using the corner' : ''}`);
  }
  const description = `dc lambda=${String(lambda)}${ruleNote}`;
  report.push(`data consistency: closed form, lambda = ${String(lambda)}${ruleNote || (req.lambda === undefined ? ' (default)' : '')}`);
  return { chi, description, report };
}
