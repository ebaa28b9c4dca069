// The reducer and its derived views: every finished result is in every view once compared, a comparison never
// outlives the result it describes, and staleness follows exactly the settings each result depends on.
import { describe, expect, it } from 'vitest';
import { makeVolume, type Volume } from '../../core/volume';
import type { MethodComparison, MethodResult } from './results';
import type { LoadedItem } from '../items';
import { buildContext } from '../workbenchContext';
import { comparisonsToCompute, currentReference, resultKey, resultViews } from './selectors';
import { initialState, workbenchReducer, type WorkbenchAction, type WorkbenchState } from './workbenchState';

const vol = (v = 0) => makeVolume([4, 4, 4], [1, 1, 1], undefined, new Float32Array(64).fill(v));
const item = (id: string, role: LoadedItem['role'], volume: Volume = vol(1)): LoadedItem => ({ id, name: `${id}.nii.gz`, role, origin: 'file', volume, warnings: [] });
const apply = (s: WorkbenchState, ...actions: WorkbenchAction[]) => actions.reduce(workbenchReducer, s);
const metrics = { nrmse: 1, psnr: 1, ssim: 1, hfen: 1, slope: 1, intercept: 0, r2: 1 };
const scatter = { bins: 1, range: [0, 1] as [number, number], counts: new Uint32Array(1), samples: 1 };

function loaded() {
  const s = apply(initialState, { type: 'dataset', datasetId: 1, items: [item('f', 'field'), item('m', 'mask'), item('r', 'reference')] });
  const ctx = buildContext(s.items, s.edits);
  const result = (id: Parameters<typeof resultKey>[1], chi = vol(2)): MethodResult => ({ chi, seconds: 1, backend: 'cpu', key: resultKey(ctx.key, id, s.params, s.lambdaMode, s.dc), mask: vol(1) });
  const comparison = (r: MethodResult): MethodComparison => ({ referenceId: 'r', chi: r.chi, metrics, difference: vol(), scatter });
  return { s, ctx, result, comparison };
}

describe('workbench state', () => {
  it('every finished result is one view; once compared it carries its comparison, and is pending until then', () => {
    const { s, ctx, result, comparison } = loaded();
    const ids = ['adaptive-unet', 'adaptive-unet-dc', 'adaptive-unet-tl', 'adaptive-unet-tl-dc', 'unet-tl', 'unet-tl-dc', 'tkd', 'cfl2'] as const;
    let t = s;
    for (const id of ids) t = apply(t, { type: 'result', id, datasetId: 1, result: result(id) });
    const ref = currentReference(t, ctx);
    let views = resultViews(t, ctx, ref);
    expect(views.map((v) => v.id)).toEqual(ids);
    expect(comparisonsToCompute(views, ref, true).map((v) => v.id)).toEqual(ids);
    for (const v of views) t = apply(t, { type: 'comparison', id: v.id, comparison: comparison(v.result) });
    views = resultViews(t, ctx, ref);
    expect(views.every((v) => v.comparison && !v.stale)).toBe(true);
    expect(comparisonsToCompute(views, ref, true)).toEqual([]);
    // no reference on the grid: nothing to compare
    expect(comparisonsToCompute(resultViews(s, ctx, ref), ref, false)).toEqual([]);
  });

  it('a new result drops its old comparison, and an answer for a replaced result is dropped', () => {
    const { s, ctx, result, comparison } = loaded();
    const first = result('tkd');
    let t = apply(s, { type: 'result', id: 'tkd', datasetId: 1, result: first }, { type: 'comparison', id: 'tkd', comparison: comparison(first) });
    const second = result('tkd', vol(3));
    t = apply(t, { type: 'result', id: 'tkd', datasetId: 1, result: second });
    expect(t.comparisons.tkd).toBeUndefined();
    t = apply(t, { type: 'comparison', id: 'tkd', comparison: comparison(first) });
    expect(t.comparisons.tkd).toBeUndefined();
    t = apply(t, { type: 'comparison', id: 'tkd', comparison: comparison(second) });
    expect(resultViews(t, ctx, currentReference(t, ctx))[0].comparison?.chi).toBe(second.chi);
  });

  it('staleness follows each result\'s own settings', () => {
    const { s, ctx, result } = loaded();
    let t = s;
    for (const id of ['tkd', 'cfl2', 'unet-tl', 'unet-tl-dc'] as const) t = apply(t, { type: 'result', id, datasetId: 1, result: result(id) });
    const stale = (x: WorkbenchState) => Object.fromEntries(resultViews(x, ctx, undefined).map((v) => [v.id, v.stale]));
    expect(stale(apply(t, { type: 'params', params: { ...t.params, tkdThreshold: 0.1 } }))).toEqual({ tkd: true, cfl2: false, 'unet-tl': false, 'unet-tl-dc': false });
    expect(stale(apply(t, { type: 'dc', dc: { ...t.dc, lambda: 0.1 } }))).toEqual({ tkd: false, cfl2: false, 'unet-tl': false, 'unet-tl-dc': true });
    // the network's patch settings reach its data-consistency variant too
    expect(stale(apply(t, { type: 'params', params: { ...t.params, patch: 32 } }))).toEqual({ tkd: false, cfl2: false, 'unet-tl': true, 'unet-tl-dc': true });
    // any acquisition edit makes every result stale
    const edited = apply(t, { type: 'edit-acquisition', patch: { voxelSize: [1, 1, 2] } });
    const ctx2 = buildContext(edited.items, edited.edits);
    expect(resultViews(edited, ctx2, undefined).every((v) => v.stale)).toBe(true);
  });

  it('a new dataset clears what was computed on the old one; added files take over roles', () => {
    const { s, result } = loaded();
    let t = apply(s, { type: 'result', id: 'tkd', datasetId: 1, result: result('tkd') }, { type: 'run-start', methods: ['tkd'] }, { type: 'edit-acquisition', patch: { fieldStrength: 7 } });
    t = apply(t, { type: 'add-items', items: [item('f2', 'field'), item('m2', 'mask')] });
    expect(t.items.map((i) => [i.id, i.role])).toEqual([['f', 'cosmos-field'], ['m', 'ignore'], ['r', 'reference'], ['f2', 'field'], ['m2', 'mask']]);
    expect(t.results.tkd).toBeDefined();
    t = apply(t, { type: 'dataset', datasetId: 2, items: [item('g', 'field'), item('q', 'reference')] });
    expect(t.results).toEqual({});
    expect(t.runs).toEqual({});
    expect(t.edits).toEqual({});
    expect(t.referenceId).toBe('q');
  });

  it('a result from a run on a replaced dataset is dropped, not shown beside the new data', () => {
    const { s, result } = loaded();
    const t = apply(s, { type: 'dataset', datasetId: 2, items: [item('g', 'field')] }, { type: 'result', id: 'tkd', datasetId: 1, result: result('tkd') });
    expect(t.results).toEqual({});
    expect(apply(t, { type: 'result', id: 'tkd', datasetId: 2, result: result('tkd') }).results.tkd).toBeDefined();
  });

  it('found models are selected until the user chooses', () => {
    let t = apply(initialState, { type: 'models-found', ids: ['adaptive-unet-tl', 'unet-tl'] });
    expect(t.selected).toEqual(['adaptive-unet-tl', 'unet-tl', 'tkd', 'cfl2']);
    t = apply(t, { type: 'toggle-method', id: 'unet-tl', on: false }, { type: 'models-found', ids: ['adaptive-unet'] });
    expect(t.selected).toEqual(['adaptive-unet-tl', 'tkd', 'cfl2']);
  });
});

