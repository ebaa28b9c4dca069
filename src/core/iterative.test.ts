import { describe, expect, it } from 'vitest';
import { forwardGradientPlus, scaledGradientAdjoint } from './finiteDifference';
import { forwardField } from './forwardModel';
import { computeMetrics } from './metrics';
import { ndi, ndiSolve } from './ndi';
import { brainPhantom } from './phantom';
import { seededRng } from './phantomRandom';
import { analyticSphereField, sphereVolume } from './testSpheres';
import { tkd } from './tkd';
import { tv, tvSolve } from './tv';
import { makeVolume, type Vec3, type Volume } from './volume';

describe('finite differences', () => {
  const dims: Vec3 = [7, 5, 6], vs: Vec3 = [0.9, 1.3, 2];
  const n = 7 * 5 * 6;
  const ones = new Float32Array(n).fill(1);
  const random = (seed: number) => { const rng = seededRng(seed); return Float32Array.from({ length: n }, () => rng.normal()); };
  it('the adjoint is the adjoint: <grad u, v> = <u, grad^T v> (anisotropic, odd sizes)', () => {
    const u = random(4);
    const v = [random(5), random(6), random(7)];
    const g = [0, 1, 2].map(() => new Float32Array(n));
    forwardGradientPlus(u, dims, vs, g[0], g[1], g[2], ones);
    const adj = new Float32Array(n);
    scaledGradientAdjoint(v[0], v[1], v[2], ones, dims, vs, adj);
    let lhs = 0, rhs = 0;
    for (let i = 0; i < n; i++) { lhs += g[0][i] * v[0][i] + g[1][i] * v[1][i] + g[2][i] * v[2][i]; rhs += u[i] * adj[i]; }
    expect(Math.abs(lhs - rhs) / Math.abs(rhs)).toBeLessThan(1e-5);
  });
  it('a hand-worked gradient: a ramp along x has slope 1/d_x inside and wraps at the end', () => {
    const u = Float32Array.from({ length: n }, (_, i) => i % 7);
    const g = [0, 1, 2].map(() => new Float32Array(n));
    forwardGradientPlus(u, dims, vs, g[0], g[1], g[2], ones);
    expect(g[0][0]).toBeCloseTo(1 / 0.9, 6);
    expect(g[0][6]).toBeCloseTo(-6 / 0.9, 6);
    expect(g[1][3]).toBe(0);
  });
  it('the scaled forms: the adjoint of the per-voxel scaled fields, and the gradient plus (1 - c) / 2 of the old', () => {
    const u = random(8), c = Float32Array.from(random(9), (x) => Math.tanh(x));
    const v = [random(10), random(11), random(12)];
    const want = new Float32Array(n), got = new Float32Array(n);
    scaledGradientAdjoint(...(v.map((a) => Float32Array.from(a, (x, i) => c[i] * x)) as [Float32Array, Float32Array, Float32Array]), ones, dims, vs, want);
    scaledGradientAdjoint(v[0], v[1], v[2], c, dims, vs, got);
    for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(want[i], 5);
    const plain = [0, 1, 2].map(() => new Float32Array(n));
    forwardGradientPlus(u, dims, vs, plain[0], plain[1], plain[2], ones);
    const plus = v.map((a) => Float32Array.from(a));
    forwardGradientPlus(u, dims, vs, plus[0], plus[1], plus[2], c);
    for (let a = 0; a < 3; a++) for (let i = 0; i < n; i++) expect(plus[a][i]).toBeCloseTo(plain[a][i] + 0.5 * (1 - c[i]) * v[a][i], 5);
  });
});

/**
 * A uniformly magnetised sphere (r = 5 mm, chi 0.1 ppm, smooth edge) with its analytic Lorentz-corrected field,
 * known inside a ball of radius 12 mm around it: the inversions must find the sphere from the field alone.
 */
