import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/metrics_fixture.json';
import { logKernel3 } from './hfen';
import { computeMetrics, nrmse, psnr } from './metrics';
import { linearRegression } from './regression';
import { makeVolume, type Vec3 } from './volume';

const rel = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

describe('metrics against numpy/scipy (make_metrics_fixture.py)', () => {
  const dims = fixture.dims as Vec3;
  const pred = makeVolume(dims, [1, 1, 1], undefined, Float32Array.from(fixture.pred));
  const ref = makeVolume(dims, [1, 1, 1], undefined, Float32Array.from(fixture.ref));
  const mask = makeVolume(dims, [1, 1, 1], undefined, Float32Array.from(fixture.mask));

  it('every metric agrees to 1e-4 relative inside the mask', () => {
    const m = computeMetrics(pred, ref, mask);
    expect(Object.keys(m).sort()).toEqual(['hfen', 'intercept', 'nrmse', 'psnr', 'r2', 'slope', 'ssim']);
    for (const [k, v] of Object.entries(fixture.expected)) expect(rel(m[k as keyof typeof m], v), k).toBeLessThan(1e-4);
  });

  it('without a mask the whole grid counts', () => {
    const m = computeMetrics(pred, ref);
    for (const [k, v] of Object.entries(fixture.expectedNoMask)) expect(rel(m[k as keyof typeof m], v), k).toBeLessThan(1e-4);
  });
});

describe('metrics, hand-worked', () => {
  it('NRMSE, PSNR and regression on four voxels', () => {
    const r = [0, 1, 2, 3], x = [1, 2, 3, 5], inside = new Uint8Array([1, 1, 1, 1]);
    // x - r = (1,1,1,2): ||.|| = sqrt(7); ||r|| = sqrt(14) -> NRMSE = 100/sqrt(2).
    expect(nrmse(x, r, inside)).toBeCloseTo(100 / Math.SQRT2, 10);
    // RMSE = sqrt(7/4), range 3 -> PSNR = 20 log10(3 / sqrt(1.75)).
    expect(psnr(x, r, inside)).toBeCloseTo(20 * Math.log10(3 / Math.sqrt(1.75)), 10);
    // means r 1.5, x 2.75; S_rr = 5, S_rx = (-1.5)(-1.75)+(-.5)(-.75)+(.5)(.25)+(1.5)(2.25) = 6.5
    // slope 1.3, intercept 2.75 - 1.95 = 0.8; S_xx = 3.0625+.5625+.0625+5.0625 = 8.75; R^2 = 6.5^2/(5*8.75).
    const fit = linearRegression(x, r, inside);
    expect(fit.slope).toBeCloseTo(1.3, 12);
    expect(fit.intercept).toBeCloseTo(0.8, 12);
    expect(fit.r2).toBeCloseTo(42.25 / 43.75, 12);
    // The mask excludes the outlier: the rest is x = r + 1 exactly.
    const fit3 = linearRegression(x, r, new Uint8Array([1, 1, 1, 0]));
    expect([fit3.slope, fit3.intercept, fit3.r2].map((v) => +v.toFixed(12))).toEqual([1, 1, 1]);
  });

  it('perfect prediction: NRMSE 0, SSIM 1, HFEN 0, slope 1', () => {
    const dims: Vec3 = [12, 10, 9];
    const ref = makeVolume(dims);
    for (let i = 0; i < ref.data.length; i++) ref.data[i] = 0.1 * Math.sin(i * 0.37);
    const m = computeMetrics(ref, ref);
    expect(m.nrmse).toBe(0);
    expect(m.ssim).toBeCloseTo(1, 12);
    expect(m.hfen).toBe(0);
    expect(m.slope).toBeCloseTo(1, 12);
  });

  it('the LoG kernel is zero-mean and symmetric', () => {
    const k = logKernel3();
    expect(k.length).toBe(15 ** 3);
    expect(Math.abs(k.reduce((s, v) => s + v, 0))).toBeLessThan(1e-12);
    const at = (x: number, y: number, z: number) => k[x + 15 * (y + 15 * z)];
    expect(at(7, 7, 7)).toBeLessThan(0);
    expect(at(2, 7, 9)).toBeCloseTo(at(9, 2, 7), 15);
    expect(at(3, 7, 7)).toBeCloseTo(at(11, 7, 7), 15);
  });
});
