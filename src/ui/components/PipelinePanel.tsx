/**
 * From scanner phase to local field: the echoes found (files, echo times and where they came from), the field
 * strength and phase scaling, each step's choice (brain mask, unwrapping, background removal), the run with progress
 * and cancel, and every intermediate for download. The computed local field and mask become the input of every
 * inversion method and COSMOS.
 */
import { describeOffsetDeparture } from '../../core/phase/phaseOffset';
import type { FieldOutputs } from '../../worker/computeProtocol';
import { saveNifti } from '../download';
import type { PhaseGathering, PipelineSettings, ScalingChoice } from '../phaseInputs';
import type { StepProgress } from '../state/workbenchState';

interface Props {
  gathering: PhaseGathering;
  settings: PipelineSettings;
  onSettings: (s: PipelineSettings) => void;
  /** whether a brain mask file of the user's is loaded */
  haveMask: boolean;
  progress?: StepProgress;
  outputs?: { outputs: FieldOutputs; sourceName: string };
  stale: boolean;
  sformCode?: number;
  onRun: () => void;
  onCancel: () => void;
  onError: (msg: string) => void;
}

const SCALINGS: { value: ScalingChoice; label: string }[] = [
  { value: 'auto', label: 'detected' },
  { value: 'radians', label: 'radians' },
  { value: '0..4095', label: 'integers 0..4095' },
  { value: '-4096..4095', label: 'integers −4096..4095' },
];

const DOWNLOADS: { key: 'unwrapped' | 'totalPpm' | 'brainMask' | 'localPpm' | 'localMask' | 'tfiChi'; suffix: string; label: string; what: string; mask?: boolean }[] = [
  { key: 'unwrapped', suffix: 'desc-unwrapped_echo-1_phase', label: 'unwrapped phase, echo 1 (rad)', what: 'unwrapped phase of echo 1 (rad)' },
  { key: 'totalPpm', suffix: 'desc-total_fieldmap', label: 'total field (ppm)', what: 'total field (ppm)' },
  { key: 'brainMask', suffix: 'desc-brain_mask', label: 'brain mask', what: 'brain mask', mask: true },
  { key: 'localPpm', suffix: 'desc-local_fieldmap', label: 'local field (ppm)', what: 'local field (ppm)' },
  { key: 'localMask', suffix: 'desc-local_mask', label: 'local-field mask', what: 'local-field mask', mask: true },
  { key: 'tfiChi', suffix: 'desc-TFI_Chimap', label: 'TFI χ (ppm)', what: 'TFI susceptibility (ppm)' },
];

