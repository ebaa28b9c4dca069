/** The viewers: top row susceptibility (input field, reference, each method), bottom row differences. */
import { SLICE_TYPE, type Niivue } from '@niivue/niivue';
import { useCallback, useRef, useState, type ReactNode } from 'react';
import type { Volume } from '../../core/volume';
import { NiivuePanel, type DisplayWindow } from './NiivuePanel';

export interface PanelSpec {
  id: string;
  title: string;
  volume: Volume;
  kind: 'chi' | 'field' | 'diff' | 'magnitude';
  stale?: boolean;
  /** its own display window; panels without one share the window of their kind */
  window?: DisplayWindow;
}

interface Props {
  top: PanelSpec[];
  bottom: PanelSpec[];
  chiWindow: DisplayWindow;
  fieldWindow: DisplayWindow;
  diffWindow: DisplayWindow;
  sliceType: SLICE_TYPE;
}

const SYNC = { '2d': true, '3d': true, crosshair: true, zoomPan: true, sliceType: false };

export function ViewerGrid({ top, bottom, chiWindow, fieldWindow, diffWindow, sliceType }: Props) {
  const instances = useRef(new Map<string, Niivue>());
  const register = useCallback((id: string, nv: Niivue | undefined) => {
    if (nv) instances.current.set(id, nv);
    else instances.current.delete(id);
    const all = [...instances.current.values()];
    for (const n of all) n.broadcastTo(all.filter((o) => o !== n), SYNC);
  }, []);

  const [vox, setVox] = useState<[number, number, number]>();
  const valueAt = (p: PanelSpec) => {
    if (!vox) return undefined;
    const [nx, ny, nz] = p.volume.dims;
    const [i, j, k] = vox;
    if (i < 0 || j < 0 || k < 0 || i >= nx || j >= ny || k >= nz) return undefined;
    return p.volume.data[i + nx * (j + ny * k)];
  };
  const windowOf = (p: PanelSpec): DisplayWindow =>
    p.window ?? (p.kind === 'diff' ? diffWindow : p.kind === 'field' ? fieldWindow : p.kind === 'magnitude' ? [0, 1] : chiWindow);
  // both rows share the top row's columns; differences sit under their methods, the legend under input/reference
  const columns = Math.max(top.length, 1);
  const row = (panels: PanelSpec[], label: string, lead?: ReactNode) => (
    <div className="viewer-row" role="group" aria-label={label} style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
      {lead}
      {panels.map((p) => (
        <NiivuePanel
          key={p.id}
          id={p.id}
          title={p.title}
          volume={p.volume}
          window={windowOf(p)}
          colormap={p.kind === 'diff' ? 'qsm_diverging' : 'gray'}
          sliceType={sliceType}
          stale={p.stale}
          register={register}
          onLocation={setVox}
        />
      ))}
    </div>
  );
  return (
    <div className="viewer-grid">
      <p className="readout" data-testid="readout" aria-live="polite">
        {vox ? (
          <>
            <span>voxel ({vox.join(', ')}):</span>{' '}
            {[...top, ...bottom].map((p) => {
              const v = valueAt(p);
              return (
                <span key={p.id} className="readout-item">
                  {p.title.split(':')[0]} <strong>{v === undefined ? '—' : v.toFixed(4)}</strong>
                  {p.kind === 'magnitude' && <span className="muted"> a.u.</span>}{' '}
                </span>
              );
            })}
            <span className="muted">ppm</span>
          </>
        ) : (
          <span className="muted">Click a view to move the synchronised crosshair and read values here.</span>
        )}
      </p>
      {row(top, 'Susceptibility maps')}
      {bottom.length > 0 &&
        row(
          bottom,
          'Difference maps (method minus reference)',
          columns > bottom.length && (
            <div className="diff-legend" style={{ gridColumn: `span ${columns - bottom.length}` }}>
              <strong>Difference maps</strong>
              <span>method − reference inside the mask</span>
              <span>blue: too low · red: too high</span>
              <span>window ±{diffWindow[1].toFixed(2)} ppm</span>
            </div>
          ),
        )}
    </div>
  );
}
