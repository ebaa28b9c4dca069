import { describe, expect, it } from 'vitest';
import { closedFormL2 } from './closedFormL2';
import { cosmos } from './cosmos';
import { forwardField } from './forwardModel';
import { computeMetrics } from './metrics';
import { sphereVolume, type Sphere } from './testSpheres';
import { tkd } from './tkd';
import { withData, type Vec3, type Volume } from './volume';

/**
 * Noise-free inversions of a phantom of smooth-edged spheres on zero background (48^3, 1 mm).
 * The field is cropped to the grid, as real data are, so no method is exact; what physics
 * predicts: TKD underestimates (|D| is raised to t near the cone), less regularisation is
 * closer to the truth when there is no noise, and several orientations fill the cone (COSMOS).
 */
const dims: Vec3 = [48, 48, 48], vs: Vec3 = [1, 1, 1];
const spheres: Sphere[] = [
  { centreMm: [18, 22, 26], radiusMm: 7, chi: 0.15, edgeMm: 1.5 },
  { centreMm: [31, 28, 20], radiusMm: 5, chi: -0.08, edgeMm: 1.5 },
  { centreMm: [26, 33, 32], radiusMm: 4, chi: 0.1, edgeMm: 1.5 },
];
const chi = sphereVolume(dims, vs, spheres);
const roi = sphereVolume(dims, vs, [{ centreMm: [24, 26, 25], radiusMm: 16, chi: 1 }]);
const tilt = (deg: number, axis: 'x' | 'y'): Vec3 => {
  const t = (deg * Math.PI) / 180;
  return axis === 'y' ? [Math.sin(t), 0, Math.cos(t)] : [0, Math.sin(t), Math.cos(t)];
};

function meanInside(v: Volume, s: Sphere, shrinkMm: number): number {
  const core = sphereVolume(dims, vs, [{ ...s, radiusMm: s.radiusMm - shrinkMm, chi: 1, edgeMm: 0 }]);
  let sum = 0, n = 0;
  for (let i = 0; i < v.data.length; i++) if (core.data[i] > 0) { sum += v.data[i]; n++; }
  return sum / n;
}

describe('dipole inversion of a noise-free sphere phantom', () => {
  const b0 = tilt(20, 'y');
  const field = forwardField(chi, b0);

  it('TKD recovers each sphere interior within 25% (it underestimates) and correlates with the truth', () => {
    const x = tkd(field, b0);
    for (const s of spheres) {
      const m = meanInside(x, s, 3);
      expect(Math.abs(m)).toBeLessThan(Math.abs(s.chi) * 1.02);
      expect(Math.abs(m - s.chi) / Math.abs(s.chi), `sphere chi ${s.chi}`).toBeLessThan(0.25);
    }
    const met = computeMetrics(x, chi, roi);
    expect(met.r2).toBeGreaterThan(0.95);
    // A smaller threshold truncates less of k-space: closer to the truth without noise.
    expect(computeMetrics(tkd(field, b0, 0.05), chi, roi).nrmse).toBeLessThan(met.nrmse);
  });

  it('closed-form L2 beats trivial estimates, and less regularisation is better without noise', () => {
    const zero = withData(chi, new Float32Array(chi.data.length));
    const scaledField = withData(field, field.data.map((v) => 3 * v));
    const trivial = Math.min(computeMetrics(zero, chi, roi).nrmse, computeMetrics(scaledField, chi, roi).nrmse);
    const def = computeMetrics(closedFormL2(field, b0), chi, roi).nrmse;
    const small = computeMetrics(closedFormL2(field, b0, 0.001), chi, roi).nrmse;
    expect(def).toBeLessThan(0.5 * trivial);
    expect(small).toBeLessThan(def);
  });

  it('COSMOS from three orientations recovers the phantom to a few % NRMSE', () => {
    const dirs = [[0, 0, 1] as Vec3, tilt(40, 'y'), tilt(-35, 'x')];
    const orientations = dirs.map((b0Dir) => ({ field: forwardField(chi, b0Dir), b0Dir }));
    const met = computeMetrics(cosmos(orientations), chi, roi);
    expect(met.nrmse).toBeLessThan(7);
    expect(Math.abs(met.slope - 1)).toBeLessThan(0.02);
    expect(met.r2).toBeGreaterThan(0.999);
    // and it beats the best single-orientation method
    expect(met.nrmse).toBeLessThan(computeMetrics(closedFormL2(field, b0, 0.001), chi, roi).nrmse);
  });

  it('COSMOS refuses orientations on different grids', () => {
    const other = sphereVolume([48, 48, 40], vs, spheres);
    expect(() => cosmos([{ field, b0Dir: b0 }, { field: forwardField(other, b0), b0Dir: b0 }])).toThrow(/grids differ/);
  });
});
