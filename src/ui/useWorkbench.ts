/**
 * The workbench's behaviour: the two workers, and the long steps they run (example, file reading, method runs with
 * data consistency, COSMOS, comparisons), each reporting into the one reducer (state/workbenchState.ts) with progress,
 * cancel and a message on failure that leaves everything already computed in place. App only lays out panels.
 */
import { useCallback, useEffect, useMemo, useReducer, useRef } from 'react';
import { DEFAULT_EXAMPLE } from '../core/phantomExample';
import type { Vec3, Volume } from '../core/volume';
import { checkSameGrid } from '../io/checkSameGrid';
import { toPpm } from '../io/units';
import type { ExampleDataset, ExampleOptions } from '../worker/computeProtocol';
import type { BackendName, MethodId } from '../worker/protocol';
import type { AcqSettings } from './acquisitionState';
import { fixedLambda, lambdaFromCurve, type LambdaRule, type UsedLambda } from './cfl2Lambda';
import { ComputeClient } from './computeClient';
import type { RunState } from './components/MethodsPanel';
import { dcRequest, type UsedDc } from './dcSettings';
import { InferenceClient } from './inferenceClient';
import { newItemId, type LoadedItem } from './items';
import { loadFiles } from './loadFiles';
import { METHODS } from './methods';
import { dcResultId, isModel, resultLabel } from './resultIds';
import { derivativeBase, gatherPhaseInput, pipelineKey } from './phaseInputs';
import { guessRoles, type Role } from './roles';
import { comparisonsToCompute, currentReference, resultKey, resultViews } from './state/selectors';
import { initialState, isRunnable, workbenchReducer, type WorkbenchState } from './state/workbenchState';
import { useModelAvailability } from './useModelAvailability';
import { buildContext, prepareInput } from './workbenchContext';
import { CancelledError } from './workerRpc';

interface RunHandle {
  cancelled: boolean;
  runId?: string;
  /** the compute job (an L-curve, data consistency) the run is waiting on, if any */
  computeJobId?: string;
  cancel: () => void;
}

const VISITED_KEY = 'qsm-workbench-visited';
/** The paper's comparison: the adaptive U-Net with and without transfer learning and the conventional U-Net. */
const MODELS = METHODS.filter((m) => m.kind === 'model').map((m) => m.id);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

function exampleItems(d: ExampleDataset): LoadedItem[] {
  const item = (name: string, role: Role, volume: Volume, extra: Partial<LoadedItem> = {}): LoadedItem => ({
    id: newItemId(), name, role, origin: 'example', volume, warnings: [], ...extra,
  });
  return [
    item('phantom_field.nii.gz', 'field', d.field, { headerB0Dir: d.b0Dir }),
    { id: newItemId(), name: 'phantom_field.json', role: 'sidecar', origin: 'example', warnings: [], sidecar: { fieldStrength: 3, echoTime: 0.02, units: 'ppm', warnings: [] } },
    item('phantom_mask.nii.gz', 'mask', d.mask),
    item('phantom_magnitude.nii.gz', 'magnitude', d.magnitude),
    item('phantom_groundtruth_Chimap.nii.gz', 'reference', d.groundTruth),
    item('phantom_cosmos_Chimap.nii.gz', 'reference', d.cosmos),
  ];
}

/** True once per browser profile; where storage is blocked every visit counts as a first one. */
function firstVisit(): boolean {
  try {
    if (localStorage.getItem(VISITED_KEY)) return false;
    localStorage.setItem(VISITED_KEY, '1');
  } catch {
    // storage disabled: show the example anyway
  }
  return true;
}

