import { describe, expect, it } from 'vitest';
import { forwardField } from './forwardModel';
import { inversePlan, isIdentityPlan, orientationCode, rasPlan, reorientData, reorientDirection, reorientVolume, type AxisPlan } from './orientation';
import { makeVolume, type Mat4, type Vec3 } from './volume';

/** An affine whose voxel axes are world axes `axes` (0 R, 1 A, 2 S), signs `signs`, spacing `vs`, shifted. */
function signedPermutationAffine(axes: Vec3, signs: Vec3, vs: Vec3): Mat4 {
  const a = [0, 0, 0, 12, 0, 0, 0, -7, 0, 0, 0, 3, 0, 0, 0, 1];
  for (let i = 0; i < 3; i++) a[4 * axes[i] + i] = signs[i] * vs[i];
  return a;
}

function world(affine: Mat4, ijk: number[]): number[] {
  return [0, 1, 2].map((r) => affine[4 * r] * ijk[0] + affine[4 * r + 1] * ijk[1] + affine[4 * r + 2] * ijk[2] + affine[4 * r + 3]);
}

/** Smooth blobs well inside the grid (nothing at Nyquist, where the discrete kernel loses its symmetries). */
function blobs(dims: Vec3, vs: Vec3, affine: Mat4) {
  const v = makeVolume(dims, vs, affine);
  const c = [[5, 6, 4, 1], [9, 8, 7, -0.7], [6, 10, 9, 0.4]];
  for (let z = 0, i = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++, i++)
        for (const [cx, cy, cz, a] of c) v.data[i] += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2) / 3);
  return v;
}

describe('orientation to RAS', () => {
  it('leaves RAS alone and undoes LPS and a sagittal storage, by hand', () => {
    expect(isIdentityPlan(rasPlan(signedPermutationAffine([0, 1, 2], [1, 1, 1], [1, 1, 2])))).toBe(true);
    expect(rasPlan(signedPermutationAffine([0, 1, 2], [-1, -1, 1], [1, 1, 1]))).toEqual({ from: [0, 1, 2], flip: [true, true, false] });
    // sagittal slices: voxel x runs P->A, y runs I->S, z runs L->R... stored as (A, S, R)
    const sag = signedPermutationAffine([1, 2, 0], [1, 1, -1], [1, 1, 1]);
    expect(rasPlan(sag)).toEqual({ from: [2, 0, 1], flip: [true, false, false] });
    expect(orientationCode(sag)).toBe('ASL');
    expect(orientationCode(signedPermutationAffine([0, 1, 2], [-1, -1, 1], [1, 1, 1]))).toBe('LPS');
  });

  it('keeps an oblique grid on its nearest axes', () => {
    const t = (20 * Math.PI) / 180;
    const affine = [1, 0, 0, 0, 0, Math.cos(t), -Math.sin(t), 0, 0, Math.sin(t), Math.cos(t), 0, 0, 0, 0, 1];
    expect(isIdentityPlan(rasPlan(affine))).toBe(true);
  });

  it('puts every voxel where it was in the world, and the inverse plan restores the array', () => {
    const dims: Vec3 = [5, 4, 3];
    const affine = signedPermutationAffine([2, 0, 1], [-1, 1, -1], [2, 1, 1.5]);
    const v = makeVolume(dims, [2, 1, 1.5], affine, Float32Array.from({ length: 60 }, (_, i) => i));
    const p = rasPlan(affine);
    const r = reorientVolume(v, p);
    expect(isIdentityPlan(rasPlan(r.affine))).toBe(true);
    expect(r.voxelSize).toEqual([1, 1.5, 2]);
    const key = (w: number[]) => w.map((c) => c.toFixed(3)).join(',');
    const valueAt = new Map<string, number>();
    for (let z = 0, i = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++, i++) valueAt.set(key(world(affine, [x, y, z])), v.data[i]);
    for (let z = 0, i = 0; z < r.dims[2]; z++) for (let y = 0; y < r.dims[1]; y++) for (let x = 0; x < r.dims[0]; x++, i++)
      expect(r.data[i]).toBe(valueAt.get(key(world(r.affine, [x, y, z]))));
    expect(Array.from(reorientData(r.data, r.dims, inversePlan(p)))).toEqual(Array.from(v.data));
  });

  // the physics the reoriented inversion rests on
  it('commutes with the dipole forward model when b is carried along', () => {
    const plans: AxisPlan[] = [{ from: [2, 0, 1], flip: [true, false, true] }, { from: [1, 0, 2], flip: [false, true, false] }];
    const b: Vec3 = [0.36, 0.21, 0.91];
    const chi = blobs([14, 16, 13], [1, 1.2, 2], signedPermutationAffine([0, 1, 2], [1, 1, 1], [1, 1.2, 2]));
    const field = forwardField(chi, b);
    for (const p of plans) {
      const viaReoriented = forwardField(reorientVolume(chi, p), reorientDirection(b, p)).data;
      const direct = reorientData(field.data, field.dims, p);
      let num = 0, den = 0;
      for (let i = 0; i < direct.length; i++) { num += (viaReoriented[i] - direct[i]) ** 2; den += direct[i] ** 2; }
      expect(Math.sqrt(num / den)).toBeLessThan(1e-5);
    }
  });
});