describe('iterative inversion of an analytic sphere', () => {
  const dims: Vec3 = [32, 32, 32], vs: Vec3 = [1, 1, 1], c: Vec3 = [15.5, 15.5, 15.5];
  const b0: Vec3 = [0.2, 0, 1];
  const sphere = { centreMm: c, radiusMm: 5, chi: 0.1, edgeMm: 1 };
  const truth = sphereVolume(dims, vs, [sphere]);
  const mask = sphereVolume(dims, vs, [{ centreMm: c, radiusMm: 12, chi: 1 }]);
  const field = makeVolume(dims, vs);
  for (let z = 0, i = 0; z < 32; z++) for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++, i++) {
    if (mask.data[i] > 0) field.data[i] = analyticSphereField([x - c[0], y - c[1], z - c[2]], 5, 0.1, b0);
  }
  const interior = (v: Volume) => {
    const core = sphereVolume(dims, vs, [{ centreMm: c, radiusMm: 3, chi: 1 }]);
    let s = 0, n = 0;
    for (let i = 0; i < v.data.length; i++) if (core.data[i] > 0) { s += v.data[i]; n++; }
    return s / n;
  };

  it('TV recovers the interior within 10 % and converges (smaller steps, lower error with more iterations)', () => {
    const few = tvSolve(field, b0, mask, { maxIter: 5, tol: 0 });
    const many = tvSolve(field, b0, mask, { maxIter: 40, tol: 0 });
    expect(many.update).toBeLessThan(few.update);
    expect(Math.abs(interior(many.chi) - 0.1) / 0.1).toBeLessThan(0.1);
    expect(computeMetrics(many.chi, truth, mask).nrmse).toBeLessThan(computeMetrics(few.chi, truth, mask).nrmse);
    expect(computeMetrics(many.chi, truth, mask).nrmse).toBeLessThan(35);
  });

  it('NDI recovers the interior within 15 % and stops on its tolerance; without the support constraint it cannot', () => {
    const r = ndiSolve(field, b0, mask, { maxIter: 400, tol: 0.001 });
    expect(r.iterations).toBeLessThan(400);
    expect(r.update).toBeLessThan(0.001);
    expect(Math.abs(interior(r.chi) - 0.1) / 0.1).toBeLessThan(0.15);
    expect(computeMetrics(r.chi, truth, mask).nrmse).toBeLessThan(35);
    // sources outside the mask explain the sphere's (harmonic) exterior field: the interior comes out at ~half
    const free = ndiSolve(field, b0, mask, { maxIter: 100, tol: 0, support: false });
    expect(interior(free.chi)).toBeLessThan(0.07);
  });
});

/** The project's brain phantom (a training-side seed, src/core/phantom.ts), axial B0, 0.002 ppm field noise. */
describe('iterative inversions on the brain phantom', () => {
  const ph = brainPhantom({ dims: [32, 32, 32], voxelSize: [2, 2, 2], seed: 21 });
  const b0: Vec3 = [0, 0, 1];
  const field = forwardField(ph.chi, b0);
  const rng = seededRng(1021);
  for (let i = 0; i < field.data.length; i++) field.data[i] = ph.mask.data[i] > 0 ? field.data[i] + 0.002 * rng.normal() : 0;
  const nrmse = (x: Volume) => computeMetrics(x, ph.chi, ph.mask).nrmse;
  const base = nrmse(tkd(field, b0, 0.19, ph.mask));

  it('TV (defaults) beats TKD by far in NRMSE, with and without the magnitude', () => {
    expect(nrmse(tv(field, b0, ph.mask))).toBeLessThan(0.5 * base);
    expect(nrmse(tv(field, b0, ph.mask, { magnitude: ph.magnitude }))).toBeLessThan(0.6 * base);
  });

  it('NDI (defaults) beats TKD in NRMSE', () => {
    expect(nrmse(ndi(field, b0, ph.mask))).toBeLessThan(base);
  });

  it('reports iterations as progress and stops on the abort signal', () => {
    const seen: [number, number, string][] = [];
    tv(field, b0, ph.mask, { maxIter: 3, tol: 0, onProgress: (d, t, s) => seen.push([d, t, s]) });
    expect(seen.map((s) => s[0])).toEqual([0, 1, 2, 3]);
    expect(seen.every((s) => s[1] === 3 && s[2] === 'TV iterations')).toBe(true);
    const ctl = new AbortController();
    let n = 0;
    expect(() => ndi(field, b0, ph.mask, { maxIter: 50, tol: 0, signal: ctl.signal, onProgress: () => { if (++n === 3) ctl.abort(); } })).toThrow();
    expect(n).toBe(3);
  });

  it('refuses bad parameters with a clear message', () => {
    expect(() => tv(field, b0, ph.mask, { lambda: -1 })).toThrow(/lambda/);
    expect(() => ndi(field, b0, ph.mask, { maxIter: 0 })).toThrow(/iterations/);
  });
});
