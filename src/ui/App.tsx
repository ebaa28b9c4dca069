import { SLICE_TYPE } from '@niivue/niivue';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { DEFAULT_EXAMPLE } from '../core/phantomExample';
import { DEFAULT_TKD_THRESHOLD } from '../core/tkd';
import type { Vec3, Volume } from '../core/volume';
import { checkSameGrid } from '../io/checkSameGrid';
import { toPpm } from '../io/units';
import type { BackendName, MethodId, MethodParams } from '../worker/protocol';
import type { ExampleDataset, ExampleOptions } from '../worker/computeProtocol';
import type { AcqSettings } from './acquisitionState';
import { fixedLambda, lambdaFromCurve, methodSettingsKey, type LambdaMode, type LambdaRule, type UsedLambda } from './cfl2Lambda';
import { AcquisitionPanel } from './components/AcquisitionPanel';
import { DiagnosticsButton } from './components/DiagnosticsButton';
import { ExamplePanel } from './components/ExamplePanel';
import { FilePanel } from './components/FilePanel';
import { MethodsPanel, type RunState } from './components/MethodsPanel';
import { ResultsPanel, type MethodResult, type MethodComparison } from './components/ResultsPanel';
import { ComputeClient } from './computeClient';
import { DEFAULT_DC_SETTINGS, dcRequest, dcSettingsKey, type DcSettings } from './dcSettings';
import { CancelledError } from './workerRpc';
import { InferenceClient } from './inferenceClient';
import { allWithRole, newItemId, type LoadedItem } from './items';
import { loadFiles } from './loadFiles';
import { METHODS } from './methods';
import { dcResultId, isDcResult, isModel, methodOf, resultLabel, type ResultId } from './resultIds';
import { guessRoles, type Role } from './roles';
import { useModelAvailability } from './useModelAvailability';
import { buildContext, prepareInput } from './workbenchContext';

interface RunHandle {
  cancelled: boolean;
  runId?: string;
  /** the compute job (the cfl2 L-curve) the run is waiting on, if any */
  computeJobId?: string;
  cancel: () => void;
}

const VISITED_KEY = 'qsm-workbench-visited';
/** The paper's comparison: the adaptive U-Net with and without transfer learning and the conventional U-Net. */
const MODELS = METHODS.filter((m) => m.kind === 'model').map((m) => m.id);
const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

/**
 * A result is current while the input (acquisition, files) and its method's own settings are unchanged; a
 * data-consistency result also depends on the data-consistency settings.
 */
const resultKey = (inputKey: string, id: ResultId, params: MethodParams, mode: LambdaMode, dc: DcSettings) => {
  const own = `${inputKey}|${methodSettingsKey(methodOf(id), params, mode)}`;
  return isDcResult(id) ? `${own}|${dcSettingsKey(dc)}` : own;
};

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

/** Only one input field and one mask: giving a file either role moves the previous holder aside. */
function assignRole(items: LoadedItem[], id: string, role: Role): LoadedItem[] {
  return items.map((i) => {
    if (i.id === id) return { ...i, role };
    if (role === 'field' && i.role === 'field') return { ...i, role: 'cosmos-field' };
    if (role === 'mask' && i.role === 'mask') return { ...i, role: 'ignore' };
    return i;
  });
}