export function useWorkbench() {
  const [state, dispatch] = useReducer(workbenchReducer, initialState);
  // the async steps read the state as it is when they need it, not as it was when they started
  const latest = useRef<WorkbenchState>(state);
  latest.current = state;
  const availability = useModelAvailability();
  const availabilityKnown = Object.values(availability).every((a) => a?.state !== 'checking');
  const runnable = useCallback((m: MethodId) => isRunnable(m, availability), [availability]);
  const report = useCallback((message: string) => dispatch({ type: 'error', message }), []);

  // the networks are the product: each is selected by default once its weights are found
  useEffect(() => {
    dispatch({ type: 'models-found', ids: MODELS.filter((m) => availability[m]?.state === 'available') });
  }, [availability]);

  const compute = useRef<ComputeClient | undefined>(undefined);
  const inference = useRef<InferenceClient | undefined>(undefined);
  const currentRun = useRef<RunHandle | undefined>(undefined);
  const comparing = useRef(new Set<string>());
  const datasets = useRef(0);

  useEffect(() => {
    const c = new ComputeClient();
    let inf: InferenceClient | undefined;
    try {
      inf = new InferenceClient();
      inf.onBackend = (name: BackendName, note?: string) => dispatch({ type: 'backend', name, note });
      inf.requestBackend();
    } catch (e) {
      dispatch({ type: 'backend', name: 'unavailable', note: errorText(e) });
    }
    compute.current = c;
    inference.current = inf;
    return () => {
      c.dispose();
      inf?.dispose();
    };
  }, []);

  const ctx = useMemo(() => buildContext(state.items, state.edits), [state.items, state.edits]);
  const reference = currentReference(state, ctx);

  /** Runs `methods` one after another on the input `runItems` and `runEdits` describe, of dataset `datasetId`. */
  const runMethods = useCallback(
    async (methods: MethodId[], runItems: LoadedItem[], runEdits: Partial<AcqSettings>, datasetId: number) => {
      const inf = inference.current;
      if (!inf) return report('The inference worker is not available in this browser');
      const runCtx = buildContext(runItems, runEdits);
      let input;
      try {
        input = prepareInput(runCtx);
      } catch (e) {
        return report(errorText(e));
      }
      // the settings the run uses are those at its start; results record them in their keys
      const { params, lambdaMode, dc } = latest.current;
      let onCancel = () => {};
      const cancelled = new Promise<never>((_, reject) => (onCancel = () => reject(new CancelledError())));
      cancelled.catch(() => {});
      const run: RunHandle = { cancelled: false, runId: undefined, cancel: () => onCancel() };
      currentRun.current = run;
      dispatch({ type: 'run-start', methods });
      const setRun = (m: MethodId, patch: Partial<RunState>) => dispatch({ type: 'run-update', method: m, patch });
      const waitCompute = async <T>(job: { jobId: string; result: Promise<T> }) => {
        run.computeJobId = job.jobId;
        try {
          return await Promise.race([job.result, cancelled]);
        } finally {
          run.computeJobId = undefined;
        }
      };
      for (const m of methods) {
        if (run.cancelled) {
          setRun(m, { status: 'cancelled' });
          continue;
        }
        setRun(m, { status: 'running', stage: 'starting' });
        const onProgress = (done: number, total: number, stage: string) => setRun(m, { done, total, stage });
        try {
          // cfl2's lambda: the fixed one, or chosen on this field's L-curve in the compute worker first
          let lambda: UsedLambda | undefined;
          if (m === 'cfl2') {
            lambda = fixedLambda(params);
            if (lambdaMode !== 'fixed') {
              if (!compute.current) throw new Error('the compute worker is not available for the L-curve');
              lambda = lambdaFromCurve(await waitCompute(compute.current.lCurve(input.field, input.b0Dir, input.mask, onProgress)), lambdaMode);
            }
          }
          const runParams = lambda ? { ...params, cfl2Lambda: lambda.value } : params;
          const { runId, result } = inf.run(m, input.field, input.mask, input.b0Dir, runParams, onProgress, params.magnitudeWeighting ? input.magnitude : undefined);
          run.runId = runId;
          // a cancel answers at once in the UI; whatever the worker still sends for this run is dropped
          const r = await Promise.race([result, cancelled]);
          if (r.chi.data.length !== input.field.data.length) throw new Error(`returned ${r.chi.dims.join('x')}, expected ${input.field.dims.join('x')}`);
          const chi: Volume = { ...input.field, data: r.chi.data };
          const key = resultKey(runCtx.key, m, params, lambdaMode, dc, input.magnitude ? runCtx.magnitude?.id : undefined);
          dispatch({ type: 'result', id: m, datasetId, result: { chi, seconds: r.seconds, backend: r.backend, key, mask: input.metricsMask, lambda } });
          // the models' tfjs backend is what the header shows; classical methods run in plain JS ('cpu')
          if (isModel(m)) dispatch({ type: 'backend-used', name: r.backend });
          if (isModel(m) && dc.enabled) {
            // the network's own result is already shown: a failing data-consistency step loses nothing of it
            const id = dcResultId(m);
            try {
              if (!compute.current) throw new Error('the compute worker is not available');
              setRun(m, { stage: 'data consistency', done: 0, total: 1 });
              const t0 = performance.now();
              const d = await waitCompute(compute.current.dataConsistency(input.field, chi, input.b0Dir, input.mask, dcRequest(dc), onProgress));
              const used: UsedDc = { value: d.lambda, rule: d.rule, requested: d.fellBack ? (dc.mode as LambdaRule) : undefined, curve: d.curve, form: d.form, iterations: d.iterations };
              const seconds = r.seconds + (performance.now() - t0) / 1000;
              dispatch({
                type: 'result', id, datasetId,
                result: { chi: { ...input.field, data: d.chi.data }, seconds, backend: `${r.backend} + cpu`, key: resultKey(runCtx.key, id, params, lambdaMode, dc), mask: input.metricsMask, lambda: used },
              });
            } catch (e) {
              if (e instanceof CancelledError) throw e;
              report(`${resultLabel(id)} failed: ${errorText(e)}`);
            }
          }
          setRun(m, { status: 'done' });
        } catch (e) {
          if (e instanceof CancelledError) setRun(m, { status: 'cancelled' });
          else {
            setRun(m, { status: 'error', stage: errorText(e) });
            report(`${METHODS.find((x) => x.id === m)?.label ?? m} failed: ${errorText(e)}`);
          }
        }
      }
      currentRun.current = undefined;
      dispatch({ type: 'run-end' });
    },
    [report],
  );

  /** Stops the run in progress at once: the running method, its compute job, and the queued ones. */
  const cancel = useCallback(() => {
    const r = currentRun.current;
    if (!r) return;
    r.cancelled = true;
    if (r.runId) inference.current?.cancel(r.runId);
    if (r.computeJobId) compute.current?.cancel(r.computeJobId);
    r.cancel();
  }, []);

  /** A new dataset replaces everything computed: a run still going on the old one is cancelled first. */
  const replaceDataset = useCallback(
    (items: LoadedItem[]) => {
      cancel();
      const datasetId = ++datasets.current;
      dispatch({ type: 'dataset', items, datasetId });
      return datasetId;
    },
    [cancel],
  );

  const loadExample = useCallback(
    async (o: ExampleOptions, methods: MethodId[] = latest.current.selected) => {
      const c = compute.current;
      if (!c) return;
      dispatch({ type: 'loading', on: true });
      dispatch({ type: 'example-progress', progress: { done: 0, total: 1, stage: 'starting' } });
      try {
        const dataset = await c.example(o, (done, total, stage) => dispatch({ type: 'example-progress', progress: { done, total, stage } })).result;
        const next = exampleItems(dataset);
        const datasetId = replaceDataset(next);
        dispatch({ type: 'example-progress' });
        dispatch({ type: 'loading', on: false });
        await runMethods(methods.filter(runnable), next, {}, datasetId);
      } catch (e) {
        dispatch({ type: 'example-progress' });
        dispatch({ type: 'loading', on: false });
        if (!(e instanceof CancelledError)) report(`Example failed: ${errorText(e)}`);
      }
    },
    [runMethods, report, runnable, replaceDataset],
  );

  // A first visit sees a reconstruction without own data (skipped with ?autoload=0, e.g. by tests): every network
  // found, beside TKD and closed-form L2.
  const autoloaded = useRef(false);
  useEffect(() => {
    if (autoloaded.current || !availabilityKnown) return;
    autoloaded.current = true;
    const skip = new URLSearchParams(window.location.search).get('autoload') === '0';
    if (!skip && firstVisit()) {
      const methods: MethodId[] = [...MODELS.filter((m) => availability[m]?.state === 'available'), 'tkd', 'cfl2'];
      // wait a tick so the workers exist
      setTimeout(() => loadExample(DEFAULT_EXAMPLE, methods), 0);
    }
  }, [loadExample, availabilityKnown, availability]);

  const addFiles = useCallback(
    async (files: File[]) => {
      // a drop can land between the first render and the effect that starts the compute worker: wait for it
      // rather than drop the files on the floor
      for (let i = 0; i < 100 && !compute.current; i++) await new Promise((r) => setTimeout(r, 50));
      const c = compute.current;
      if (!c) {
        report(`${files.map((f) => f.name).join(', ')}: not read, the compute worker did not start; reload the page`);
        return;
      }
      dispatch({ type: 'loading', on: true });
      // within a batch the first field is the input and later ones are COSMOS orientations; a new input field
      // replaces the example dataset, while a lone mask or sidecar is added to whatever is loaded
      const roles = guessRoles(files.map((f) => f.name), false);
      const { items: loaded, errors } = await loadFiles(files, roles, (name, bytes, all) => c.readVolumes(name, bytes, all));
      errors.forEach(report);
      const replacingExample = latest.current.items.some((i) => i.origin === 'example') && loaded.some((i) => i.role === 'field');
      if (loaded.length) {
        if (replacingExample) replaceDataset([]);
        dispatch({ type: 'add-items', items: loaded });
      }
      dispatch({ type: 'loading', on: false });
    },
    [report, replaceDataset],
  );

  /**
   * A file of the user's that becomes the input field replaces the example (as dropping a field does): the example's
   * files and everything computed on them go, the user's other files stay.
   */
  const setRole = useCallback(
    (id: string, role: Role) => {
      const items = latest.current.items;
      const it = items.find((i) => i.id === id);
      if (role === 'field' && it?.origin === 'file' && items.some((i) => i.origin === 'example')) replaceDataset(items.filter((i) => i.origin !== 'example'));
      dispatch({ type: 'assign-role', id, role });
    },
    [replaceDataset],
  );

  // Grid checks: everything combined voxel by voxel with the field must be on its grid.
  const gridMessages = useMemo(() => {
    const out: { ok: boolean; name: string; text: string }[] = [];
    const f = ctx.field;
    if (!f?.volume) return out;
    for (const it of state.items) {
      if (it === f || !it.volume || it.role === 'ignore' || it.role === 'unassigned') continue;
      try {
        if (it.role === 'cosmos-field') {
          if (it.volume.dims.some((d, k) => d !== f.volume!.dims[k])) throw new Error(`${it.name} is ${it.volume.dims.join('x')} but ${f.name} is ${f.volume.dims.join('x')}: they must be on the same voxel grid`);
        } else checkSameGrid(f.volume, it.volume, f.name, it.name);
        out.push({ ok: true, name: it.name, text: `${it.name} is on the grid of ${f.name}` });
      } catch (e) {
        out.push({ ok: false, name: it.name, text: errorText(e) });
      }
    }
    return out;
  }, [state.items, ctx.field]);
  const referenceOnGrid = !!reference && !gridMessages.some((m) => !m.ok && m.name === reference.name);
  // a magnitude off the field's grid stays out of the viewers (the grid check names it): the readout is per voxel
  const magnitude = ctx.magnitude && !gridMessages.some((m) => !m.ok && m.name === ctx.magnitude!.name) ? ctx.magnitude : undefined;

  const { results, comparisons, params, lambdaMode, dc } = state;
  const views = useMemo(
    () => resultViews({ results, comparisons, params, lambdaMode, dc }, ctx, reference),
    [results, comparisons, params, lambdaMode, dc, ctx, reference],
  );
  // memoised on what it depends on, so a failed comparison is not retried at every render
  const pending = useMemo(() => comparisonsToCompute(views, reference, referenceOnGrid), [views, reference, referenceOnGrid]);
  // Metrics, difference maps and scatter densities for every result that lacks a current one, against the reference.
  useEffect(() => {
    const c = compute.current;
    if (!c || !reference?.volume) return;
    for (const v of pending) {
      const tag = `${v.id}:${reference.id}:${v.result.key}:${v.result.seconds}`;
      if (comparing.current.has(tag)) continue;
      comparing.current.add(tag);
      const { chi, mask } = v.result;
      const referenceId = reference.id;
      c.compare(chi, reference.volume, mask)
        .then((cmp) => dispatch({ type: 'comparison', id: v.id, comparison: { ...cmp, referenceId, chi } }))
        .catch((e) => report(`Metrics for ${v.label} failed: ${errorText(e)}`))
        .finally(() => comparing.current.delete(tag));
    }
  }, [pending, reference, report]);

  const cosmosFields = state.items.filter((i) => (i.role === 'field' || i.role === 'cosmos-field') && i.volume);
  const computeCosmos = useCallback(async () => {
    const c = compute.current;
    if (!c) return;
    try {
      const base = cosmosFields[0].volume!;
      const s = ctx.settings;
      const fields: Volume[] = [];
      const dirs: Vec3[] = [];
      for (const it of cosmosFields) {
        const v = it.volume!;
        if (v.dims.some((d, k) => d !== base.dims[k])) throw new Error(`${it.name} is ${v.dims.join('x')}, not ${base.dims.join('x')}: COSMOS needs all fields on one grid`);
        fields.push({ ...v, data: toPpm(v.data, s.units, { fieldStrength: s.fieldStrength, echoTime: s.echoTime }), voxelSize: [...s.voxelSize] });
        const b = it.role === 'field' ? s.b0Dir : it.headerB0Dir;
        if (!b) throw new Error(`${it.name}: no B0 direction in its header`);
        dirs.push(b);
      }
      const distinct = dirs.filter((d, k) => dirs.findIndex((e) => Math.abs(d[0] * e[0] + d[1] * e[1] + d[2] * e[2]) > 0.9999) === k);
      if (distinct.length < 2) throw new Error('all field maps have the same B0 direction in voxel axes: COSMOS needs different head orientations');
      dispatch({ type: 'cosmos-progress', text: 'starting' });
      const chi = await c.cosmos(fields, dirs, ctx.mask?.volume, (done, total, stage) => dispatch({ type: 'cosmos-progress', text: `${stage} ${done}/${total}` })).result;
      const item: LoadedItem = { id: newItemId(), name: `cosmos_${fields.length}orient_Chimap.nii.gz`, role: 'reference', origin: 'computed', volume: { ...base, data: chi.data }, warnings: [] };
      dispatch({ type: 'add-item', item, asReference: true });
    } catch (e) {
      report(`COSMOS: ${errorText(e)}`);
    } finally {
      dispatch({ type: 'cosmos-progress' });
    }
  }, [cosmosFields, ctx, report]);

  // Scanner phase -> local field: what the loaded files and the pipeline settings give, and the step itself.
  const fieldStrength = ctx.settings.fieldStrength;
  const phaseGathering = useMemo(() => gatherPhaseInput(state.items, state.pipeline, { fieldStrength }), [state.items, state.pipeline, fieldStrength]);
  const pipelineCurrentKey = pipelineKey(state.items, state.pipeline, fieldStrength);
  const pipelineJob = useRef<string | undefined>(undefined);
  const computeLocalField = useCallback(async () => {
    const c = compute.current;
    const g = phaseGathering.input;
    if (!c || !g) return;
    const { erodeMm, unwrap, offset, background } = latest.current.pipeline;
    dispatch({ type: 'pipeline-progress', progress: { done: 0, total: 1, stage: 'starting' } });
    try {
      const job = c.localField(
        { phases: g.phases, scaling: g.scaling, magnitudes: g.magnitudes, echoTimes: g.echoTimes, b0Tesla: g.b0Tesla, b0Dir: g.b0Dir, mask: g.mask, erodeMm, unwrap, offset, background },
        (done, total, stage) => dispatch({ type: 'pipeline-progress', progress: { done, total, stage } }),
      );
      pipelineJob.current = job.jobId;
      const outputs = await job.result;
      const base = derivativeBase(g.source.name);
      const made = (name: string, role: Role, volume: Volume): LoadedItem => ({
        id: newItemId(), name, role, origin: 'computed', volume, facts: g.source.facts, headerB0Dir: g.source.headerB0Dir, warnings: [], fromPipeline: true,
      });
      dispatch({
        type: 'pipeline-done', outputs, key: pipelineCurrentKey, sourceName: base,
        field: made(`${base}_desc-local_fieldmap.nii.gz`, 'field', outputs.localPpm),
        mask: made(`${base}_desc-local_mask.nii.gz`, 'mask', outputs.localMask),
      });
    } catch (e) {
      dispatch({ type: 'pipeline-progress' });
      if (!(e instanceof CancelledError)) report(`Local field from phase failed: ${errorText(e)}`);
    } finally {
      pipelineJob.current = undefined;
    }
  }, [phaseGathering, pipelineCurrentKey, report]);
  const cancelLocalField = useCallback(() => {
    if (pipelineJob.current) compute.current?.cancel(pipelineJob.current);
  }, []);

  const preferBackend = useCallback((b: BackendName | '') => {
    dispatch({ type: 'prefer-backend', backend: b });
    inference.current?.requestBackend(b || undefined);
  }, []);

  const runnableSelected = state.selected.filter(runnable);
  return {
    state, dispatch, ctx, availability, reference, referenceOnGrid, magnitude, gridMessages, views, cosmosFields,
    runnableSelected,
    anyStale: views.some((v) => v.stale),
    run: () => runMethods(runnableSelected, state.items, state.edits, state.datasetId),
    cancel, loadExample, addFiles, computeCosmos, preferBackend, report, setRole,
    phaseGathering, pipelineStale: !!state.pipelineOutputs && state.pipelineOutputs.key !== pipelineCurrentKey, computeLocalField, cancelLocalField,
  };
}
