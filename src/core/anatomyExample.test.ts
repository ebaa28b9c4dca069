import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { anatomyFromVolume, anatomyStats, type Anatomy } from './anatomy';
import { AnatomyClass, CLASS_COUNT } from './anatomyClasses';
import { buildAnatomyExample } from './anatomyExample';
import { anatomyGrid, anatomyPhantom, type AnatomyPhantom } from './anatomyPhantom';
import { chamferDistance } from './chamferDistance';
import { computeMetrics } from './metrics';
import { seededRng } from './phantomRandom';
import { smoothNoise } from './smoothNoise';
import { makeVolume, type Vec3 } from './volume';
import { readNifti } from '../io/readNifti';

/** A small synthetic class map (1 mm, 64x72x60): a brain with a cortical rim, ventricles and paired nuclei. */
function toyAnatomy(): Anatomy {
  const dims: Vec3 = [64, 72, 60];
  const labels = new Uint8Array(dims[0] * dims[1] * dims[2]);
  const c = [31.5, 35.5, 29.5];
  const ell = (p: number[], ctr: number[], r: number[]) => ((p[0] - ctr[0]) / r[0]) ** 2 + ((p[1] - ctr[1]) / r[1]) ** 2 + ((p[2] - ctr[2]) / r[2]) ** 2 <= 1;
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const p = [i, j, k];
        let cls = AnatomyClass.Outside;
        if (ell(p, c, [28, 32, 26])) cls = ell(p, c, [25, 29, 23]) ? AnatomyClass.WhiteMatter : AnatomyClass.Cortex;
        for (const s of [-1, 1]) {
          if (ell(p, [c[0] + 6 * s, c[1] - 4, c[2] + 2], [4, 6, 4])) cls = AnatomyClass.Thalamus;
          if (ell(p, [c[0] + 14 * s, c[1] + 4, c[2]], [3, 8, 4])) cls = AnatomyClass.Putamen;
          if (ell(p, [c[0] + 10 * s, c[1] + 3, c[2]], [2, 4, 3])) cls = AnatomyClass.Pallidum;
          if (ell(p, [c[0] + 5 * s, c[1] + 2, c[2] + 10], [3, 10, 3])) cls = AnatomyClass.Csf;
          if (ell(p, [c[0] + 5 * s, c[1] - 6, c[2] + 9], [1.5, 1.5, 1.5])) cls = AnatomyClass.ChoroidPlexus;
        }
        if (ell(p, [c[0], c[1] - 6, c[2] - 12], [5, 5, 10])) cls = AnatomyClass.BrainStem;
        labels[i + dims[0] * (j + dims[1] * k)] = cls;
      }
  return { labels, dims, voxelSize: [1, 1, 1] };
}

const bundledPath = path.resolve(__dirname, '../../public/example/fs_anatomy_labels.nii.gz');
const bundled = () => anatomyFromVolume(readNifti(new Uint8Array(readFileSync(bundledPath)), bundledPath).volume);

/** Mean chi per anatomy class over grid voxels whose centre lies in that class (tilt 0); `keep` filters by anatomy voxel. */
function classMeans(an: Anatomy, p: AnatomyPhantom, keep: (a: number[]) => boolean = () => true) {
  const { dims, affine, origin } = p.grid;
  const sums = new Float64Array(CLASS_COUNT);
  const counts = new Float64Array(CLASS_COUNT);
  for (let k = 0; k < dims[2]; k++)
    for (let j = 0; j < dims[1]; j++)
      for (let i = 0; i < dims[0]; i++) {
        const w = [0, 1, 2].map((r) => affine[4 * r] * i + affine[4 * r + 1] * j + affine[4 * r + 2] * k + affine[4 * r + 3] + origin[r]);
        const a = w.map((x, r) => Math.round(x / an.voxelSize[r]));
        if (a.some((x, r) => x < 0 || x >= an.dims[r]) || !keep(a)) continue;
        const cls = an.labels[a[0] + an.dims[0] * (a[1] + an.dims[1] * a[2])];
        const idx = i + dims[0] * (j + dims[1] * k);
        if (!p.mask.data[idx]) continue;
        sums[cls] += p.chi.data[idx];
        counts[cls]++;
      }
  return Array.from(sums, (s, c) => (counts[c] ? s / counts[c] : NaN));
}

