// Unwrapping and echo combination on wrapped smooth phase with known truth.
import { describe, expect, it } from 'vitest';
import type { Vec3 } from '../volume';
import { sampleGrid } from './testGrid';
import { totalFieldHz } from './echoCombination';
import { laplacianUnwrap } from './laplacianUnwrap';
import { romeoUnwrap } from './romeoUnwrap';
import { wrapArray, wrapToPi } from './wrap';

const dims: Vec3 = [30, 26, 20];
const vs: Vec3 = [1, 1.1, 1.4];
const n = dims[0] * dims[1] * dims[2];
const TWO_PI = 2 * Math.PI;

const grid = (f: (x: number, y: number, z: number) => number) => sampleGrid(dims, f);
const ellipsoid = Uint8Array.from(grid((x, y, z) => (((x - 14.5) / 13) ** 2 + ((y - 12.5) / 11) ** 2 + ((z - 9.5) / 8.5) ** 2 <= 1 ? 1 : 0)));
// about 12 turns across the grid, gradients up to ~2 rad per voxel
const smooth = grid((x, y, z) => 0.9 * x - 0.5 * y + 0.02 * (x - 15) * (y - 13) + 3 * Math.sin(0.2 * z + 0.1 * x) + 0.01 * (z - 10) ** 2);

/** max over the mask of |u - truth - 2 pi k| for the best single k */
function offByOneTurn(u: Float32Array, truth: Float32Array, mask: Uint8Array): number {
  let k: number | undefined, worst = 0;
  for (let i = 0; i < n; i++) {
    if (!mask[i]) continue;
    const d = u[i] - truth[i];
    k ??= Math.round(d / TWO_PI);
    worst = Math.max(worst, Math.abs(d - TWO_PI * k));
  }
  return worst;
}

describe('region-growing (ROMEO-style) unwrapping', () => {
  it('gives back the exact phase up to one global 2 pi k, and keeps every wrapped value', () => {
    const w = wrapArray(smooth);
    const u = romeoUnwrap(w, dims, vs, { mask: ellipsoid });
    expect(offByOneTurn(u, smooth, ellipsoid)).toBeLessThan(1e-4);
    for (let i = 0; i < n; i++) if (ellipsoid[i]) expect(Math.abs(wrapToPi(u[i] - w[i]))).toBeLessThan(1e-4);
    for (let i = 0; i < n; i++) if (!ellipsoid[i]) expect(u[i]).toBe(0);
  });
  it('goes around a noisy dark region through bright voxels (magnitude weights)', () => {
    const mag = grid((x, y, z) => ((x - 15) ** 2 + (y - 13) ** 2 < 9 && z > 4 && z < 16 ? 0.05 : 1));
    let s = 12345;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
    const noisy = Float32Array.from(smooth, (v, i) => v + (mag[i] < 0.5 ? 6 * (rnd() - 0.5) : 0));
    const u = romeoUnwrap(wrapArray(noisy), dims, vs, { mask: ellipsoid, magnitude: mag });
    const bright = Uint8Array.from(ellipsoid, (m, i) => (m && mag[i] > 0.5 ? 1 : 0));
    expect(offByOneTurn(u, smooth, bright)).toBeLessThan(1e-4);
  });
  it('chooses the turn that puts the median within [-pi, pi)', () => {
    const u = romeoUnwrap(wrapArray(smooth.map((v) => v + 40)), dims, vs, { mask: ellipsoid });
    const vals = Array.from(u).filter((_, i) => ellipsoid[i]).sort((a, b) => a - b);
    const med = vals[vals.length >> 1];
    expect(med).toBeGreaterThanOrEqual(-Math.PI);
    expect(med).toBeLessThan(Math.PI);
  });
  it('honours an abort signal', () => {
    const ac = new AbortController();
    ac.abort();
    expect(() => romeoUnwrap(wrapArray(smooth), dims, vs, { mask: ellipsoid, signal: ac.signal })).toThrow();
  });
});

