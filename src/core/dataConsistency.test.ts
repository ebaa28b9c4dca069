// Data consistency against numpy (fixture), against its own definition on a periodic grid (exact cases, limits, the
// residual it removes), and its L-curve's k-space norms against image-space norms of its own output.
import { describe, expect, it } from 'vitest';
import fx from './__fixtures__/dipole_fixture.json';
import { dataConsistency } from './dataConsistency';
import { dataConsistencyLCurve, softDataConsistency } from './dataConsistencyLCurve';
import { pickLambda } from './lambdaChoice';
import { dipoleKernel } from './dipoleKernel';
import { forwardField } from './forwardModel';
import { insideMask, nrmse } from './metrics';
import { brainPhantom } from './phantom';
import { seededRng } from './phantomRandom';
import { filterReal } from './spectralFilter';
import { tkd } from './tkd';
import { makeVolume, withData, type Vec3, type Volume } from './volume';

const relErr = (a: ArrayLike<number>, b: ArrayLike<number>) => {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num = Math.max(num, Math.abs(a[i] - b[i])); den = Math.max(den, Math.abs(b[i])); }
  return num / den;
};
const norm = (a: ArrayLike<number>) => Math.sqrt(Array.from(a).reduce((s, v) => s + v * v, 0));
const diff = (a: ArrayLike<number>, b: ArrayLike<number>) => Float32Array.from(a, (v, i) => v - b[i]);

describe('data consistency against numpy (tilted B0, 0.9x1.1x1.6 mm, masked)', () => {
  const dims = fx.dims as Vec3, vs = fx.voxelSize as Vec3, b0 = fx.b0Dir as Vec3;
  const vol = (a: number[]): Volume => makeVolume(dims, vs, undefined, Float32Array.from(a));
  const mask = vol(fx.mask), field = vol(fx.fields[0]), net = vol(fx.chiNet);
  it('soft, lambda as in the fixture', () => {
    expect(relErr(dataConsistency(field, net, b0, { lambda: fx.dcLambda, mask }).data, fx.dcSoft)).toBeLessThan(1e-4);
  });
  it('hard, threshold as in the fixture', () => {
    expect(relErr(dataConsistency(field, net, b0, { kind: 'hard', threshold: fx.dcThreshold, mask }).data, fx.dcHard)).toBeLessThan(1e-4);
  });
});

// periodic grid (padFactor 1 on fast, even dims): the forward model is exactly diagonal, so the algebra is exact
const dims: Vec3 = [16, 12, 10], vs: Vec3 = [1, 1.2, 2], b0: Vec3 = [Math.sin(0.4), 0, Math.cos(0.4)];
const periodicForward = (chi: Volume) => withData(chi, filterReal(chi.data, chi.dims, (pd) => dipoleKernel(pd, vs, b0), undefined, 1));
function randomChi(seed: number, smooth = 2): Volume {
  const rng = seededRng(seed);
  const v = makeVolume(dims, vs, undefined, Float32Array.from({ length: dims[0] * dims[1] * dims[2] }, () => 0.1 * rng.normal()));
  // a few periodic box passes so the map is not white noise
  let a = v.data;
  const [nx, ny, nz] = dims;
  const at = (x: number, y: number, z: number) => ((x + nx) % nx) + nx * (((y + ny) % ny) + ny * ((z + nz) % nz));
  for (let p = 0; p < smooth; p++) {
    const b = new Float32Array(a.length);
    for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
      b[at(x, y, z)] = (a[at(x - 1, y, z)] + a[at(x + 1, y, z)] + a[at(x, y - 1, z)] + a[at(x, y + 1, z)] + a[at(x, y, z - 1)] + a[at(x, y, z + 1)] + a[at(x, y, z)]) / 7;
    }
    a = b;
  }
  return withData(v, a);
}

