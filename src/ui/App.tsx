/**
 * The workbench page: header, sidebar panels (example, data, COSMOS, acquisition, methods) and the results. A thin
 * composition: state and behaviour live in useWorkbench (one reducer, derived views), the panels only display them.
 */
import type { AcqSettings } from './acquisitionState';
import { AcquisitionPanel } from './components/AcquisitionPanel';
import { DiagnosticsButton } from './components/DiagnosticsButton';
import { ExamplePanel } from './components/ExamplePanel';
import { FilePanel } from './components/FilePanel';
import { MethodsPanel } from './components/MethodsPanel';
import { PipelinePanel } from './components/PipelinePanel';
import { ResultsPanel } from './components/ResultsPanel';
import { allWithRole } from './items';
import { useWorkbench } from './useWorkbench';

export function App() {
  const w = useWorkbench();
  const { state: s, dispatch, ctx } = w;
  const editedKeys = Object.keys(s.edits) as (keyof AcqSettings)[];
  const runnable = w.runnableSelected;

  return (
    <div className="app">
      <header className="topbar">
        <h1>QSM Workbench</h1>
        <p className="tagline">Dipole inversion for quantitative susceptibility mapping, on your own GPU. Nothing leaves this computer.</p>
        <p className="topbar-backend" title={s.backend.note}>
          backend <strong data-testid="backend">{s.backend.name}</strong>
        </p>
        <DiagnosticsButton backend={s.backend.name} backendNote={s.backend.note} />
      </header>
      {s.errors.length > 0 && (
        <div className="errors" role="alert" data-testid="error">
          <ul>
            {s.errors.map((e) => (
              <li key={e}>{e}</li>
            ))}
          </ul>
          <button type="button" className="icon" aria-label="Dismiss messages" onClick={() => dispatch({ type: 'dismiss-errors' })}>×</button>
        </div>
      )}
      <div className="layout">
        <aside className="sidebar">
          <ExamplePanel busy={s.loading || s.running} progress={s.exampleProgress} onLoad={(o) => w.loadExample(o)} />
          <FilePanel
            items={s.items}
            gridMessages={w.gridMessages}
            busy={s.loading}
            onFiles={w.addFiles}
            onRole={w.setRole}
            onRemove={(id) => dispatch({ type: 'remove-item', id })}
          />
          {(s.items.some((i) => i.role === 'phase') || s.pipelineOutputs) && (
            <PipelinePanel
              gathering={w.phaseGathering}
              settings={s.pipeline}
              onSettings={(settings) => dispatch({ type: 'pipeline-settings', settings })}
              haveMask={s.items.some((i) => i.role === 'mask' && i.origin === 'file')}
              progress={s.pipelineProgress}
              outputs={s.pipelineOutputs}
              stale={w.pipelineStale}
              sformCode={w.phaseGathering.input?.source.facts?.sformCode}
              onRun={w.computeLocalField}
              onCancel={w.cancelLocalField}
              onError={w.report}
            />
          )}
          {w.cosmosFields.length >= 2 && (
            <section className="panel" aria-labelledby="cosmos-heading">
              <h2 id="cosmos-heading">COSMOS</h2>
              <p className="muted small">
                {w.cosmosFields.length} field maps; B0 directions from each header{w.cosmosFields.length < 3 ? ' (3 or more orientations are better conditioned)' : ''}.
              </p>
              <button type="button" data-testid="cosmos-button" onClick={w.computeCosmos} disabled={!!s.cosmosProgress}>
                Compute COSMOS reference
              </button>
              {s.cosmosProgress && <p className="small">{s.cosmosProgress}</p>}
            </section>
          )}
          <AcquisitionPanel
            settings={ctx.settings}
            notes={ctx.derived.notes}
            edited={editedKeys}
            onEdit={(patch) => dispatch({ type: 'edit-acquisition', patch })}
            onReset={() => dispatch({ type: 'reset-acquisition' })}
          />
          <MethodsPanel
            selected={s.selected}
            availability={w.availability}
            params={s.params}
            lambdaMode={s.lambdaMode}
            onLambdaMode={(mode) => dispatch({ type: 'lambda-mode', mode })}
            dc={s.dc}
            onDc={(dc) => dispatch({ type: 'dc', dc })}
            backend={s.backend.name}
            backendNote={s.backend.note}
            preferredBackend={s.preferredBackend}
            onPreferredBackend={w.preferBackend}
            runs={s.runs}
            running={s.running}
            canRun={!!ctx.field && runnable.length > 0 && !s.loading}
            whyNot={!ctx.field ? 'Load a field map or the example first.' : runnable.length === 0 ? 'Select at least one available method.' : undefined}
            onToggle={(id, on) => dispatch({ type: 'toggle-method', id, on })}
            onParams={(params) => dispatch({ type: 'params', params })}
            onRun={w.run}
            onCancel={w.cancel}
          />
        </aside>
        <main className="main">
          <ResultsPanel
            field={ctx.field}
            magnitude={w.magnitude}
            settings={ctx.settings}
            reference={w.reference}
            referenceOnGrid={w.referenceOnGrid}
            references={allWithRole(s.items, 'reference')}
            onReference={(id) => dispatch({ type: 'reference', id })}
            views={w.views}
            pipeline={s.pipelineOutputs?.outputs}
            anyStale={w.anyStale}
            sliceType={s.sliceType}
            onSliceType={(sliceType) => dispatch({ type: 'slice-type', sliceType })}
            chiWindow={s.chiWindow}
            onChiWindow={(window) => dispatch({ type: 'chi-window', window })}
            onError={w.report}
          />
        </main>
      </div>
    </div>
  );
}