describe('Laplacian unwrapping', () => {
  it('has no 2 pi jumps: its Laplacian inside the mask is the true phase Laplacian', () => {
    const u = laplacianUnwrap(wrapArray(smooth), dims, vs, { mask: ellipsoid });
    // away from the mask's edge the result is truth + a harmonic function, so second differences agree
    let worst = 0;
    const [nx, ny] = dims;
    for (let z = 3; z < dims[2] - 3; z++) for (let y = 3; y < ny - 3; y++) for (let x = 3; x < nx - 3; x++) {
      const i = x + nx * (y + ny * z);
      if (!ellipsoid[i - 2] || !ellipsoid[i + 2] || !ellipsoid[i - 2 * nx] || !ellipsoid[i + 2 * nx] || !ellipsoid[i - 2 * nx * ny] || !ellipsoid[i + 2 * nx * ny]) continue;
      const lap = (a: Float32Array) => (a[i + 1] + a[i - 1] - 2 * a[i]) / vs[0] ** 2 + (a[i + nx] + a[i - nx] - 2 * a[i]) / vs[1] ** 2 + (a[i + nx * ny] + a[i - nx * ny] - 2 * a[i]) / vs[2] ** 2;
      worst = Math.max(worst, Math.abs(lap(u) - lap(smooth)));
    }
    expect(worst).toBeLessThan(1e-3);
  });
});

describe('multi-echo total field', () => {
  const tes = [0.004, 0.009, 0.014, 0.019];
  const hz = grid((x, y, z) => 60 * Math.sin(0.15 * x) + 4 * (y - 13) - 3 * (z - 10) + 0.3 * (x - 15) ** 2);
  const offset = grid((x, y) => 2.5 + 0.3 * x - 0.2 * y); // several radians, wraps on its own
  const mags = tes.map((te) => grid(() => Math.exp(-te / 0.04)));
  const phases = tes.map((te) => wrapArray(Float32Array.from(hz, (f, i) => offset[i] + TWO_PI * f * te)));
  const data = { phases, magnitudes: mags, echoTimes: tes, dims, voxelSize: vs, mask: ellipsoid };

  it('romeo: exact field with a phase offset, every echo its wrapped value plus 2 pi k, consistently', () => {
    const r = totalFieldHz(data, { unwrap: 'romeo' });
    let worst = 0;
    for (let i = 0; i < n; i++) if (ellipsoid[i]) worst = Math.max(worst, Math.abs(r.fieldHz[i] - hz[i]));
    // the global 2 pi k of the echo difference is a whole number of turns over TE2 - TE1 = 5 ms, i.e. 200 Hz
    const k = Math.round((r.fieldHz[ellipsoid.indexOf(1)] - hz[ellipsoid.indexOf(1)]) / 200);
    expect(k).toBe(0);
    expect(worst).toBeLessThan(0.05);
    for (const [e, u] of r.unwrapped.entries()) for (let i = 0; i < n; i += 7) if (ellipsoid[i]) expect(Math.abs(wrapToPi(u[i] - phases[e][i]))).toBeLessThan(1e-4);
  });
  it('laplacian: the field Laplacian is right (values up to a harmonic function)', () => {
    const r = totalFieldHz(data, { unwrap: 'laplacian' });
    let a = 0, b = 0;
    const [nx, ny] = dims;
    for (let i = 0; i < n; i++) {
      if (!ellipsoid[i] || !ellipsoid[i - 1] || !ellipsoid[i + 1] || !ellipsoid[i - nx] || !ellipsoid[i + nx] || !ellipsoid[i - nx * ny] || !ellipsoid[i + nx * ny]) continue;
      const lap = (f: Float32Array) => (f[i + 1] + f[i - 1] - 2 * f[i]) / vs[0] ** 2 + (f[i + nx] + f[i - nx] - 2 * f[i]) / vs[1] ** 2 + (f[i + nx * ny] + f[i - nx * ny] - 2 * f[i]) / vs[2] ** 2;
      a += (lap(r.fieldHz) - lap(hz)) ** 2; b += lap(hz) ** 2;
    }
    expect(Math.sqrt(a / b)).toBeLessThan(0.05);
  });
  it('one echo: phase / (2 pi TE), offset taken as 0', () => {
    const p = [wrapArray(Float32Array.from(hz, (f) => TWO_PI * f * 0.004))];
    const r = totalFieldHz({ ...data, phases: p, magnitudes: [mags[0]], echoTimes: [0.004] }, { unwrap: 'romeo' });
    let worst = 0;
    for (let i = 0; i < n; i++) if (ellipsoid[i]) worst = Math.max(worst, Math.abs(r.fieldHz[i] - hz[i]));
    expect(worst).toBeLessThan(0.05);
  });
  it('refuses mismatched echo counts and unordered echo times', () => {
    expect(() => totalFieldHz({ ...data, echoTimes: tes.slice(0, 3) })).toThrow(/4 echoes but 3 echo times/);
    expect(() => totalFieldHz({ ...data, echoTimes: [0.004, 0.003, 0.014, 0.019] })).toThrow(/must increase/);
  });
});
