/** Viewers, metrics, scatter plots and downloads for the current results. */
import { SLICE_TYPE } from '@niivue/niivue';
import { useMemo } from 'react';
import type { FieldOutputs } from '../../worker/computeProtocol';
import type { AcqSettings } from '../acquisitionState';
import { lambdaDescription, lambdaText, type UsedLambda } from '../cfl2Lambda';
import { differenceFileName, resultFileName, saveBlob, saveNifti } from '../download';
import type { LoadedItem } from '../items';
import { dcDescription, dcLambdaText } from '../dcSettings';
import { isDcResult, resultLabel, type ResultId } from '../resultIds';
import type { ResultView } from '../state/selectors';
import { metricsCsv, type MetricsRow } from '../metricsCsv';
import { baseName } from '../roles';
import { fieldInPpm, magnitudeWindow, symmetricWindow } from '../workbenchContext';
import { LCurvePlot } from './LCurvePlot';
import { MetricsTable } from './MetricsTable';
import { ScatterPlot } from './ScatterPlot';
import { ViewerGrid, type PanelSpec } from './ViewerGrid';



interface Props {
  field?: LoadedItem;
  /** a magnitude image on the field's grid, shown beside the input for anatomy */
  magnitude?: LoadedItem;
  settings: AcqSettings;
  reference?: LoadedItem;
  /** false when the reference is not on the field's grid (then there are no metrics) */
  referenceOnGrid: boolean;
  references: LoadedItem[];
  onReference: (id: string) => void;
  /** every finished result, in display order, with its staleness and its comparison against the reference */
  views: ResultView[];
  /** the phase pipeline's intermediates, shown beside the local field they led to */
  pipeline?: FieldOutputs;
  anyStale: boolean;
  sliceType: SLICE_TYPE;
  onSliceType: (s: SLICE_TYPE) => void;
  chiWindow: [number, number];
  onChiWindow: (w: [number, number]) => void;
  onError: (msg: string) => void;
}

const VIEWS: [SLICE_TYPE, string][] = [
  [SLICE_TYPE.AXIAL, 'Axial'],
  [SLICE_TYPE.CORONAL, 'Coronal'],
  [SLICE_TYPE.SAGITTAL, 'Sagittal'],
  [SLICE_TYPE.MULTIPLANAR, 'Multiplanar'],
];