describe('data consistency on a periodic grid', () => {
  const chi = randomChi(1), field = periodicForward(chi), net = randomChi(2);
  it('a network output equal to the truth is kept, for any lambda and the hard rule', () => {
    for (const lambda of [1e-3, 0.02, 1]) {
      expect(relErr(dataConsistency(field, chi, b0, { lambda, padFactor: 1 }).data, chi.data)).toBeLessThan(1e-4);
    }
    expect(relErr(dataConsistency(field, chi, b0, { kind: 'hard', padFactor: 1 }).data, chi.data)).toBeLessThan(1e-4);
  });
  it('large lambda returns the network output, small lambda fits the field', () => {
    const loose = dataConsistency(field, net, b0, { lambda: 1e6, padFactor: 1 });
    expect(relErr(loose.data, net.data)).toBeLessThan(1e-4);
    const tight = dataConsistency(field, net, b0, { lambda: 1e-6, padFactor: 1 });
    const resTight = norm(diff(periodicForward(tight).data, field.data)) / norm(field.data);
    expect(resTight).toBeLessThan(1e-3);
  });
  it('the residual against the field falls monotonically as lambda falls, and the distance to the network grows', () => {
    const res: number[] = [], dist: number[] = [];
    for (const lambda of [1, 0.1, 0.01, 0.001]) {
      const x = dataConsistency(field, net, b0, { lambda, padFactor: 1 });
      res.push(norm(diff(periodicForward(x).data, field.data)));
      dist.push(norm(diff(x.data, net.data)));
    }
    for (let i = 1; i < res.length; i++) { expect(res[i]).toBeLessThan(res[i - 1]); expect(dist[i]).toBeGreaterThan(dist[i - 1]); }
    expect(res[0]).toBeLessThan(norm(diff(periodicForward(net).data, field.data)));
  });
  it('hard: the field decides where |D| > t, the network where |D| <= t', () => {
    // a network output differing from the truth only by a source that lives where |D| is large cannot survive
    const x = dataConsistency(field, net, b0, { kind: 'hard', threshold: 0.19, padFactor: 1 });
    const resHard = norm(diff(periodicForward(x).data, field.data));
    const resNet = norm(diff(periodicForward(net).data, field.data));
    expect(resHard).toBeLessThan(0.5 * resNet);
    // t -> 2/3 (above every |D| but the axis): nothing but the network is left
    const all = dataConsistency(field, net, b0, { kind: 'hard', threshold: 2 / 3, padFactor: 1 });
    expect(relErr(all.data, net.data)).toBeLessThan(0.05);
  });
  it('refuses a network output on another grid and a bad lambda', () => {
    expect(() => dataConsistency(field, makeVolume([8, 8, 8]), b0)).toThrow(/network output is 8x8x8/);
    expect(() => dataConsistency(field, net, b0, { lambda: 0 })).toThrow(/lambda must be > 0/);
  });
});

describe('data-consistency L-curve', () => {
  const chi = randomChi(3), field = periodicForward(chi), net = withData(chi, chi.data.map((v) => 0.5 * v + 0.01));
  it('its norms are ||D chi_dc - f|| and ||chi_dc - chi_net|| of dataConsistency at the same lambda', () => {
    const lambdas = [0.003, 0.03, 0.3];
    const curve = dataConsistencyLCurve(field, net, b0, { lambdas, padFactor: 1 });
    curve.points.forEach((p, i) => {
      const x = dataConsistency(field, net, b0, { lambda: lambdas[i], padFactor: 1 });
      // the field's k = 0 bin is 0 (a forward field), so leaving the D = 0 bins out of the residual changes nothing
      expect(p.residual / norm(diff(periodicForward(x).data, field.data))).toBeCloseTo(1, 3);
      expect(p.regulariser / norm(diff(x.data, net.data))).toBeCloseTo(1, 3);
    });
  });
  it('has a corner inside a wide grid', () => {
    const curve = dataConsistencyLCurve(field, net, b0, { padFactor: 1 });
    expect(curve.corner).toBeGreaterThan(1e-4);
    expect(curve.corner).toBeLessThan(1);
  });
  it('softDataConsistency: a given lambda, or the one a rule picks on this curve, then the same step', () => {
    const fixed = softDataConsistency(field, net, b0, { lambda: 0.03 }, { padFactor: 1 });
    expect(fixed.lambda).toBe(0.03);
    expect(fixed.curve).toBeUndefined();
    expect(relErr(fixed.chi.data, dataConsistency(field, net, b0, { lambda: 0.03, padFactor: 1 }).data)).toBe(0);
    const auto = softDataConsistency(field, net, b0, { rule: 'corner' }, { padFactor: 1 });
    const want = pickLambda(dataConsistencyLCurve(field, net, b0, { padFactor: 1 }), 'corner').value;
    expect(auto.lambda).toBe(want);
    expect(auto.rule).toBe('corner');
    expect(relErr(auto.chi.data, dataConsistency(field, net, b0, { lambda: want, padFactor: 1 }).data)).toBe(0);
  });
  it('refuses a network output that already explains the field', () => {
    expect(() => dataConsistencyLCurve(makeVolume(dims, vs), makeVolume(dims, vs), b0, { padFactor: 1 })).toThrow(/no residual/);
  });
});

describe('on the brain phantom with noise', () => {
  it('pulls a shrunken estimate back towards the truth and beats TKD', () => {
    const ph = brainPhantom({ dims: [48, 48, 48], voxelSize: [1.5, 1.5, 1.5] });
    const b: Vec3 = [0, 0, 1];
    const rng = seededRng(7);
    const f = forwardField(ph.chi, b);
    const field = withData(f, f.data.map((v) => v + 0.002 * rng.normal()));
    // a stand-in for a network that underestimates contrast: 0.6 x truth
    const net = withData(ph.chi, ph.chi.data.map((v) => 0.6 * v));
    const dc = dataConsistency(field, net, b, { mask: ph.mask });
    const inside = insideMask(ph.chi.data.length, ph.mask);
    const e = (x: Volume) => nrmse(x.data, ph.chi.data, inside);
    // measured at the default lambda: network 40 %, + data consistency 36 %, TKD 52 % (the cone keeps the network's 0.6x)
    expect(e(dc)).toBeLessThan(0.92 * e(net));
    expect(e(dc)).toBeLessThan(0.75 * e(tkd(field, b, 0.19, ph.mask)));
  });
});