describe('phase pipeline', () => {
  it("its local field becomes the input and its mask the methods' mask; a second run replaces them, the user's files stay", () => {
    const phase = item('p', 'phase'), myMask = item('mine', 'mask'), oldField = item('old', 'field');
    const outputs = { brainMask: vol(1), unwrapped: vol(0), totalPpm: vol(0), localPpm: vol(0.1), localMask: vol(1) };
    const made = (id: string, role: LoadedItem['role']): LoadedItem => ({ ...item(id, role), origin: 'computed', fromPipeline: true });
    let t = apply(initialState, { type: 'dataset', datasetId: 1, items: [phase, myMask, oldField] });
    t = apply(t, { type: 'pipeline-done', outputs, key: 'k1', sourceName: 'sub-01', field: made('lf1', 'field'), mask: made('lm1', 'mask') });
    const ctx = buildContext(t.items, t.edits);
    expect(ctx.field?.id).toBe('lf1');
    expect(ctx.mask?.id).toBe('lm1');
    expect(t.items.find((i) => i.id === 'old')?.role).toBe('cosmos-field');
    expect(t.items.find((i) => i.id === 'mine')?.role).toBe('mask');
    t = apply(t, { type: 'pipeline-done', outputs, key: 'k2', sourceName: 'sub-01', field: made('lf2', 'field'), mask: made('lm2', 'mask') });
    expect(t.items.map((i) => i.id).sort()).toEqual(['lf2', 'lm2', 'mine', 'old', 'p']);
    expect(t.pipelineOutputs?.key).toBe('k2');
    // a new dataset drops the outputs with everything else computed
    expect(apply(t, { type: 'dataset', datasetId: 2, items: [] }).pipelineOutputs).toBeUndefined();
  });
});

describe('magnitude weighting of tv and ndi', () => {
  it('is part of their keys, with the magnitude that weighted them, and of no other method', () => {
    const p = { ...initialState.params, magnitudeWeighting: true };
    const dc = initialState.dc;
    expect(resultKey('in', 'tv', p, 'fixed', dc, 'mag1')).not.toBe(resultKey('in', 'tv', initialState.params, 'fixed', dc, 'mag1'));
    expect(resultKey('in', 'ndi', p, 'fixed', dc, 'mag1')).not.toBe(resultKey('in', 'ndi', p, 'fixed', dc, 'mag2'));
    expect(resultKey('in', 'tkd', p, 'fixed', dc, 'mag1')).toBe(resultKey('in', 'tkd', p, 'fixed', dc, 'mag2'));
    // unweighted, the magnitude does not matter
    expect(resultKey('in', 'tv', initialState.params, 'fixed', dc, 'mag1')).toBe(resultKey('in', 'tv', initialState.params, 'fixed', dc, 'mag2'));
  });
});
