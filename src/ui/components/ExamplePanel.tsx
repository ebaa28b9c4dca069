/**
 * The built-in example, so a first visit sees a reconstruction without own data: the brain of the bundled anatomy
 * (the default, as the first visit loads it) or the procedural phantom of ellipsoids (any matrix; fast, for tests).
 */
import { useState } from 'react';
import { DEFAULT_EXAMPLE } from '../../core/phantomExample';
import type { ExampleOptions } from '../../worker/computeProtocol';

export type ExamplePreset = 'axial' | 'tilted' | 'whole' | 'fine';
/** 'anatomy' or the procedural phantom's matrix edge */
export type ExampleKind = 'anatomy' | '32' | '48' | '64';

type Vs = [number, number, number];
/** slabMm: the brain in an axial slab of that thickness through the deep grey matter, else the whole brain */
interface Preset { label: string; voxelSize: Vs; tiltDeg: number; slabMm?: number }

/** Acquisitions per phantom; the brain's FOV follows the brain, so its voxel size sets the matrix. */
export const PRESETS: Record<'anatomy' | 'phantom', Partial<Record<ExamplePreset, Preset>>> = {
  anatomy: {
    axial: { label: 'Axial slab, 1.5 mm, 48 slices', voxelSize: [1.5, 1.5, 1.5], tiltDeg: 0, slabMm: 72 },
    tilted: { label: 'Tilted 25° slab, 1.5×1.5×2 mm', voxelSize: [1.5, 1.5, 2], tiltDeg: 25, slabMm: 72 },
    whole: { label: 'Whole brain, 1.5 mm (slower)', voxelSize: [1.5, 1.5, 1.5], tiltDeg: 0 },
    fine: { label: 'Whole brain, 1 mm (slow)', voxelSize: [1, 1, 1], tiltDeg: 0 },
  },
  phantom: {
    axial: { label: 'Axial, 1 mm isotropic', voxelSize: [1, 1, 1], tiltDeg: 0 },
    tilted: { label: 'Tilted 25°, 1×1×2 mm', voxelSize: [1, 1, 2], tiltDeg: 25 },
  },
};

const KINDS: { value: ExampleKind; label: string }[] = [
  { value: 'anatomy', label: 'Brain (FreeSurfer anatomy)' },
  { value: '32', label: 'Ellipsoids, 32³' },
  { value: '48', label: 'Ellipsoids, 48³' },
  { value: '64', label: 'Ellipsoids, 64³' },
];

interface Props {
  busy: boolean;
  progress?: { done: number; total: number; stage: string };
  onLoad: (o: ExampleOptions) => void;
}

export function ExamplePanel({ busy, progress, onLoad }: Props) {
  const [kind, setKind] = useState<ExampleKind>(DEFAULT_EXAMPLE.kind === 'anatomy' ? 'anatomy' : '48');
  const [preset, setPreset] = useState<ExamplePreset>('axial');
  const [noise, setNoise] = useState(DEFAULT_EXAMPLE.noiseStd);
  const family = kind === 'anatomy' ? 'anatomy' : 'phantom';
  const presets = PRESETS[family];
  // a preset only the other phantom has falls back to axial
  const chosen = presets[preset] ? preset : 'axial';
  const p = presets[chosen]!;
  const load = () =>
    onLoad(
      kind === 'anatomy'
        ? { kind: 'anatomy', voxelSize: p.voxelSize, tiltDeg: p.tiltDeg, noiseStd: noise, seed: 1, cosmosOrientations: 3, slabMm: p.slabMm }
        : { kind: 'phantom', edge: Number(kind), voxelSize: p.voxelSize, tiltDeg: p.tiltDeg, noiseStd: noise, seed: 1, cosmosOrientations: 3 },
    );
  return (
    <section className="panel" aria-labelledby="example-heading">
      <h2 id="example-heading">Example</h2>
      <p className="muted small" data-testid="example-description">
        {kind === 'anatomy'
          ? 'A brain built here from a bundled FreeSurfer segmentation (NiiVue demo data, BSD-2): literature susceptibilities, iron gradients, veins, a calcification and a microbleed, with its field, ground truth and a 3-orientation COSMOS reference. It is the subject the networks were fine-tuned on, so their scores on it are not held-out results.'
          : 'A procedural phantom of ellipsoids with its field, ground truth and a 3-orientation COSMOS reference.'}
      </p>
      <div className="triple">
        <label className="num">
          <span>phantom</span>
          {/* testid kept from when this select held only the ellipsoid matrix: tests pick '32' by value */}
          <select value={kind} onChange={(e) => setKind(e.target.value as ExampleKind)} data-testid="example-size">
            {KINDS.map((k) => (
              <option key={k.value} value={k.value}>{k.label}</option>
            ))}
          </select>
        </label>
        <label className="num">
          <span>acquisition</span>
          <select value={chosen} onChange={(e) => setPreset(e.target.value as ExamplePreset)} data-testid="example-preset">
            {Object.entries(presets).map(([k, v]) => (
              <option key={k} value={k}>{v!.label}</option>
            ))}
          </select>
        </label>
        <label className="num">
          <span>noise (ppm)</span>
          <input type="number" step={0.001} min={0} value={noise} onChange={(e) => setNoise(Number(e.target.value) || 0)} data-testid="example-noise" />
        </label>
      </div>
      <button type="button" className="primary" data-testid="example-button" disabled={busy} onClick={load}>
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
