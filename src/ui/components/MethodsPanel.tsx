/** Method choice, their parameters, the backend in use, and the run / cancel controls with progress per method. */
import { DEFAULT_CFL2_LAMBDA } from '../../core/closedFormL2';
import { NDI_DEFAULTS } from '../../core/ndi';
import { TV_DEFAULTS } from '../../core/tv';
import type { BackendName, MethodId, MethodParams } from '../../worker/protocol';
import { LAMBDA_MODES, type LambdaMode } from '../cfl2Lambda';
import { dcFormOf, defaultDcLambda, type DcForm, type DcSettings } from '../dcSettings';
import { METHODS, type ModelAvailability } from '../methods';

export interface RunState {
  status: 'queued' | 'running' | 'done' | 'error' | 'cancelled';
  done: number;
  total: number;
  stage: string;
}

interface Props {
  selected: MethodId[];
  availability: Partial<Record<MethodId, ModelAvailability>>;
  params: MethodParams;
  /** how the closed-form L2 lambda is set: the fixed value in params, or an L-curve rule */
  lambdaMode: LambdaMode;
  onLambdaMode: (m: LambdaMode) => void;
  /** whether and how each network's output is also made consistent with the field */
  dc: DcSettings;
  onDc: (s: DcSettings) => void;
  backend: string;
  backendNote?: string;
  preferredBackend: BackendName | '';
  onPreferredBackend: (b: BackendName | '') => void;
  runs: Partial<Record<MethodId, RunState>>;
  running: boolean;
  canRun: boolean;
  whyNot?: string;
  onToggle: (id: MethodId, on: boolean) => void;
  onParams: (p: MethodParams) => void;
  onRun: () => void;
  onCancel: () => void;
}

const STATUS_TEXT: Record<RunState['status'], string> = { queued: 'queued', running: 'running', done: 'done', error: 'failed', cancelled: 'cancelled' };