describe('anatomy example on a synthetic class map', () => {
  const an = toyAnatomy();

  it('covers the brain on an even grid, and the tilted grid has the B0 direction its affine implies', () => {
    const st = anatomyStats(an);
    for (const tilt of [0, 25]) {
      const p = anatomyPhantom(an, { voxelSize: [2, 2, 2.5], tiltDeg: tilt, seed: 1 });
      const { dims, affine, b0Dir } = p.grid;
      dims.forEach((n) => expect(n % 2).toBe(0));
      // the affine's columns have the voxel sizes; b = normalize(R^T z) (DESIGN.md)
      const cols = [0, 1, 2].map((c) => Math.hypot(affine[c], affine[4 + c], affine[8 + c]));
      expect(cols[0]).toBeCloseTo(2, 6);
      expect(cols[2]).toBeCloseTo(2.5, 6);
      const b = [0, 1, 2].map((c) => affine[8 + c] / cols[c]);
      b.forEach((v, a) => expect(v).toBeCloseTo(b0Dir[a], 6));
      expect(b0Dir[1]).toBeCloseTo(Math.sin((tilt * Math.PI) / 180), 6);
      // the mask holds the whole brain: no brain voxel on the grid's border
      const [nx, ny, nz] = dims;
      let border = 0;
      let inside = 0;
      for (let k = 0; k < nz; k++)
        for (let j = 0; j < ny; j++)
          for (let i = 0; i < nx; i++) {
            const m = p.mask.data[i + nx * (j + ny * k)];
            inside += m;
            if (m && (i === 0 || j === 0 || k === 0 || i === nx - 1 || j === ny - 1 || k === nz - 1)) border++;
          }
      expect(border).toBe(0);
      // the brain's volume is kept: within 10 % of the class map's
      const brainMm3 = an.labels.reduce((s, c) => s + (c ? 1 : 0), 0);
      expect(Math.abs((inside * 2 * 2 * 2.5) / brainMm3 - 1)).toBeLessThan(0.1);
      expect(st.midline).toBeCloseTo(31.5, 0);
    }
  });

  it('has chi only inside the mask, in plausible ranges, with the class order of the literature', () => {
    const p = anatomyPhantom(an, { voxelSize: [1.5, 1.5, 1.5], tiltDeg: 0, seed: 3, lesions: false });
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < p.chi.data.length; i++) {
      if (!p.mask.data[i]) expect(p.chi.data[i]).toBe(0);
      else {
        lo = Math.min(lo, p.chi.data[i]);
        hi = Math.max(hi, p.chi.data[i]);
      }
      expect(p.magnitude.data[i]).toBeGreaterThanOrEqual(0);
      expect(p.magnitude.data[i]).toBeLessThan(2);
    }
    expect(lo).toBeGreaterThan(-0.15);
    expect(hi).toBeLessThan(0.5); // veins at most 0.45
    const m = classMeans(an, p);
    expect(m[AnatomyClass.WhiteMatter]).toBeGreaterThan(-0.04);
    expect(m[AnatomyClass.WhiteMatter]).toBeLessThan(-0.005);
    expect(m[AnatomyClass.Cortex]).toBeGreaterThan(m[AnatomyClass.WhiteMatter]);
    expect(m[AnatomyClass.Pallidum]).toBeGreaterThan(m[AnatomyClass.Putamen]);
    expect(m[AnatomyClass.Putamen]).toBeGreaterThan(m[AnatomyClass.Thalamus]);
    expect(m[AnatomyClass.Pallidum]).toBeGreaterThan(0.12);
    expect(m[AnatomyClass.Pallidum]).toBeLessThan(0.25);
    expect(Math.abs(m[AnatomyClass.Csf])).toBeLessThan(0.01);
  });

  it('is deterministic by seed', () => {
    const o = { voxelSize: [2, 2, 2] as Vec3, tiltDeg: 10, seed: 5 };
    const a = anatomyPhantom(an, o);
    const b = anatomyPhantom(an, o);
    const c = anatomyPhantom(an, { ...o, seed: 6 });
    expect(Buffer.compare(Buffer.from(a.chi.data.buffer), Buffer.from(b.chi.data.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.magnitude.data.buffer), Buffer.from(b.magnitude.data.buffer))).toBe(0);
    expect(Buffer.compare(Buffer.from(a.chi.data.buffer), Buffer.from(c.chi.data.buffer))).not.toBe(0);
  });

  it('gives a dataset whose COSMOS reference is close to the truth, and a field only inside the mask', () => {
    const ex = buildAnatomyExample(an, { kind: 'anatomy', voxelSize: [1.5, 1.5, 1.5], tiltDeg: 15, noiseStd: 0.002, seed: 1, cosmosOrientations: 3 });
    for (const v of [ex.field, ex.mask, ex.magnitude, ex.cosmos]) expect(v.dims).toEqual(ex.groundTruth.dims);
    expect(ex.cosmosDirs).toHaveLength(3);
    expect(ex.cosmosDirs[0]).toEqual(ex.b0Dir);
    for (let i = 0; i < ex.field.data.length; i++) if (!ex.mask.data[i]) expect(ex.field.data[i]).toBe(0);
    const m = computeMetrics(ex.cosmos, ex.groundTruth, ex.mask);
    expect(m.nrmse).toBeLessThan(40);
    expect(m.slope).toBeGreaterThan(0.8);
    expect(m.slope).toBeLessThan(1.15);
  });
});