export function ResultsPanel(p: Props) {
  // every view below draws from this one list: a finished result is in all of them or in none
  const views = p.views;
  const viewOf = (id: ResultId) => views.find((v) => v.id === id);

  // the input field as the methods see it (ppm); falls back to the raw data when the units cannot be converted
  const fieldPpm = useMemo(() => {
    if (!p.field?.volume) return undefined;
    try {
      return fieldInPpm(p.field.volume, p.settings);
    } catch {
      return p.field.volume;
    }
  }, [p.field, p.settings]);
  const fieldWindow = useMemo(() => (fieldPpm ? symmetricWindow(fieldPpm) : ([-0.05, 0.05] as [number, number])), [fieldPpm]);
  const half = (p.chiWindow[1] - p.chiWindow[0]) / 4;
  const magVolume = p.magnitude?.volume;
  const magWindow = useMemo(() => (magVolume ? magnitudeWindow(magVolume) : undefined), [magVolume]);
  const pipelineWindows = useMemo(
    () => (p.pipeline ? { unwrapped: symmetricWindow(p.pipeline.unwrapped, Math.PI), total: symmetricWindow(p.pipeline.totalPpm) } : undefined),
    [p.pipeline],
  );

  if (!p.field?.volume) {
    return (
      <section className="empty-state">
        <h2>No data yet</h2>
        <p>Load the example (left), or drop your own local field map, or scanner phase and magnitude (any number of echoes) with their sidecars.</p>
      </section>
    );
  }

  const top: PanelSpec[] = [];
  if (fieldPpm) top.push({ id: 'input', title: `Input field: ${p.field.name}`, volume: fieldPpm, kind: 'field' });
  if (pipelineWindows && p.pipeline) {
    const { unwrapped, totalPpm, brainMask } = p.pipeline;
    top.push({ id: 'pipeline-unwrapped', title: 'Unwrapped phase, echo 1 (rad)', volume: unwrapped, kind: 'field', window: pipelineWindows.unwrapped });
    top.push({ id: 'pipeline-total', title: 'Total field (ppm)', volume: totalPpm, kind: 'field', window: pipelineWindows.total });
    top.push({ id: 'pipeline-mask', title: 'Brain mask', volume: brainMask, kind: 'magnitude', window: [0, 1] });
    if (p.pipeline.tfiChi) top.push({ id: 'pipeline-tfi-chi', title: 'TFI χ, brain and surroundings (ppm)', volume: p.pipeline.tfiChi, kind: 'chi' });
  }
  if (magVolume) top.push({ id: 'magnitude', title: `Magnitude: ${p.magnitude!.name}`, volume: magVolume, kind: 'magnitude', window: magWindow });
  if (p.reference?.volume) top.push({ id: `ref-${p.reference.id}`, title: `Reference: ${p.reference.name}`, volume: p.reference.volume, kind: 'chi' });
  for (const { id, label, result: r, stale } of views) {
    // the lambda in full (rule, units) is in the section below the viewers; the title has room for the value
    const title = r.lambda ? `${label}, λ = ${r.lambda.value}` : label;
    top.push({ id: `chi-${id}`, title, volume: r.chi, kind: 'chi', stale });
  }
  const bottom: PanelSpec[] = views.flatMap(({ id, label, comparison: c, stale }) =>
    c ? [{ id: `diff-${id}`, title: `${label} − reference`, volume: c.difference, kind: 'diff' as const, stale }] : []);
  const rows: MetricsRow[] = views.flatMap(({ id, result: r, comparison: c, stale }) =>
    c ? [{ method: id, metrics: c.metrics, seconds: r.seconds, backend: r.backend, stale }] : []);
  const cfl2View = viewOf('cfl2');
  const cfl2Lambda: UsedLambda | undefined = cfl2View?.result.lambda;
  const inputBase = baseName(p.field.name);
  const refBase = p.reference ? baseName(p.reference.name) : 'reference';
  const geometry = p.field.volume;
  const sform = p.field.facts?.sformCode;

  const dcLambdas = views.flatMap((v) => (isDcResult(v.id) && v.result.lambda ? [{ ...v, lambda: v.result.lambda }] : []));

  const download = (id: ResultId, what: 'chi' | 'diff') => {
    try {
      if (what === 'chi') {
        // cfl2 records its lambda as the CLI does; it comes before the input's name, which may be cut at 79 characters
        const r = viewOf(id)!.result;
        const how = !r.lambda ? '' : isDcResult(id) ? ` ${dcDescription(r.lambda)}` : ` ${lambdaDescription(r.lambda)}`;
        saveNifti(r.chi.data, geometry, resultFileName(inputBase, id), `QSM chi (ppm) by ${id}${how} from ${inputBase}`, sform);
      } else {
        const c = viewOf(id)!.comparison!;
        saveNifti(c.difference.data, geometry, differenceFileName(inputBase, id, refBase), `${id} minus ${refBase} (ppm)`, sform);
      }
    } catch (e) {
      p.onError(`Download failed: ${(e as Error).message}`);
    }
  };

  return (
    <div className="results">
      <div className="toolbar" role="toolbar" aria-label="View settings">
        <div className="segmented" role="radiogroup" aria-label="View">
          {VIEWS.map(([t, label]) => (
            <button key={label} type="button" role="radio" aria-checked={p.sliceType === t} className={p.sliceType === t ? 'on' : ''}
              data-testid={`view-${label.toLowerCase()}`} onClick={() => p.onSliceType(t)}>
              {label}
            </button>
          ))}
        </div>
        <label className="inline">
          χ window (ppm)
          <input type="number" step={0.01} value={p.chiWindow[0]} aria-label="Susceptibility window minimum (ppm)" data-testid="window-min"
            onChange={(e) => Number.isFinite(+e.target.value) && +e.target.value < p.chiWindow[1] && p.onChiWindow([+e.target.value, p.chiWindow[1]])} />
          <span aria-hidden="true">…</span>
          <input type="number" step={0.01} value={p.chiWindow[1]} aria-label="Susceptibility window maximum (ppm)" data-testid="window-max"
            onChange={(e) => Number.isFinite(+e.target.value) && +e.target.value > p.chiWindow[0] && p.onChiWindow([p.chiWindow[0], +e.target.value])} />
        </label>
        <span className="muted small">difference ±{half.toFixed(2)} · field ±{fieldWindow[1].toFixed(3)} ppm</span>
        {p.references.length > 1 && (
          <label className="inline">
            reference
            <select value={p.reference?.id} onChange={(e) => p.onReference(e.target.value)} data-testid="reference-select">
              {p.references.map((r) => (
                <option key={r.id} value={r.id}>{r.name}</option>
              ))}
            </select>
          </label>
        )}
      </div>
      {p.anyStale && (
        <p className="stale-notice" data-testid="stale-notice" role="status">
          The acquisition or method settings changed after some results were computed: those are marked <strong>stale</strong>. Run again to update them.
        </p>
      )}
      <ViewerGrid top={top} bottom={bottom} chiWindow={p.chiWindow} fieldWindow={fieldWindow} diffWindow={[-half, half]} sliceType={p.sliceType} />

      {cfl2Lambda && (
        <section className="panel wide" aria-labelledby="lambda-heading">
          <h2 id="lambda-heading">Closed-form L2 lambda</h2>
          <p className="lambda-used" data-testid="cfl2-lambda-used" data-value={cfl2Lambda.value}>
            {lambdaText(cfl2Lambda)}
            {cfl2View?.stale && <span className="stale-badge" title="Computed with other acquisition or method settings: run again"> stale</span>}
          </p>
          {cfl2Lambda.curve && <LCurvePlot used={{ ...cfl2Lambda, curve: cfl2Lambda.curve }} />}
        </section>
      )}

      {dcLambdas.length > 0 && (
        <section className="panel wide" aria-labelledby="dc-heading">
          <h2 id="dc-heading">Data consistency</h2>
          <ul className="dc-lambdas">
            {dcLambdas.map(({ id, label, lambda, stale }) => (
              <li key={id} data-testid={`dc-lambda-used-${id}`} data-value={lambda.value}>
                {label}: {dcLambdaText(lambda)}
                {stale && <span className="stale-badge" title="Computed with other settings: run again"> stale</span>}
              </li>
            ))}
          </ul>
        </section>
      )}

      {views.length > 0 && (
        <section className="panel wide" aria-labelledby="metrics-heading">
          <h2 id="metrics-heading">Metrics</h2>
          {rows.length > 0 ? (
            <MetricsTable rows={rows} labelOf={resultLabel} referenceName={p.reference?.name ?? 'reference'} />
          ) : (
            <p className="muted">
              {!p.reference
                ? 'Load or compute a reference (COSMOS or ground truth) to see metrics.'
                : !p.referenceOnGrid
                  ? `${p.reference.name} is not on the field map's grid (see Data): no metrics.`
                  : 'Computing metrics…'}
            </p>
          )}
          {rows.length > 0 && p.reference && p.referenceOnGrid && views.some((v) => !v.comparison) && (
            // a result without its row yet is named, so a slow or failed comparison never looks like a missing method
            <p className="muted small" data-testid="metrics-pending">
              Not compared yet: {views.filter((v) => !v.comparison).map((v) => v.label).join(', ')} (computing, or see the messages above).
            </p>
          )}
          <div className="scatters">
            {views.map(({ id, label, comparison: c }) =>
              c ? <ScatterPlot key={id} id={id} title={label} scatter={c.scatter} metrics={c.metrics} referenceName={p.reference!.name} /> : null)}
          </div>
        </section>
      )}

      {views.length > 0 && (
        <section className="panel wide" aria-labelledby="export-heading">
          <h2 id="export-heading">Export</h2>
          <ul className="exports">
            {views.map(({ id, label, comparison }) => (
              <li key={id}>
                <span className="method-name">{label}</span>
                <button type="button" data-testid={`download-${id}`} onClick={() => download(id, 'chi')}>χ map (.nii.gz)</button>
                <button type="button" data-testid={`download-diff-${id}`} disabled={!comparison} onClick={() => download(id, 'diff')}>difference (.nii.gz)</button>
              </li>
            ))}
          </ul>
          <button type="button" data-testid="download-metrics" disabled={rows.length === 0}
            onClick={() => saveBlob(metricsCsv(rows, p.field!.name, p.reference?.name ?? ''), `${inputBase}_metrics.csv`, 'text/csv')}>
            Metrics (.csv)
          </button>
        </section>
      )}
    </div>
  );
}