export function MethodsPanel(p: Props) {
  const num = (s: string) => (s === '' ? undefined : Number(s));
  return (
    <section className="panel" aria-labelledby="methods-heading">
      <h2 id="methods-heading">Methods</h2>
      <div className="backend-line">
        <span>
          Backend: <strong>{p.backend}</strong>
        </span>
        <label className="inline">
          prefer
          <select value={p.preferredBackend} data-testid="backend-select" disabled={p.running}
            onChange={(e) => p.onPreferredBackend(e.target.value as BackendName | '')}>
            <option value="">automatic</option>
            {(['webgpu', 'webgl', 'wasm'] as const).map((b) => (
              <option key={b} value={b}>{b}</option>
            ))}
          </select>
        </label>
        {p.backendNote && <div className="muted small">{p.backendNote}</div>}
      </div>
      <ul className="method-list">
        {METHODS.map((m) => {
          const avail = m.kind === 'model' ? p.availability[m.id] : { state: 'available' as const };
          const unavailable = avail?.state === 'unavailable';
          const run = p.runs[m.id];
          return (
            <li key={m.id} className={unavailable ? 'unavailable' : undefined}>
              <label className="check">
                <input
                  type="checkbox"
                  data-testid={`method-${m.id}`}
                  checked={p.selected.includes(m.id)}
                  disabled={unavailable || p.running}
                  onChange={(e) => p.onToggle(m.id, e.target.checked)}
                />
                <span className="method-name">{m.label}</span>
              </label>
              <div className="muted small" data-testid={`method-info-${m.id}`}>
                {avail?.state === 'checking' ? 'checking for model…' : unavailable ? avail.reason : (avail?.state === 'available' && avail.summary) || m.description}
                {m.kind === 'model' && avail?.state === 'available' && (
                  <>
                    {' · '}
                    <a href={`${import.meta.env.BASE_URL}models/${m.id}/card.md`} target="_blank" rel="noreferrer">model card</a>
                  </>
                )}
              </div>
              {m.id === 'tkd' && (
                <label className="inline">
                  threshold
                  <input type="number" step={0.01} min={0.01} max={1} value={p.params.tkdThreshold ?? ''} data-testid="tkd-threshold"
                    onChange={(e) => p.onParams({ ...p.params, tkdThreshold: num(e.target.value) })} />
                </label>
              )}
              {m.id === 'cfl2' && (
                <div className="inline">
                  <label className="inline">
                    λ
                    <select value={p.lambdaMode} data-testid="cfl2-lambda-mode" disabled={p.running}
                      onChange={(e) => p.onLambdaMode(e.target.value as LambdaMode)}>
                      {LAMBDA_MODES.map((o) => (
                        <option key={o.mode} value={o.mode}>{o.label}</option>
                      ))}
                    </select>
                  </label>
                  {p.lambdaMode === 'fixed' ? (
                    <input type="number" step={0.01} min={0} placeholder={`${DEFAULT_CFL2_LAMBDA} (default)`} value={p.params.cfl2Lambda ?? ''} data-testid="cfl2-lambda"
                      aria-label="closed-form L2 lambda (mm²)" onChange={(e) => p.onParams({ ...p.params, cfl2Lambda: num(e.target.value) })} />
                  ) : (
                    <span className="muted small">chosen per field when run</span>
                  )}
                </div>
              )}
              {m.id === 'tv' && (
                <div className="inline">
                  <label className="inline">
                    λ
                    <input type="number" step={0.0001} min={0} placeholder={`${TV_DEFAULTS.lambda}`} value={p.params.tvLambda ?? ''} data-testid="tv-lambda"
                      aria-label="TV weight (ppm mm)" onChange={(e) => p.onParams({ ...p.params, tvLambda: num(e.target.value) })} />
                  </label>
                  <label className="inline">
                    iterations
                    <input type="number" step={10} min={1} placeholder={`${TV_DEFAULTS.maxIter}`} value={p.params.tvIterations ?? ''} data-testid="tv-iterations"
                      onChange={(e) => p.onParams({ ...p.params, tvIterations: num(e.target.value) })} />
                  </label>
                  <label className="inline">
                    tol
                    <input type="number" step={0.001} min={0} placeholder={`${TV_DEFAULTS.tol}`} value={p.params.tvTol ?? ''} data-testid="tv-tol"
                      aria-label="TV tolerance (relative change)" onChange={(e) => p.onParams({ ...p.params, tvTol: num(e.target.value) })} />
                  </label>
                </div>
              )}
              {m.id === 'ndi' && (
                <div className="inline">
                  <label className="inline">
                    β
                    <input type="number" step={0.001} min={0} placeholder={`${NDI_DEFAULTS.beta}`} value={p.params.ndiBeta ?? ''} data-testid="ndi-beta"
                      aria-label="NDI gradient Tikhonov weight (mm²)" onChange={(e) => p.onParams({ ...p.params, ndiBeta: num(e.target.value) })} />
                  </label>
                  <label className="inline">
                    iterations
                    <input type="number" step={10} min={1} placeholder={`${NDI_DEFAULTS.maxIter}`} value={p.params.ndiIterations ?? ''} data-testid="ndi-iterations"
                      onChange={(e) => p.onParams({ ...p.params, ndiIterations: num(e.target.value) })} />
                  </label>
                  <label className="inline">
                    tol
                    <input type="number" step={0.001} min={0} placeholder={`${NDI_DEFAULTS.tol}`} value={p.params.ndiTol ?? ''} data-testid="ndi-tol"
                      aria-label="NDI tolerance (relative change)" onChange={(e) => p.onParams({ ...p.params, ndiTol: num(e.target.value) })} />
                  </label>
                </div>
              )}
              {(m.id === 'tv' || m.id === 'ndi') && (
                // one switch for both: the same magnitude weights their data terms (and tv's edges)
                <label className="check small">
                  <input type="checkbox" data-testid={`${m.id}-magnitude`} checked={!!p.params.magnitudeWeighting} disabled={p.running}
                    onChange={(e) => p.onParams({ ...p.params, magnitudeWeighting: e.target.checked })} />
                  <span>weight by the magnitude (when one is loaded on the field's grid)</span>
                </label>
              )}
              {run && (
                <div className="progress-line">
                  <progress
                    data-testid={`progress-${m.id}`}
                    aria-label={`${m.label} progress`}
                    max={Math.max(run.total, 1)}
                    value={run.status === 'done' ? Math.max(run.total, 1) : run.done}
                  />
                  <span className={`small status-${run.status}`} data-testid={`status-${m.id}`}>
                    {run.status === 'running' ? run.stage || 'running' : STATUS_TEXT[run.status]}
                  </span>
                </div>
              )}
            </li>
          );
        })}
      </ul>
      <fieldset>
        <legend>Data consistency</legend>
        <label className="check">
          <input type="checkbox" data-testid="dc-enabled" checked={p.dc.enabled} disabled={p.running}
            onChange={(e) => p.onDc({ ...p.dc, enabled: e.target.checked })} />
          <span>also show each U-Net corrected by the field (+ DC)</span>
        </label>
        <p className="muted small">
          The field fixes χ wherever the dipole kernel is far from zero; the network fills in the cone where it is silent.
          Larger λ trusts the network more. The masked form trusts the field only inside the mask (conjugate gradients);
          the closed form (one FFT pair) also takes the unmeasured field outside it for zeros, and has the L-curve.
        </p>
        <div className="inline">
          <label className="inline">
            form
            <select value={dcFormOf(p.dc)} data-testid="dc-form" disabled={p.running || !p.dc.enabled || p.dc.mode !== 'fixed'}
              title={p.dc.mode !== 'fixed' ? 'the L-curve rules choose lambda for the closed form' : undefined}
              onChange={(e) => p.onDc({ ...p.dc, form: e.target.value as DcForm })}>
              <option value="masked">masked (default)</option>
              <option value="closed">closed form</option>
            </select>
          </label>
          <label className="inline">
            λ
            <select value={p.dc.mode} data-testid="dc-lambda-mode" disabled={p.running || !p.dc.enabled}
              onChange={(e) => p.onDc({ ...p.dc, mode: e.target.value as LambdaMode })}>
              {LAMBDA_MODES.map((o) => (
                <option key={o.mode} value={o.mode}>{o.mode === 'fixed' ? o.label : `${o.label} (closed form)`}</option>
              ))}
            </select>
          </label>
          {p.dc.mode === 'fixed' ? (
            <input type="number" step={0.005} min={0} placeholder={`${defaultDcLambda(p.dc.form)} (default)`} value={p.dc.lambda ?? ''} data-testid="dc-lambda"
              disabled={!p.dc.enabled} aria-label="data-consistency lambda"
              onChange={(e) => { const v = num(e.target.value); p.onDc({ ...p.dc, lambda: v !== undefined && v > 0 ? v : undefined }); }} />
          ) : (
            <span className="muted small">chosen per field when run</span>
          )}
        </div>
      </fieldset>
      <fieldset>
        <legend>U-Net patches</legend>
        <div className="triple">
          <label className="num">
            <span>patch (voxels)</span>
            <input type="number" step={16} min={0} value={p.params.patch ?? ''} placeholder="model's" data-testid="patch"
              onChange={(e) => p.onParams({ ...p.params, patch: num(e.target.value) })} />
          </label>
          <label className="num">
            <span>overlap</span>
            <input type="number" step={0.05} min={0} max={0.75} value={p.params.overlap ?? ''} data-testid="overlap"
              onChange={(e) => p.onParams({ ...p.params, overlap: num(e.target.value) })} />
          </label>
        </div>
        <label className="check small">
          <input type="checkbox" data-testid="mirror" checked={p.params.mirror !== false} disabled={p.running}
            onChange={(e) => p.onParams({ ...p.params, mirror: e.target.checked })} />
          <span title="each patch also runs mirrored left-right (B0 mirrored with it) and the two answers are averaged: the same physics, a lower error, twice the time">
            average with the mirrored pass (twice the time)
          </span>
        </label>
      </fieldset>
      <div className="run-row">
        <button type="button" className="primary" data-testid="run-button" onClick={p.onRun} disabled={!p.canRun || p.running}>
          Run
        </button>
        <button type="button" data-testid="cancel-button" onClick={p.onCancel} disabled={!p.running}>
          Cancel
        </button>
      </div>
      {!p.canRun && p.whyNot && <p className="muted small">{p.whyNot}</p>}
    </section>
  );
}
