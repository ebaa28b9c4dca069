import { describe, expect, it } from 'vitest';
import { brainPhantom } from './phantom';
import { exampleGeometry, rotateDir } from './phantomGeometry';
import { seededRng } from './phantomRandom';
import { TISSUES, Tissue } from './phantomTissues';

function statsByTissue(labels: Uint8Array, chi: Float32Array) {
  const sum = new Map<number, { n: number; s: number }>();
  labels.forEach((t, i) => {
    const e = sum.get(t) ?? { n: 0, s: 0 };
    e.n++;
    e.s += chi[i];
    sum.set(t, e);
  });
  return sum;
}

describe('brainPhantom', () => {
  const p = brainPhantom({ dims: [48, 48, 48], voxelSize: [1, 1, 1], seed: 7 });

  it('contains every tissue class, each near its literature value (texture averages out)', () => {
    const stats = statsByTissue(p.labels, p.chi.data);
    for (const t of Object.values(Tissue).filter((v): v is Tissue => typeof v === 'number')) {
      const e = stats.get(t);
      expect(e, TISSUES[t].name).toBeDefined();
      // a smooth texture of std 0.004 ppm cannot shift a region mean by more than its amplitude bound
      expect(Math.abs(e!.s / e!.n - TISSUES[t].chi), TISSUES[t].name).toBeLessThan(0.012);
    }
  });

  it('keeps chi at zero outside the mask and in CSF, and the mask is a brain-sized blob', () => {
    let inMask = 0;
    let nonZeroOutside = 0;
    let nonZeroCsf = 0;
    for (let i = 0; i < p.chi.data.length; i++) {
      if (p.mask.data[i] === 0 && p.chi.data[i] !== 0) nonZeroOutside++;
      if (p.labels[i] === Tissue.Csf && p.chi.data[i] !== 0) nonZeroCsf++;
      inMask += p.mask.data[i];
    }
    expect(nonZeroOutside).toBe(0);
    expect(nonZeroCsf).toBe(0);
    // ellipsoid of normalised radii 0.7, 0.86, 0.66 fills 4/3 pi abc / 8 of the cube
    const expected = ((4 / 3) * Math.PI * 0.7 * 0.86 * 0.66) / 8;
    expect(inMask / p.chi.data.length).toBeGreaterThan(expected * 0.9);
    expect(inMask / p.chi.data.length).toBeLessThan(expected * 1.1);
  });

  it('is deterministic for a seed and varies between seeds', () => {
    const again = brainPhantom({ dims: [48, 48, 48], voxelSize: [1, 1, 1], seed: 7 });
    const other = brainPhantom({ dims: [48, 48, 48], voxelSize: [1, 1, 1], seed: 8 });
    expect(again.chi.data).toEqual(p.chi.data);
    expect(other.chi.data).not.toEqual(p.chi.data);
  });

  it('keeps the deep nuclei at anatomically ordered susceptibility (pallidum > putamen > thalamus > WM)', () => {
    const stats = statsByTissue(p.labels, p.chi.data);
    const mean = (t: Tissue) => stats.get(t)!.s / stats.get(t)!.n;
    expect(mean(Tissue.Pallidum)).toBeGreaterThan(mean(Tissue.Putamen));
    expect(mean(Tissue.Putamen)).toBeGreaterThan(mean(Tissue.Thalamus));
    expect(mean(Tissue.Thalamus)).toBeGreaterThan(mean(Tissue.WhiteMatter));
  });
});

describe('exampleGeometry', () => {
  it('gives b = third row of the rotation, with the requested tilt, and a cubic-ish FOV', () => {
    const g = exampleGeometry(48, [1, 1, 2], 25);
    expect(g.dims).toEqual([48, 48, 24]);
    expect(Math.hypot(...g.b0Dir)).toBeCloseTo(1, 12);
    expect((Math.acos(g.b0Dir[2]) * 180) / Math.PI).toBeCloseTo(25, 10);
    // the affine's third column (voxel z in world) has length dz
    expect(Math.hypot(g.affine[2], g.affine[6], g.affine[10])).toBeCloseTo(2, 12);
    // R^T z computed from the affine the way DESIGN.md defines it
    const b = [0, 1, 2].map((c) => g.affine[8 + c] / g.voxelSize[c]);
    b.forEach((v, i) => expect(v).toBeCloseTo(g.b0Dir[i], 12));
  });

  it('rotateDir keeps unit length and rotates by the angle asked', () => {
    const b = rotateDir([0, 0, 1], 1, 30);
    expect(Math.hypot(...b)).toBeCloseTo(1, 12);
    expect(b[2]).toBeCloseTo(Math.cos(Math.PI / 6), 12);
  });
});

describe('seededRng', () => {
  it('gives normals with mean ~0 and variance ~1', () => {
    const rng = seededRng(3);
    let s = 0;
    let s2 = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = rng.normal();
      s += x;
      s2 += x * x;
    }
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.04);
  });
});