export function App() {
  const [items, setItems] = useState<LoadedItem[]>([]);
  const [edits, setEdits] = useState<Partial<AcqSettings>>({});
  const [selected, setSelected] = useState<MethodId[]>(['tkd', 'cfl2']);
  const [params, setParams] = useState<MethodParams>({ tkdThreshold: DEFAULT_TKD_THRESHOLD, overlap: 0.25 });
  const [lambdaMode, setLambdaMode] = useState<LambdaMode>('fixed');
  const [dc, setDc] = useState<DcSettings>(DEFAULT_DC_SETTINGS);
  const [backend, setBackend] = useState<{ name: string; note?: string }>({ name: 'starting…' });
  const [preferredBackend, setPreferredBackend] = useState<BackendName | ''>('');
  const [runs, setRuns] = useState<Partial<Record<MethodId, RunState>>>({});
  const [results, setResults] = useState<Partial<Record<ResultId, MethodResult>>>({});
  const [comparisons, setComparisons] = useState<Partial<Record<ResultId, MethodComparison>>>({});
  const [referenceId, setReferenceId] = useState<string>();
  const [errors, setErrors] = useState<string[]>([]);
  const [exampleProgress, setExampleProgress] = useState<{ done: number; total: number; stage: string }>();
  const [cosmosProgress, setCosmosProgress] = useState<string>();
  const [running, setRunning] = useState(false);
  const [loading, setLoading] = useState(false);
  const [sliceType, setSliceType] = useState<SLICE_TYPE>(SLICE_TYPE.AXIAL);
  const [chiWindow, setChiWindow] = useState<[number, number]>([-0.15, 0.25]);
  const availability = useModelAvailability();
  const availabilityKnown = Object.values(availability).every((a) => a?.state !== 'checking');
  const isRunnable = useCallback(
    (m: MethodId) => METHODS.find((x) => x.id === m)?.kind === 'classical' || availability[m]?.state === 'available',
    [availability],
  );
  // the networks are the product: each is selected by default once its weights are found
  const selectionTouched = useRef(false);
  useEffect(() => {
    if (selectionTouched.current) return;
    const found = MODELS.filter((m) => availability[m]?.state === 'available');
    setSelected((s) => [...found.filter((m) => !s.includes(m)), ...s]);
  }, [availability]);

  const compute = useRef<ComputeClient | undefined>(undefined);
  const inference = useRef<InferenceClient | undefined>(undefined);
  const currentRun = useRef<RunHandle | undefined>(undefined);
  const comparing = useRef(new Set<string>());

  const report = useCallback((msg: string) => setErrors((e) => [...e.filter((x) => x !== msg), msg]), []);

  useEffect(() => {
    const c = new ComputeClient();
    let inf: InferenceClient | undefined;
    try {
      inf = new InferenceClient();
      inf.onBackend = (name: BackendName, note?: string) => setBackend({ name, note });
      inf.requestBackend();
    } catch (e) {
      setBackend({ name: 'unavailable', note: errorText(e) });
    }
    compute.current = c;
    inference.current = inf;
    return () => {
      c.dispose();
      inf?.dispose();
    };
  }, []);

  const ctx = useMemo(() => buildContext(items, edits), [items, edits]);
  const reference = ctx.references.find((r) => r.id === referenceId) ?? ctx.references[0];

  const runMethods = useCallback(
    async (methods: MethodId[], runItems: LoadedItem[], runEdits: Partial<AcqSettings>) => {
      const inf = inference.current;
      if (!inf) return report('The inference worker is not available in this browser');
      const runCtx = buildContext(runItems, runEdits);
      let input;
      try {
        input = prepareInput(runCtx);
      } catch (e) {
        return report(errorText(e));
      }
      let onCancel = () => {};
      const cancelled = new Promise<never>((_, reject) => (onCancel = () => reject(new CancelledError())));
      cancelled.catch(() => {});
      const state: RunHandle = { cancelled: false, runId: undefined, cancel: () => onCancel() };
      currentRun.current = state;
      setRunning(true);
      setRuns(Object.fromEntries(methods.map((m) => [m, { status: 'queued', done: 0, total: 1, stage: '' }])));
      const setRun = (m: MethodId, r: Partial<RunState>) => setRuns((prev) => ({ ...prev, [m]: { ...prev[m]!, ...r } }));
      for (const m of methods) {
        if (state.cancelled) {
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
              const job = compute.current.lCurve(input.field, input.b0Dir, input.mask, onProgress);
              state.computeJobId = job.jobId;
              lambda = lambdaFromCurve(await Promise.race([job.result, cancelled]), lambdaMode);
              state.computeJobId = undefined;
            }
          }
          const runParams = lambda ? { ...params, cfl2Lambda: lambda.value } : params;
          const { runId, result } = inf.run(m, input.field, input.mask, input.b0Dir, runParams, onProgress);
          state.runId = runId;
          // a cancel answers at once in the UI; whatever the worker still sends for this run is dropped
          const r = await Promise.race([result, cancelled]);
          if (r.chi.data.length !== input.field.data.length) throw new Error(`returned ${r.chi.dims.join('x')}, expected ${input.field.dims.join('x')}`);
          const chi: Volume = { ...input.field, data: r.chi.data };
          const key = resultKey(runCtx.key, m, params, lambdaMode, dc);
          setResults((prev) => ({ ...prev, [m]: { chi, seconds: r.seconds, backend: r.backend, key, mask: input.metricsMask, lambda } }));
          // the models' tfjs backend is what the header shows; classical methods run in plain JS ('cpu')
          if (isModel(m)) setBackend((b) => (b.name === r.backend ? b : { name: r.backend, note: b.note }));
          if (isModel(m) && dc.enabled) {
            // the network's own result is already shown: a failing data-consistency step loses nothing of it
            try {
              const c = compute.current;
              if (!c) throw new Error('the compute worker is not available');
              setRun(m, { stage: 'data consistency', done: 0, total: 1 });
              const t0 = performance.now();
              const job = c.dataConsistency(input.field, chi, input.b0Dir, input.mask, dcRequest(dc), onProgress);
              state.computeJobId = job.jobId;
              const d = await Promise.race([job.result, cancelled]);
              state.computeJobId = undefined;
              const used: UsedLambda = { value: d.lambda, rule: d.rule, requested: d.fellBack ? (dc.mode as LambdaRule) : undefined, curve: d.curve };
              const id = dcResultId(m);
              const seconds = r.seconds + (performance.now() - t0) / 1000;
              const dcKey = resultKey(runCtx.key, id, params, lambdaMode, dc);
              setResults((prev) => ({ ...prev, [id]: { chi: { ...input.field, data: d.chi.data }, seconds, backend: `${r.backend} + cpu`, key: dcKey, mask: input.metricsMask, lambda: used } }));
            } catch (e) {
              if (e instanceof CancelledError) throw e;
              report(`${resultLabel(dcResultId(m))} failed: ${errorText(e)}`);
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
      setRunning(false);
    },
    [params, lambdaMode, dc, report],
  );

  const cancel = () => {
    const r = currentRun.current;
    if (!r) return;
    r.cancelled = true;
    if (r.runId) inference.current?.cancel(r.runId);
    if (r.computeJobId) compute.current?.cancel(r.computeJobId);
    r.cancel();
  };

  const loadExample = useCallback(
    async (o: ExampleOptions, methods: MethodId[] = selected) => {
      const c = compute.current;
      if (!c) return;
      setLoading(true);
      setExampleProgress({ done: 0, total: 1, stage: 'starting' });
      try {
        const dataset = await c.example(o, (done, total, stage) => setExampleProgress({ done, total, stage })).result;
        const next = exampleItems(dataset);
        setItems(next);
        setEdits({});
        setResults({});
        setComparisons({});
        setRuns({});
        setReferenceId(next.find((i) => i.role === 'reference')?.id);
        setExampleProgress(undefined);
        setLoading(false);
        await runMethods(methods.filter(isRunnable), next, {});
      } catch (e) {
        setExampleProgress(undefined);
        setLoading(false);
        if (!(e instanceof CancelledError)) report(`Example failed: ${errorText(e)}`);
      }
    },
    [runMethods, selected, report, isRunnable],
  );

  // A first visit sees a reconstruction without own data (skipped with ?autoload=0, e.g. by tests).
  const autoloaded = useRef(false);
  useEffect(() => {
    if (autoloaded.current || !availabilityKnown) return;
    autoloaded.current = true;
    const params = new URLSearchParams(window.location.search);
    const skip = params.get('autoload') === '0';
    if (!skip && firstVisit()) {
      // wait a tick so the workers exist
      const methods: MethodId[] = [...MODELS.filter((m) => availability[m]?.state === 'available'), 'tkd', 'cfl2'];
      setTimeout(() => loadExample(DEFAULT_EXAMPLE, methods), 0);
    }
  }, [loadExample, availabilityKnown, availability]);

  const onFiles = async (files: File[]) => {
    setLoading(true);
    // within a batch the first field is the input and later ones are COSMOS orientations; a new input field
    // replaces the example dataset, while a lone mask or sidecar is added to whatever is loaded
    const roles = guessRoles(files.map((f) => f.name), false);
    const c = compute.current;
    if (!c) return setLoading(false);
    const { items: loaded, errors: errs } = await loadFiles(files, roles, (name, bytes) => c.readNifti(name, bytes));
    errs.forEach(report);
    const replacingExample = items.some((i) => i.origin === 'example') && loaded.some((i) => i.role === 'field');
    const kept = replacingExample ? [] : items;
    if (loaded.length) {
      if (replacingExample) {
        setResults({});
        setComparisons({});
        setRuns({});
        setEdits({});
      }
      // a newly loaded field or mask takes the role from the previous holder
      let next = [...kept];
      for (const it of loaded) {
        next = [...next, { ...it, role: 'ignore' as Role }];
        next = assignRole(next, it.id, it.role);
      }
      setItems(next);
      if (loaded.some((i) => i.role === 'reference')) setReferenceId(loaded.find((i) => i.role === 'reference')!.id);
    }
    setLoading(false);
  };

  // Grid checks: everything combined voxel by voxel with the field must be on its grid.
  const gridMessages = useMemo(() => {
    const out: { ok: boolean; name: string; text: string }[] = [];
    const f = ctx.field;
    if (!f?.volume) return out;
    for (const it of items) {
      if (it === f || !it.volume || it.role === 'ignore') continue;
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
  }, [items, ctx.field]);
  const referenceOnGrid = !!reference && !gridMessages.some((m) => !m.ok && m.name === reference.name);
  // a magnitude off the field's grid stays out of the viewers (the grid check names it): the readout is per voxel
  const magnitude = ctx.magnitude && !gridMessages.some((m) => !m.ok && m.name === ctx.magnitude!.name) ? ctx.magnitude : undefined;

  // Metrics, difference maps and scatter densities for each result against the chosen reference.
  useEffect(() => {
    const c = compute.current;
    if (!c || !reference?.volume || !referenceOnGrid) return;
    for (const [m, r] of Object.entries(results) as [ResultId, MethodResult][]) {
      const have = comparisons[m];
      if (have && have.referenceId === reference.id && have.chi === r.chi) continue;
      const tag = `${m}:${reference.id}:${r.key}:${r.seconds}`;
      if (comparing.current.has(tag)) continue;
      comparing.current.add(tag);
      const refVol = reference.volume;
      const refId = reference.id;
      c.compare(r.chi, refVol, r.mask)
        .then((cmp) => setComparisons((prev) => ({ ...prev, [m]: { ...cmp, referenceId: refId, chi: r.chi } })))
        .catch((e) => report(`Metrics for ${m} failed: ${errorText(e)}`))
        .finally(() => comparing.current.delete(tag));
    }
  }, [results, reference, referenceOnGrid, comparisons, report]);

  const cosmosFields = items.filter((i) => (i.role === 'field' || i.role === 'cosmos-field') && i.volume);
  const computeCosmos = async () => {
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
      setCosmosProgress('starting');
      const chi = await c.cosmos(fields, dirs, ctx.mask?.volume, (done, total, stage) => setCosmosProgress(`${stage} ${done}/${total}`)).result;
      const item: LoadedItem = { id: newItemId(), name: `cosmos_${fields.length}orient_Chimap.nii.gz`, role: 'reference', origin: 'computed', volume: { ...base, data: chi.data }, warnings: [] };
      setItems((prev) => [...prev, item]);
      setReferenceId(item.id);
    } catch (e) {
      report(`COSMOS: ${errorText(e)}`);
    } finally {
      setCosmosProgress(undefined);
    }
  };

  const editedKeys = Object.keys(edits) as (keyof AcqSettings)[];
  const runnable = selected.filter(isRunnable);
  const isStale = (id: ResultId) => results[id]?.key !== resultKey(ctx.key, id, params, lambdaMode, dc);
  const anyStale = (Object.keys(results) as ResultId[]).some(isStale);

  return (
    <div className="app">
      <header className="topbar">
        <h1>QSM Workbench</h1>
        <p className="tagline">Dipole inversion for quantitative susceptibility mapping, on your own GPU. Nothing leaves this computer.</p>
        <p className="topbar-backend" title={backend.note}>
          backend <strong data-testid="backend">{backend.name}</strong>
        </p>
        <DiagnosticsButton backend={backend.name} backendNote={backend.note} />
      </header>
      {errors.length > 0 && (
        <div className="errors" role="alert" data-testid="error">
          <ul>
            {errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
          <button type="button" className="icon" aria-label="Dismiss messages" onClick={() => setErrors([])}>×</button>
        </div>
      )}
      <div className="layout">
        <aside className="sidebar">
          <ExamplePanel busy={loading || running} progress={exampleProgress} onLoad={loadExample} />
          <FilePanel
            items={items}
            gridMessages={gridMessages}
            busy={loading}
            onFiles={onFiles}
            onRole={(id, role) => setItems((prev) => assignRole(prev, id, role))}
            onRemove={(id) => setItems((prev) => prev.filter((i) => i.id !== id))}
          />
          {cosmosFields.length >= 2 && (
            <section className="panel" aria-labelledby="cosmos-heading">
              <h2 id="cosmos-heading">COSMOS</h2>
              <p className="muted small">
                {cosmosFields.length} field maps; B0 directions from each header{cosmosFields.length < 3 ? ' (3 or more orientations are better conditioned)' : ''}.
              </p>
              <button type="button" data-testid="cosmos-button" onClick={computeCosmos} disabled={!!cosmosProgress}>
                Compute COSMOS reference
              </button>
              {cosmosProgress && <p className="small">{cosmosProgress}</p>}
            </section>
          )}
          <AcquisitionPanel
            settings={ctx.settings}
            notes={ctx.derived.notes}
            edited={editedKeys}
            onEdit={(patch) => setEdits((e) => ({ ...e, ...patch }))}
            onReset={() => setEdits({})}
          />
          <MethodsPanel
            selected={selected}
            availability={availability}
            params={params}
            lambdaMode={lambdaMode}
            onLambdaMode={setLambdaMode}
            dc={dc}
            onDc={setDc}
            backend={backend.name}
            backendNote={backend.note}
            preferredBackend={preferredBackend}
            onPreferredBackend={(b) => {
              setPreferredBackend(b);
              setBackend((x) => ({ ...x, name: 'switching…' }));
              inference.current?.requestBackend(b || undefined);
            }}
            runs={runs}
            running={running}
            canRun={!!ctx.field && runnable.length > 0 && !loading}
            whyNot={!ctx.field ? 'Load a field map or the example first.' : runnable.length === 0 ? 'Select at least one available method.' : undefined}
            onToggle={(id, on) => {
              selectionTouched.current = true;
              setSelected((s) => (on ? [...s.filter((x) => x !== id), id] : s.filter((x) => x !== id)));
            }}
            onParams={setParams}
            onRun={() => runMethods(runnable, items, edits)}
            onCancel={cancel}
          />
        </aside>
        <main className="main">
          <ResultsPanel
            field={ctx.field}
            magnitude={magnitude}
            settings={ctx.settings}
            isStale={isStale}
            reference={reference}
            referenceOnGrid={referenceOnGrid}
            references={allWithRole(items, 'reference')}
            onReference={setReferenceId}
            results={results}
            comparisons={comparisons}
            anyStale={anyStale}
            sliceType={sliceType}
            onSliceType={setSliceType}
            chiWindow={chiWindow}
            onChiWindow={setChiWindow}
            onError={report}
          />
        </main>
      </div>
    </div>
  );
}