describe('the bundled anatomy', () => {
  const an = bundled();

  it('holds every class of anatomyClasses.ts, on a 1 mm grid cropped to a whole brain', () => {
    expect(an.voxelSize).toEqual([1, 1, 1]);
    const counts = new Array(CLASS_COUNT).fill(0);
    for (const c of an.labels) counts[c]++;
    for (let c = 1; c < CLASS_COUNT; c++) expect(counts[c], `class ${c}`).toBeGreaterThan(100);
    const brainMl = counts.slice(1).reduce((a, b) => a + b, 0) / 1000;
    expect(brainMl).toBeGreaterThan(1000);
    expect(brainMl).toBeLessThan(1700);
    const st = anatomyStats(an);
    const extent = [0, 1, 2].map((a) => st.brainMax[a] - st.brainMin[a]);
    expect(extent[0]).toBeGreaterThan(110); // left-right
    expect(extent[1]).toBeGreaterThan(150); // posterior-anterior
    expect(extent[2]).toBeGreaterThan(110); // inferior-superior
  });

  it('gives the first visit a 48-slice slab at 1.5 mm through the deep grey matter, and the whole brain without one', () => {
    const st = anatomyStats(an);
    expect(anatomyGrid(an, st, [1.5, 1.5, 1.5], 0, 6, 72).dims).toEqual([90, 120, 48]);
    expect(anatomyGrid(an, st, [1.5, 1.5, 1.5], 0).dims).toEqual([90, 120, 94]);
    // the slab holds the pallidum and the substantia nigra: the slab's z range covers both
    const g = anatomyGrid(an, st, [1.5, 1.5, 1.5], 0, 6, 72);
    const z0 = g.corner[2] + g.origin[2];
    const z1 = z0 + 1.5 * (g.dims[2] - 1);
    for (const c of [AnatomyClass.Pallidum, AnatomyClass.SubstantiaNigra, AnatomyClass.RedNucleus]) {
      expect(st.extents[c].min[2]).toBeGreaterThan(z0);
      expect(st.extents[c].max[2]).toBeLessThan(z1);
    }
  });

  it('makes a brain with veins, a calcification and a microbleed, and iron gradients in deep grey matter', () => {
    const p = anatomyPhantom(an, { voxelSize: [2.5, 2.5, 2.5], tiltDeg: 0, seed: 1 });
    const kinds = p.tubes.map((t) => t.kind);
    expect(kinds.filter((k) => k === 'vein').length).toBeGreaterThan(30);
    expect(kinds).toContain('calcification');
    expect(kinds).toContain('microbleed');
    const m = classMeans(an, p);
    expect(m[AnatomyClass.Pallidum]).toBeGreaterThan(0.12);
    expect(m[AnatomyClass.SubstantiaNigra]).toBeGreaterThan(0.08);
    expect(m[AnatomyClass.WhiteMatter]).toBeLessThan(0);
    // the posterior putamen and the caudate head hold more iron: compare the halves along y
    const e = anatomyStats(an).extents;
    const half = (c: AnatomyClass, back: boolean) => classMeans(an, p, (a) => (a[1] < (e[c].min[1] + e[c].max[1]) / 2) === back)[c];
    expect(half(AnatomyClass.Putamen, true) - half(AnatomyClass.Putamen, false)).toBeGreaterThan(0.015);
    expect(half(AnatomyClass.Caudate, false) - half(AnatomyClass.Caudate, true)).toBeGreaterThan(0.01);
  });
});

