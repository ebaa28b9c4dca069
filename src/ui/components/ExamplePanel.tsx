/** The built-in example: a simulated brain phantom, so a first visit sees a reconstruction without own data. */
import { useState } from 'react';
import type { ExampleOptions } from '../../worker/computeProtocol';

export type ExamplePreset = 'axial' | 'tilted';

export const PRESETS: Record<ExamplePreset, { label: string; voxelSize: [number, number, number]; tiltDeg: number }> = {
  axial: { label: 'Axial, 1 mm isotropic', voxelSize: [1, 1, 1], tiltDeg: 0 },
  tilted: { label: 'Tilted 25°, 1×1×2 mm', voxelSize: [1, 1, 2], tiltDeg: 25 },
};

interface Props {
  busy: boolean;
  progress?: { done: number; total: number; stage: string };
  onLoad: (o: ExampleOptions) => void;
}

export function ExamplePanel({ busy, progress, onLoad }: Props) {
  const [preset, setPreset] = useState<ExamplePreset>('axial');
  const [edge, setEdge] = useState(48);
  const [noise, setNoise] = useState(0.002);
  return (
    <section className="panel" aria-labelledby="example-heading">
      <h2 id="example-heading">Example</h2>
      <p className="muted small">A simulated brain phantom with its field, ground truth and a 3-orientation COSMOS reference.</p>
      <div className="triple">
        <label className="num">
          <span>acquisition</span>
          <select value={preset} onChange={(e) => setPreset(e.target.value as ExamplePreset)} data-testid="example-preset">
            {Object.entries(PRESETS).map(([k, v]) => (
              <option key={k} value={k}>{v.label}</option>
            ))}
          </select>
        </label>
        <label className="num">
          <span>matrix</span>
          <select value={edge} onChange={(e) => setEdge(Number(e.target.value))} data-testid="example-size">
            {[32, 48, 64].map((n) => (
              <option key={n} value={n}>{n}</option>
            ))}
          </select>
        </label>
        <label className="num">
          <span>noise (ppm)</span>
          <input type="number" step={0.001} min={0} value={noise} onChange={(e) => setNoise(Number(e.target.value) || 0)} data-testid="example-noise" />
        </label>
      </div>
      <button
        type="button"
        className="primary"
        data-testid="example-button"
        disabled={busy}
        onClick={() => onLoad({ edge, voxelSize: PRESETS[preset].voxelSize, tiltDeg: PRESETS[preset].tiltDeg, noiseStd: noise, seed: 1, cosmosOrientations: 3 })}
      >
        Load example
      </button>
      {progress && (
        <div className="progress-line">
          <progress aria-label="Example progress" max={progress.total} value={progress.done} data-testid="progress-example" />
          <span className="small">{progress.stage}</span>
        </div>
      )}
    </section>
  );
}
