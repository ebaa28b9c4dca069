import { describe, expect, it } from 'vitest';
import { forwardField } from './forwardModel';
import { analyticSphereField, effectiveRadiusMm, sphereVolume } from './testSpheres';
import type { Vec3 } from './volume';

/**
 * A uniformly magnetised sphere: outside, the field is that of a point dipole with the
 * sphere's moment; inside (Lorentz-corrected) it is zero. Errors come from voxelising the
 * sphere, sampling the continuous kernel on a finite grid and the periodic images of the
 * padded FFT, so compare at r >= 2R and allow a few % of the largest field at that radius.
 * The sphere has a smooth edge (see testSpheres.ts for why, and why that keeps the analytic
 * solution exact).
 */
function checkSphere(dims: Vec3, vs: Vec3, b0: Vec3): { outsideErr: number; insideMax: number } {
  const chi = 1;
  const centre = dims.map((n, a) => Math.floor(n / 2) * vs[a]) as Vec3;
  const edge = 2 * Math.max(...vs);
  const chiVol = sphereVolume(dims, vs, [{ centreMm: centre, radiusMm: 8, chi, edgeMm: edge }]);
  const R = effectiveRadiusMm(chiVol, chi);
  const field = forwardField(chiVol, b0);
  expect(field.dims).toEqual(dims);
  expect(field.voxelSize).toEqual(vs);
  let outsideErr = 0, insideMax = 0;
  const [nx, ny, nz] = dims;
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const r: Vec3 = [x * vs[0] - centre[0], y * vs[1] - centre[1], z * vs[2] - centre[2]];
    const rr = Math.hypot(...r);
    const f = field.data[x + nx * (y + ny * z)];
    if (rr < 8 - edge - Math.max(...vs)) insideMax = Math.max(insideMax, Math.abs(f));
    if (rr >= 2 * R && rr <= 3 * R) {
      const scale = (2 * chi / 3) * (R / rr) ** 3; // the largest |field| at this radius
      outsideErr = Math.max(outsideErr, Math.abs(f - analyticSphereField(r, R, chi, b0)) / scale);
    }
  }
  return { outsideErr, insideMax };
}

describe('forward model on a magnetised sphere', () => {
  it('axial B0, isotropic voxels', () => {
    const { outsideErr, insideMax } = checkSphere([64, 64, 64], [1, 1, 1], [0, 0, 1]);
    expect(outsideErr).toBeLessThan(0.03);
    expect(insideMax).toBeLessThan(0.005);
  });
  it('B0 tilted 35 degrees about y', () => {
    const t = (35 * Math.PI) / 180;
    const { outsideErr, insideMax } = checkSphere([64, 64, 64], [1, 1, 1], [Math.sin(t), 0, Math.cos(t)]);
    expect(outsideErr).toBeLessThan(0.03);
    expect(insideMax).toBeLessThan(0.005);
  });
  it('anisotropic voxels (sphere in mm) and tilted B0', () => {
    const { outsideErr, insideMax } = checkSphere([64, 56, 40], [0.8, 1, 1.5], [0.2, -0.3, 0.93]);
    expect(outsideErr).toBeLessThan(0.05);
    expect(insideMax).toBeLessThan(0.005);
  });
});

describe('progress and cancellation', () => {
  it('reports progress up to its total and stops when the signal is aborted', () => {
    const chi = sphereVolume([24, 20, 16], [1, 1, 1], [{ centreMm: [12, 10, 8], radiusMm: 4, chi: 1 }]);
    const seen: [number, number, string][] = [];
    forwardField(chi, [0, 0, 1], { onProgress: (d, t, s) => seen.push([d, t, s]) });
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every(([d, t]) => d >= 1 && d <= t)).toBe(true);
    expect(new Set(seen.map(([, , s]) => s))).toEqual(new Set(['FFT', 'inverse FFT']));
    const ctl = new AbortController();
    let calls = 0;
    const run = () => forwardField(chi, [0, 0, 1], { signal: ctl.signal, onProgress: () => { if (++calls === 3) ctl.abort(); } });
    expect(run).toThrow(/abort/i);
    expect(calls).toBe(3);
  });
});
