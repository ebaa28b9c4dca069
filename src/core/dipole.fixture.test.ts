import { describe, expect, it } from 'vitest';
import fx from './__fixtures__/dipole_fixture.json';
import { closedFormL2 } from './closedFormL2';
import { cosmos, orientationsOf } from './cosmos';
import { forwardField } from './forwardModel';
import { paddedDims } from './padding';
import { tkd } from './tkd';
import { makeVolume, type Vec3, type Volume } from './volume';

// Independent numpy implementation: src/core/__fixtures__/make_dipole_fixture.py
// (16x14x10, voxels 0.9x1.1x1.6 mm, oblique B0, elliptical mask).
const dims = fx.dims as Vec3, vs = fx.voxelSize as Vec3, b0 = fx.b0Dir as Vec3;
const vol = (a: number[]): Volume => makeVolume(dims, vs, undefined, Float32Array.from(a));
const mask = vol(fx.mask);

/** max |a - b| relative to max |b|. */
function relErr(a: Float32Array, b: number[]): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num = Math.max(num, Math.abs(a[i] - b[i])); den = Math.max(den, Math.abs(b[i])); }
  return num / den;
}

describe('dipole operations against numpy', () => {
  it('pads to the same grid', () => {
    expect(paddedDims(dims)).toEqual(fx.padDims);
  });
  it('forward field', () => {
    expect(relErr(forwardField(vol(fx.chi), b0).data, fx.fields[0])).toBeLessThan(1e-4);
  });
  it('TKD (masked)', () => {
    expect(relErr(tkd(vol(fx.fields[0]), b0, fx.tkdThreshold, mask).data, fx.tkd)).toBeLessThan(1e-4);
  });
  it('closed-form L2 (masked)', () => {
    expect(relErr(closedFormL2(vol(fx.fields[0]), b0, fx.cfl2Lambda, mask).data, fx.cfl2)).toBeLessThan(1e-4);
  });
  it('COSMOS from three orientations (masked), both call forms', () => {
    const dirs = fx.cosmosDirs as Vec3[];
    const fields = fx.fields.map(vol);
    expect(relErr(cosmos(fields.map((field, o) => ({ field, b0Dir: dirs[o] })), mask).data, fx.cosmos)).toBeLessThan(1e-4);
    expect(relErr(cosmos(orientationsOf(fields, dirs), mask).data, fx.cosmos)).toBeLessThan(1e-4);
    expect(() => orientationsOf(fields, dirs.slice(1))).toThrow(/fields but/);
  });
});