export function PipelinePanel(p: Props) {
  const s = p.settings;
  const set = (patch: Partial<PipelineSettings>) => p.onSettings({ ...s, ...patch });
  const g = p.gathering;
  const busy = !!p.progress;
  const offsetNote = describeOffsetDeparture(p.outputs?.outputs.offsetDeparture);
  const download = (d: (typeof DOWNLOADS)[number]) => {
    try {
      const vol = p.outputs!.outputs[d.key];
      if (!vol) throw new Error(`no ${d.what} in this run`);
      saveNifti(vol.data, vol, `${p.outputs!.sourceName}_${d.suffix}.nii.gz`, `qsm field: ${d.what}`, p.sformCode, d.mask ? 'uint8' : undefined);
    } catch (e) {
      p.onError(`Download failed: ${(e as Error).message}`);
    }
  };
  return (
    <section className="panel" aria-labelledby="pipeline-heading" data-testid="pipeline-panel">
      <h2 id="pipeline-heading">Phase → local field</h2>
      {g.rows.length > 0 && (
        <table className="echo-table" data-testid="echo-table">
          <thead>
            <tr><th>echo</th><th>phase</th><th>TE (ms)</th></tr>
          </thead>
          <tbody>
            {g.rows.map((r) => (
              <tr key={r.echo} data-testid={`echo-row-${r.echo}`}>
                <td>{r.echo}</td>
                <td title={`${r.phase}${r.magnitude ? ` · ${r.magnitude}` : ''}`}>{r.phase}</td>
                <td className={r.te === undefined ? 'warning' : undefined}>{r.te === undefined ? 'missing' : `${(r.te * 1000).toFixed(2)} (${r.teFrom})`}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="small">B0 <strong data-testid="pipeline-b0">{g.b0Text}</strong> · phase <span data-testid="pipeline-scaling">{g.scalingText}</span></p>
      <div className="triple">
        <label className="num">
          <span>phase values</span>
          <select value={s.scaling} data-testid="pipeline-scaling-select" disabled={busy} onChange={(e) => set({ scaling: e.target.value as ScalingChoice })}>
            {SCALINGS.map((o) => <option key={o.value} value={o.value}>{o.label}</option>)}
          </select>
        </label>
        <label className="num">
          <span>echo times (ms)</span>
          <input type="text" value={s.echoTimesMs} placeholder="from sidecars" data-testid="pipeline-te" disabled={busy}
            onChange={(e) => set({ echoTimesMs: e.target.value })} />
        </label>
      </div>
      <div className="triple">
        <label className="num">
          <span>brain mask</span>
          <select value={p.haveMask && s.useLoadedMask ? 'loaded' : 'auto'} data-testid="pipeline-mask" disabled={busy || !p.haveMask}
            onChange={(e) => set({ useLoadedMask: e.target.value === 'loaded' })}>
            <option value="auto">from magnitude</option>
            {p.haveMask && <option value="loaded">loaded mask</option>}
          </select>
        </label>
        <label className="num">
          <span>erode (mm)</span>
          <input type="number" min={0} max={20} step={0.5} value={s.erodeMm} data-testid="pipeline-erode" disabled={busy || (p.haveMask && s.useLoadedMask)}
            onChange={(e) => set({ erodeMm: Math.max(0, Number(e.target.value) || 0) })} />
        </label>
      </div>
      <div className="triple">
        <label className="num">
          <span>unwrapping</span>
          <select value={s.unwrap} data-testid="pipeline-unwrap" disabled={busy} onChange={(e) => set({ unwrap: e.target.value as PipelineSettings['unwrap'] })}>
            <option value="romeo">region growing (ROMEO-style, exact)</option>
            <option value="laplacian">Laplacian (fast)</option>
          </select>
        </label>
        <label className="num" title="With two or more echoes: the phase at TE = 0 smoothed in space and the field fitted through it (MCPC-3D-S-like, less noise), or an intercept fitted in every voxel">
          <span>phase offset</span>
          <select value={s.offset} data-testid="pipeline-offset" disabled={busy} onChange={(e) => set({ offset: e.target.value as PipelineSettings['offset'] })}>
            <option value="smooth">smoothed (5 mm)</option>
            <option value="fit">fitted per voxel</option>
          </select>
        </label>
        <label className="num">
          <span>background removal</span>
          <select value={s.background} data-testid="pipeline-bg" disabled={busy} onChange={(e) => set({ background: e.target.value as PipelineSettings['background'] })}>
            <option value="tfi">TFI (total-field inversion)</option>
            <option value="pdf">PDF (7-10x faster, loses more of the brain's own field)</option>
            <option value="vsharp">V-SHARP</option>
          </select>
        </label>
      </div>
      {g.problems.length > 0 && (
        <ul className="problems" data-testid="pipeline-problems">
          {g.problems.map((m) => <li key={m} className="warning small">{m}</li>)}
        </ul>
      )}
      <div className="run-row">
        <button type="button" className="primary" data-testid="pipeline-run" disabled={!g.input || busy} onClick={p.onRun}>Compute local field</button>
        <button type="button" data-testid="pipeline-cancel" disabled={!busy} onClick={p.onCancel}>Cancel</button>
      </div>
      {p.progress && (
        <div className="progress-line">
          <progress aria-label="Local field progress" max={Math.max(p.progress.total, 1)} value={p.progress.done} data-testid="progress-pipeline" />
          <span className="small">{p.progress.stage}</span>
        </div>
      )}
      {p.outputs && (
        <div data-testid="pipeline-outputs">
          <p className="small">
            The local field and its mask are now the input.{p.stale && <span className="stale-badge" data-testid="pipeline-stale"> stale: the files or settings changed</span>}
          </p>
          {p.outputs.outputs.tfiToPdf !== undefined && (
            <p className={p.outputs.outputs.tfiFellBack ? 'warning small' : 'small'} data-testid="pipeline-tfi-note">
              {p.outputs.outputs.tfiFellBack
                ? `TFI's local field came out ${p.outputs.outputs.tfiToPdf.toFixed(1)}× PDF's (its solve went wrong): the local field is PDF's.`
                : `TFI's local field is ${p.outputs.outputs.tfiToPdf.toFixed(2)}× PDF's (PDF loses part of the brain's own field).`}
            </p>
          )}
          {offsetNote && <p className={offsetNote.warn ? 'warning small' : 'small'} data-testid="pipeline-offset-note">Phase offset: {offsetNote.text}.</p>}
          <ul className="exports">
            {DOWNLOADS.filter((d) => p.outputs!.outputs[d.key]).map((d) => (
              <li key={d.key}>
                <button type="button" data-testid={`pipeline-download-${d.key}`} onClick={() => download(d)}>{d.label}</button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
