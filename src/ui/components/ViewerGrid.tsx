/**
 * The viewers: top block susceptibility (input field, reference, each method), bottom block differences, each
 * difference in the same grid cell as its method above. Viewers keep a minimum width: when they do not all fit
 * in one row both blocks wrap onto the same number of columns. One viewer at a time can be enlarged to the full
 * width (its caption's button toggles it) without reloading it. Only viewers on or near the screen hold a
 * NiiVue instance, at most MAX_LIVE_VIEWERS: browsers lose the oldest WebGL context past their limit (16 in
 * Chromium), and the example with every method and its difference has 19 viewers.
 */
import { SLICE_TYPE, type Niivue } from '@niivue/niivue';
import { useCallback, useEffect, useRef, useState, type ReactNode, type RefObject } from 'react';
import type { Volume } from '../../core/volume';
import { gridColumns, liveViewers } from '../viewerLayout';
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

/**
 * The ids (data-panel-id) of the panels inside `ref` that are on or near the screen, followed as the page scrolls
 * and as panels come and go (`idsKey` changes); undefined where IntersectionObserver is missing.
 */
function useVisiblePanels(ref: RefObject<HTMLDivElement | null>, idsKey: string) {
  const [visible, setVisible] = useState<ReadonlySet<string>>();
  useEffect(() => {
    const el = ref.current;
    if (!el || typeof IntersectionObserver === 'undefined') return;
    const io = new IntersectionObserver(
      (entries) =>
        setVisible((prev) => {
          const next = new Set(prev);
          for (const e of entries) {
            const id = (e.target as HTMLElement).dataset.panelId;
            if (!id) continue;
            if (e.isIntersecting) next.add(id);
            else next.delete(id);
          }
          return next;
        }),
      { rootMargin: '200px 0px' },
    );
    const panels = el.querySelectorAll<HTMLElement>('[data-panel-id]');
    const ids = new Set([...panels].map((p) => p.dataset.panelId!));
    setVisible((prev) => (prev ? new Set([...prev].filter((id) => ids.has(id))) : prev));
    panels.forEach((p) => io.observe(p));
    return () => io.disconnect();
  }, [ref, idsKey]);
  return visible;
}

/** The width of the element `ref` points at, followed as it changes (undefined before the first layout). */
function useWidth() {
  const ref = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number>();
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    setWidth(el.clientWidth);
    if (typeof ResizeObserver === 'undefined') return;
    const ro = new ResizeObserver(() => setWidth(el.clientWidth));
    ro.observe(el);
    return () => ro.disconnect();
  }, []);
  return { ref, width };
}

export function ViewerGrid({ top, bottom, chiWindow, fieldWindow, diffWindow, sliceType }: Props) {
  const { ref: gridRef, width } = useWidth();
  const [enlarged, setEnlarged] = useState<string>();
  const visible = useVisiblePanels(gridRef, [...top, ...bottom].map((p) => p.id).join(' '));
  const toggleEnlarged = useCallback((id: string) => setEnlarged((e) => (e === id ? undefined : id)), []);
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
  // both blocks share the top block's columns; differences sit where their methods are, the legend in the cells
  // of input/reference
  const columns = gridColumns(top.length, width);
  const wrapped = columns < top.length;
  const enlargedId = [...top, ...bottom].some((p) => p.id === enlarged) ? enlarged : undefined;
  const live = liveViewers([...top, ...bottom].map((p) => p.id), visible, enlargedId);
  const row = (panels: PanelSpec[], label: string, lead?: ReactNode) => (
    <div className={`viewer-row${wrapped ? ' wrapped' : ''}`} role="group" aria-label={label} data-columns={columns}
      style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}>
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
          enlarged={p.id === enlargedId}
          onToggleEnlarged={toggleEnlarged}
          live={live.has(p.id)}
          location={vox}
        />
      ))}
    </div>
  );
  const lead = top.length - bottom.length;
  return (
    <div className="viewer-grid" ref={gridRef}>
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
          lead > 0 && (
            <div className="diff-legend" style={{ gridColumn: `span ${Math.min(lead, columns)}` }}>
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
