// The phase offset smoothed in space (MCPC-3D-S-like) and the field fitted through it, against known truth and
// against the variance that least squares predicts.
import { describe, expect, it } from 'vitest';
import { fitPolynomial } from '../polynomialFit';
import { seededRng } from '../phantomRandom';
import type { Vec3 } from '../volume';
import { sampleGrid } from './testGrid';
import { totalFieldHz } from './echoCombination';
import { fitThroughOffset, smoothPhaseOffset } from './phaseOffset';
import { wrapArray, wrapToPi } from './wrap';

const dims: Vec3 = [32, 28, 22];
const vs: Vec3 = [1.5, 1.5, 2];
const n = dims[0] * dims[1] * dims[2];
const TWO_PI = 2 * Math.PI;

const grid = (f: (x: number, y: number, z: number) => number) => sampleGrid(dims, f);
const mask = Uint8Array.from(grid((x, y, z) => (((x - 15.5) / 14) ** 2 + ((y - 13.5) / 12) ** 2 + ((z - 10.5) / 9.5) ** 2 <= 1 ? 1 : 0)));
const rng = seededRng(7);
const gauss = () => rng.normal();

describe('fitPolynomial', () => {
  it('recovers a quadratic exactly, ignoring voxels outside the mask or of zero weight', () => {
    const q = grid((x, y, z) => 0.3 - 0.02 * x + 0.05 * y * z / 10 + 0.004 * (x - 9) ** 2 - 0.01 * z);
    const values = Float32Array.from(q, (v, i) => (i % 5 === 0 ? 99 : v));
    const weights = Float32Array.from(q, (_, i) => (i % 5 === 0 ? 0 : 1 + (i % 3)));
    const fit = fitPolynomial(values, mask, dims, vs, 2, weights);
    let worst = 0;
    for (let i = 0; i < n; i++) worst = Math.max(worst, Math.abs(fit[i] - q[i]));
    expect(worst).toBeLessThan(1e-4); // everywhere, also outside the mask: the same polynomial
  });
  it('of degree 0 is the weighted mean', () => {
    const v = grid((x) => x);
    const w = grid((x) => (x < 10 ? 3 : 1));
    let sw = 0, swv = 0;
    for (let i = 0; i < n; i++) if (mask[i]) { sw += w[i]; swv += w[i] * v[i]; }
    expect(fitPolynomial(v, mask, dims, vs, 0, w)[0]).toBeCloseTo(swv / sw, 4);
  });
});

describe('phase offset smoothing', () => {
  // several radians, wrapping, with a non-polynomial part the Gaussian has to follow
  const truth = grid((x, y, z) => 2 + 0.35 * x - 0.25 * y + 0.004 * (z - 10) ** 2 + 0.6 * Math.sin(0.15 * x + 0.1 * z));
  it('follows a smooth wrapped offset from a noisy per-voxel estimate, near each voxel\'s own value mod 2 pi', () => {
    const sigma = 0.3;
    const noisy = wrapArray(Float32Array.from(truth, (t) => t + sigma * gauss()));
    const weight = new Float32Array(n).fill(1);
    const s = smoothPhaseOffset(noisy, weight, mask, dims, vs, 5);
    let se = 0, inside = 0, farFromOwn = 0;
    for (let i = 0; i < n; i++) {
      if (!mask[i]) continue;
      se += wrapToPi(s[i] - truth[i]) ** 2; inside++;
      if (Math.abs(s[i] - noisy[i]) > Math.PI + 1e-6) farFromOwn++;
    }
    // the estimate's error falls well below the per-voxel noise (about 100 voxels in the Gaussian's volume at 5 mm)
    expect(Math.sqrt(se / inside)).toBeLessThan(sigma / 4);
    expect(farFromOwn).toBe(0);
  });
  it('returns a quadratic offset exactly up to the mask\'s edge', () => {
    const q = grid((x, y) => 1 + 0.4 * x - 0.3 * y + 0.01 * x * y);
    const s = smoothPhaseOffset(wrapArray(q), new Float32Array(n).fill(1), mask, dims, vs, 5);
    let worst = 0;
    for (let i = 0; i < n; i++) if (mask[i]) worst = Math.max(worst, Math.abs(wrapToPi(s[i] - q[i])));
    expect(worst).toBeLessThan(1e-3);
  });
  it('refuses a sigma that is not a positive number', () => {
    expect(() => smoothPhaseOffset(truth, truth, mask, dims, vs, 0)).toThrow(/sigma > 0/);
  });
});