describe('anatomyFromVolume', () => {
  it('refuses unknown codes and grids that are not axis-aligned RAS', () => {
    const v = makeVolume([2, 2, 2], [1, 1, 1], undefined, Float32Array.from([0, 1, 2, 3, 4, 5, 6, 7]));
    expect(anatomyFromVolume(v).labels[7]).toBe(7);
    expect(() => anatomyFromVolume({ ...v, data: Float32Array.from([0, 1, 2, 3, 4, 5, 6, 99]) })).toThrow(/unknown class code 99/);
    const flipped = makeVolume([2, 2, 2], [1, 1, 1], [-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1], v.data);
    expect(() => anatomyFromVolume(flipped)).toThrow(/RAS/);
  });
});

describe('chamferDistance and smoothNoise', () => {
  it('measures distances close to the Euclidean ones, with anisotropic voxels too', () => {
    const dims: Vec3 = [21, 21, 11];
    const inside = new Uint8Array(21 * 21 * 11);
    inside[10 + 21 * (10 + 21 * 5)] = 1;
    const d = chamferDistance(inside, dims, [1, 1, 2]);
    const at = (i: number, j: number, k: number) => d[i + 21 * (j + 21 * k)];
    expect(at(10, 10, 5)).toBe(0);
    expect(at(17, 10, 5)).toBeCloseTo(7, 6);
    expect(at(10, 10, 8)).toBeCloseTo(6, 6);
    // a 3x3x3 chamfer overestimates oblique distances: ~13 % at most on isotropic voxels, ~20 % at 1:2 anisotropy
    expect(Math.abs(at(18, 13, 7) / Math.hypot(8, 3, 2 * 2) - 1)).toBeLessThan(0.25);
    const iso = chamferDistance(inside, dims, [1, 1, 1]);
    expect(Math.abs(iso[18 + 21 * (13 + 21 * 7)] / Math.hypot(8, 3, 2) - 1)).toBeLessThan(0.15);
  });

  it('gives zero-mean, unit-std noise that is smooth on the requested scale', () => {
    const dims: Vec3 = [24, 24, 24];
    const x = smoothNoise(dims, [1, 1, 1], 2, seededRng(4));
    let s = 0;
    let s2 = 0;
    let lag = 0;
    for (let i = 0; i < x.length; i++) {
      s += x[i];
      s2 += x[i] * x[i];
      if (i % 24 < 23) lag += x[i] * x[i + 1];
    }
    expect(Math.abs(s / x.length)).toBeLessThan(1e-6);
    expect(s2 / x.length).toBeCloseTo(1, 5);
    // neighbours of a Gaussian-smoothed field with sigma 2 voxels correlate at exp(-1/16) ~ 0.94
    expect(lag / ((x.length * 23) / 24)).toBeGreaterThan(0.85);
  });
});
