// Total-field inversion: its regulariser's operator against its definition, an outside source removed, and the
// boundaries (abort, progress, bad input). The numpy reference is in phase.fixture.test.ts, the head phantom in
// headPhantom.test.ts.
import { describe, expect, it } from 'vitest';
import { forwardField } from '../forwardModel';
import { seededRng } from '../phantomRandom';
import { sphereVolume } from '../testSpheres';
import type { Vec3 } from '../volume';
import { tfi, tfiAsync, weightedGradientNormal } from './tfi';

describe('weightedGradientNormal', () => {
  it('is grad^T W grad: <v, A u> = sum_i w_i sum_a (grad_a u)_i (grad_a v)_i, periodic, scaled per axis', () => {
    const dims: Vec3 = [6, 5, 4], scale: Vec3 = [1.3, 0.8, 1.1];
    const n = dims[0] * dims[1] * dims[2];
    const rng = seededRng(5);
    const rand = () => Float32Array.from({ length: n }, () => rng.next() - 0.5);
    const u = rand(), v = rand(), w = Float32Array.from({ length: n }, () => 0.2 + rng.next());
    const au = weightedGradientNormal(u, w, dims, scale, new Float32Array(n));
    const at = (x: number, y: number, z: number) => ((x + dims[0]) % dims[0]) + dims[0] * (((y + dims[1]) % dims[1]) + dims[1] * ((z + dims[2]) % dims[2]));
    let lhs = 0, rhs = 0;
    for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) {
      const i = at(x, y, z);
      lhs += v[i] * au[i];
      const nb = [at(x + 1, y, z), at(x, y + 1, z), at(x, y, z + 1)];
      for (let a = 0; a < 3; a++) rhs += w[i] * scale[a] * (u[nb[a]] - u[i]) * scale[a] * (v[nb[a]] - v[i]);
    }
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-5 * Math.abs(rhs));
    // a constant has no gradient
    expect(Math.max(...weightedGradientNormal(new Float32Array(n).fill(3), w, dims, scale, new Float32Array(n)).map(Math.abs))).toBeLessThan(1e-5);
  });
});

describe('TFI on a spherical brain (40^3, 1 mm)', () => {
  const N = 40, dims: Vec3 = [N, N, N], vs: Vec3 = [1, 1, 1], c: Vec3 = [19.5, 19.5, 19.5];
  const mask = Uint8Array.from(sphereVolume(dims, vs, [{ centreMm: c, radiusMm: 15, chi: 1 }]).data, (x) => (x > 0.5 ? 1 : 0));
  const outside = sphereVolume(dims, vs, [{ centreMm: [c[0] + 17, c[1], c[2] + 7], radiusMm: 2.5, chi: 5 }]);
  const field = forwardField(outside, [0, 0, 1]).data as Float32Array;
  const quick = { irls: 4, cgIterations: 15 };

  it('gives the field of a source outside the brain to the outside: under 5 % of it is left as local field', () => {
    let steps = 0, last = 0, total = 0;
    const left = (local: Float32Array) => {
      let e = 0, s = 0;
      for (let i = 0; i < mask.length; i++) if (mask[i]) { e += local[i] ** 2; s += field[i] ** 2; }
      return Math.sqrt(e / s);
    };
    // on the mask's box (default: the source is beyond it, and the padding around the box stands in for it) ...
    expect(left(tfi(field, mask, dims, vs, [0, 0, 1], quick).local)).toBeLessThan(0.05);
    // ... and on the whole field of view, where chi can sit at the source itself
    const r = tfi(field, mask, dims, vs, [0, 0, 1], { ...quick, cropToMask: false, onProgress: (d, t) => { steps++; last = d; total = t; } });
    expect(left(r.local)).toBeLessThan(0.05);
    // the fitted chi at the source is positive and far above the brain's (true: 5 and 0)
    const src = Math.round(c[0] + 17) + N * (Math.round(c[1]) + N * Math.round(c[2] + 7));
    let brain2 = 0, inside = 0;
    for (let i = 0; i < mask.length; i++) if (mask[i]) { brain2 += r.chi[i] ** 2; inside++; }
    console.log(`TFI: chi at the outside source ${r.chi[src].toFixed(3)} ppm, rms in the brain ${Math.sqrt(brain2 / inside).toExponential(2)} ppm`);
    expect(r.chi[src]).toBeGreaterThan(0.2);
    expect(r.chi[src]).toBeGreaterThan(20 * Math.sqrt(brain2 / inside));
    expect(steps).toBeGreaterThan(quick.irls * quick.cgIterations);
    expect([last, total]).toEqual([quick.irls * quick.cgIterations, quick.irls * quick.cgIterations]);
  });

  it('tfiAsync lets a cancel from another task through while it runs (as the worker\'s Cancel button does), and otherwise equals tfi', async () => {
    const ac = new AbortController();
    let seen = 0;
    const run = tfiAsync(field, mask, dims, vs, [0, 0, 1], { ...quick, signal: ac.signal, onProgress: (d) => { seen = d; } });
    setTimeout(() => ac.abort(), 0);
    await expect(run).rejects.toThrow(/abort/i);
    expect(seen).toBeLessThan(quick.irls * quick.cgIterations);
    const small = { irls: 2, cgIterations: 3 };
    const [a, b] = [tfi(field, mask, dims, vs, [0, 0, 1], small), await tfiAsync(field, mask, dims, vs, [0, 0, 1], small)];
    expect(Array.from(b.local)).toEqual(Array.from(a.local));
  });

  it('stops with an AbortError when cancelled, and rejects bad input with a clear message', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => tfi(field, mask, dims, vs, [0, 0, 1], { ...quick, signal: ac.signal })).toThrow(/abort/i);
    expect(() => tfi(field, new Uint8Array(mask.length), dims, vs, [0, 0, 1], quick)).toThrow('TFI needs a non-empty mask');
    expect(() => tfi(field.subarray(1), mask, dims, vs, [0, 0, 1], quick)).toThrow(/TFI: field has/);
  });
});
