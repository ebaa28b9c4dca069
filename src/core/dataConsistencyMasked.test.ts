// Masked data consistency against a dense numpy solve of its normal equations (fixture), and its own properties:
// the solution satisfies the normal equations, keeps a network output that already explains the masked field,
// reaches the field's own inversion as lambda -> 0 where the data determine chi, and stops on a cancel.
import { describe, expect, it } from 'vitest';
import fx from './__fixtures__/dipole_fixture.json';
import { dataConsistency } from './dataConsistency';
import { MASKED_DC_DEFAULTS, maskedDataConsistency, maskedDataConsistencyAsync } from './dataConsistencyMasked';
import { forwardField } from './forwardModel';
import { insideMask, nrmse } from './metrics';
import { brainPhantom } from './phantom';
import { seededRng } from './phantomRandom';
import { makeVolume, withData, type Vec3, type Volume } from './volume';

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num = Math.max(num, Math.abs(a[i] - b[i])); den = Math.max(den, Math.abs(b[i])); }
  return num / den;
};

describe('masked data consistency against a dense numpy solve (tilted B0, 0.9x1.1x1.6 mm)', () => {
  const dims = fx.dims as Vec3, vs = fx.voxelSize as Vec3, b0 = fx.b0Dir as Vec3;
  const vol = (a: number[]): Volume => makeVolume(dims, vs, undefined, Float32Array.from(a));
  const mask = vol(fx.mask), field = vol(fx.fields[0]), net = vol(fx.chiNet);
  it('converged CG equals the direct solve', () => {
    const r = maskedDataConsistency(field, net, b0, mask, { lambda: fx.dcMaskedLambda, tol: 1e-6, maxIter: 200 });
    expect(r.residual).toBeLessThan(1e-5);
    expect(relErr(r.chi.data, fx.dcMasked)).toBeLessThan(1e-3);
  });
  it('differs from the closed form, which takes the field outside the mask for measured zeros', () => {
    const closed = dataConsistency(field, net, b0, { lambda: fx.dcMaskedLambda, mask });
    expect(relErr(closed.data, fx.dcMasked)).toBeGreaterThan(0.05);
  });
  it('the default stopping rule lands within 1 % of the direct solve', () => {
    const r = maskedDataConsistency(field, net, b0, mask, { lambda: fx.dcMaskedLambda });
    expect(r.iterations).toBeLessThanOrEqual(MASKED_DC_DEFAULTS.maxIter);
    expect(relErr(r.chi.data, fx.dcMasked)).toBeLessThan(0.01);
  });
});

describe('masked data consistency on the brain phantom (48^3, 3 mm, B0 tilted)', () => {
  const b0: Vec3 = [Math.sin(0.35), 0, Math.cos(0.35)];
  const ph = brainPhantom({ dims: [48, 48, 48], voxelSize: [3, 3, 3], seed: 5 });
  const mask = ph.mask;
  const rng = seededRng(9);
  const field = withData(ph.chi, Float32Array.from(forwardField(ph.chi, b0).data, (v, i) => (mask.data[i] ? v + 0.002 * rng.normal() : 0)));
  const truth = withData(ph.chi, Float32Array.from(ph.chi.data, (v, i) => (mask.data[i] ? v : 0)));
  const inside = insideMask(truth.data.length, mask);
  const e = (x: Volume) => nrmse(x.data, truth.data, inside);
  it('keeps a network output equal to the truth (noise-free field); the closed form does not', () => {
    const clean = withData(field, Float32Array.from(forwardField(ph.chi, b0).data, (v, i) => (mask.data[i] ? v : 0)));
    // measured 1.2 % (the box's padding is not the forward model's; 0.2 % at padFactor 3) against 27.6 % closed-form
    expect(e(maskedDataConsistency(clean, truth, b0, mask).chi)).toBeLessThan(2);
    expect(e(dataConsistency(clean, truth, b0, { lambda: MASKED_DC_DEFAULTS.lambda, mask }))).toBeGreaterThan(15);
  });
  it('pulls a poor network output (shrunk, offset) toward the truth, further than the closed form', () => {
    const poor = withData(truth, Float32Array.from(truth.data, (v, i) => (mask.data[i] ? 0.4 * v + 0.01 : 0)));
    const before = e(poor);
    const masked = e(maskedDataConsistency(field, poor, b0, mask).chi);
    const closed = e(dataConsistency(field, poor, b0, { lambda: MASKED_DC_DEFAULTS.lambda, mask }));
    console.log(`poor network ${before.toFixed(1)} %, masked DC ${masked.toFixed(1)} %, closed form ${closed.toFixed(1)} %`);
    expect(masked).toBeLessThan(0.7 * before);
    expect(masked).toBeLessThan(closed);
  });
  it('is zero outside the mask and finite inside', () => {
    const r = maskedDataConsistency(field, truth, b0, mask);
    for (let i = 0; i < mask.data.length; i++) {
      if (!mask.data[i]) expect(r.chi.data[i]).toBe(0);
      else expect(Number.isFinite(r.chi.data[i])).toBe(true);
    }
  });
});

describe('masked data consistency: checks and cancel', () => {
  const dims: Vec3 = [12, 10, 8], vs: Vec3 = [1, 1, 1];
  const v = makeVolume(dims, vs, undefined, new Float32Array(960).fill(0.01));
  it('refuses lambda <= 0, bad iteration counts and mismatched grids', () => {
    expect(() => maskedDataConsistency(v, v, [0, 0, 1], undefined, { lambda: 0 })).toThrow(/lambda/);
    expect(() => maskedDataConsistency(v, v, [0, 0, 1], undefined, { maxIter: 0 })).toThrow(/iterations/);
    expect(() => maskedDataConsistency(v, makeVolume([12, 10, 7], vs), [0, 0, 1])).toThrow(/network output/);
  });
  it('stops on an aborted signal', async () => {
    const c = new AbortController();
    c.abort();
    await expect(maskedDataConsistencyAsync(v, v, [0, 0, 1], undefined, { signal: c.signal })).rejects.toThrow();
  });
});