describe('the field fitted through a smooth offset', () => {
  const tes = [0.004, 0.008, 0.012, 0.016];
  const hz = grid((x, y, z) => 25 * Math.sin(0.12 * x) + 2 * (y - 14) - 1.5 * (z - 11));
  const offset = grid((x, y) => 2.5 + 0.3 * x - 0.2 * y);
  const mags = tes.map(() => new Float32Array(n).fill(1));
  const noise = 0.05; // radians per echo
  const phases = tes.map((te) => wrapArray(Float32Array.from(hz, (f, i) => offset[i] + TWO_PI * f * te + noise * gauss())));
  const data = { phases, magnitudes: mags, echoTimes: tes, dims, voxelSize: vs, mask };
  const rms = (f: Float32Array) => {
    let s = 0, c = 0;
    for (let i = 0; i < n; i++) if (mask[i]) { s += (f[i] - hz[i]) ** 2; c++; }
    return Math.sqrt(s / c);
  };

  it('is as noisy as a line through a known offset, not as one with an intercept', () => {
    const smooth = rms(totalFieldHz(data, { unwrap: 'romeo' }).fieldHz);
    const fit = rms(totalFieldHz(data, { unwrap: 'romeo', offset: 'fit' }).fieldHz);
    // least squares with equal weights: std sigma / (2 pi sqrt(sum TE^2)) through the offset, sigma / (2 pi
    // sqrt(sum (TE - mean)^2)) with an intercept
    const sumTe2 = tes.reduce((s, t) => s + t * t, 0), mean = tes.reduce((s, t) => s + t, 0) / tes.length;
    const sumDev2 = tes.reduce((s, t) => s + (t - mean) ** 2, 0);
    const withIntercept = noise / (TWO_PI * Math.sqrt(sumDev2)), throughOffset = noise / (TWO_PI * Math.sqrt(sumTe2));
    expect(fit / withIntercept).toBeGreaterThan(0.93);
    expect(fit / withIntercept).toBeLessThan(1.07);
    // the smoothed offset's own error adds a little
    expect(smooth / throughOffset).toBeGreaterThan(0.93);
    expect(smooth / throughOffset).toBeLessThan(1.15);
  });
  it('reports how far the smoothed offset departs from the per-voxel intercepts, in units of their noise', () => {
    const smooth = totalFieldHz(data, { unwrap: 'romeo' }).offsetDeparture!;
    // chi^2(1) median over chi^2(2) / 2 median = 0.455 / 0.693 for a smooth offset
    expect(smooth).toBeGreaterThan(0.4);
    expect(smooth).toBeLessThan(1.0);
    // an offset with steps (as a coil-combination singularity leaves) is not what smoothing can follow
    const stepped = grid((x, y) => 2.5 + 0.3 * x - 0.2 * y + (Math.sin(0.9 * x + 0.7 * y) > 0 ? 1.2 : 0));
    const ph = tes.map((te) => wrapArray(Float32Array.from(hz, (f, i) => stepped[i] + TWO_PI * f * te + noise * gauss())));
    expect(totalFieldHz({ ...data, phases: ph }, { unwrap: 'romeo' }).offsetDeparture!).toBeGreaterThan(10);
    expect(totalFieldHz({ ...data, phases: ph }, { unwrap: 'romeo', offset: 'fit' }).offsetDeparture).toBeUndefined();
  });
  it('fitThroughOffset is exact on noise-free lines', () => {
    const psi = tes.map((te) => Float32Array.from(hz, (f, i) => offset[i] + TWO_PI * f * te));
    const slope = fitThroughOffset(psi, mags, tes, mask, offset);
    let worst = 0;
    for (let i = 0; i < n; i++) if (mask[i]) worst = Math.max(worst, Math.abs(slope[i] / TWO_PI - hz[i]));
    expect(worst).toBeLessThan(1e-3);
  });
});
