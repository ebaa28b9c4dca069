/**
 * What the panels show, derived from WorkbenchState and nothing else. `resultViews` is the single list every view
 * (viewers, differences, metrics, scatter plots, exports) draws from, so a finished result cannot be in one view and
 * missing from another; `comparisonsToCompute` is what the comparison effect works through until every result has a
 * current comparison against the chosen reference.
 */
import { methodSettingsKey, type LambdaMode } from '../cfl2Lambda';
import type { MethodComparison, MethodResult } from './results';
import { dcSettingsKey, type DcSettings } from '../dcSettings';
import type { LoadedItem } from '../items';
import { isDcResult, methodOf, RESULT_ORDER, resultLabel, type ResultId } from '../resultIds';
import type { WorkbenchContext } from '../workbenchContext';
import type { MethodParams } from '../../worker/protocol';
import type { WorkbenchState } from './workbenchState';

/**
 * A result is current while the input (acquisition, files) and its method's own settings are unchanged; a
 * data-consistency result also depends on the data-consistency settings.
 */
export function resultKey(inputKey: string, id: ResultId, params: MethodParams, mode: LambdaMode, dc: DcSettings, magnitudeId?: string): string {
  const m = methodOf(id);
  // a magnitude-weighted tv / ndi result also depends on which magnitude weighted it
  const weightedBy = params.magnitudeWeighting && (m === 'tv' || m === 'ndi') ? `|mag:${magnitudeId ?? 'none'}` : '';
  const own = `${inputKey}|${methodSettingsKey(m, params, mode)}${weightedBy}`;
  return isDcResult(id) ? `${own}|${dcSettingsKey(dc)}` : own;
}

/** The part of the state results and their views depend on. */
export type ResultState = Pick<WorkbenchState, 'results' | 'comparisons' | 'params' | 'lambdaMode' | 'dc'>;

export const isStale = (s: ResultState, ctx: WorkbenchContext, id: ResultId): boolean =>
  s.results[id]?.key !== resultKey(ctx.key, id, s.params, s.lambdaMode, s.dc, ctx.magnitude?.id);

/** The chosen reference, else the first one loaded. */
export const currentReference = (s: Pick<WorkbenchState, 'referenceId'>, ctx: WorkbenchContext): LoadedItem | undefined =>
  ctx.references.find((r) => r.id === s.referenceId) ?? ctx.references[0];

export interface ResultView {
  id: ResultId;
  label: string;
  result: MethodResult;
  stale: boolean;
  /** against the current reference, for exactly this result; absent while computing or without a usable reference */
  comparison?: MethodComparison;
}

export function resultViews(s: ResultState, ctx: WorkbenchContext, reference: LoadedItem | undefined): ResultView[] {
  return RESULT_ORDER.flatMap((id) => {
    const result = s.results[id];
    if (!result) return [];
    const c = s.comparisons[id];
    const comparison = c && reference && c.referenceId === reference.id && c.chi === result.chi ? c : undefined;
    return [{ id, label: resultLabel(id), result, stale: isStale(s, ctx, id), comparison }];
  });
}

/** Results without a current comparison against `reference` (none when there is no usable reference). */
export function comparisonsToCompute(views: ResultView[], reference: LoadedItem | undefined, referenceOnGrid: boolean): ResultView[] {
  if (!reference?.volume || !referenceOnGrid) return [];
  const dims = reference.volume.dims;
  return views.filter((v) => !v.comparison && v.result.chi.dims.every((n, i) => n === dims[i]));
}
