// What the reader assumes when the header leaves something out, and that it says so.
import { describe, expect, it } from 'vitest';
import { readNifti } from './readNifti';
import { writeNifti } from './writeNifti';
import { affineFrom, rotationX, testVolume } from './testVolumes';

const affine = affineFrom(rotationX(25), [0.5, 0.6, 2], [1, 2, 3]);
const bytes = writeNifti(testVolume([3, 2, 2], affine));

describe('readNifti assumptions', () => {
  it('unknown spatial units are taken as mm, with a warning', () => {
    const b = bytes.slice();
    b[123] = 0;
    const r = readNifti(b, 'u.nii');
    expect(r.facts.spaceUnits).toBe('unknown');
    r.volume.affine.forEach((x, i) => expect(x).toBeCloseTo(affine[i], 5));
    expect(r.warnings).toEqual(['u.nii: spatial units not set in the header; assuming mm']);
  });
  it('without an sform the qform is used', () => {
    const b = bytes.slice();
    new DataView(b.buffer).setInt16(254, 0, true);
    const r = readNifti(b, 'q.nii');
    expect(r.facts.affineSource).toBe('qform');
    r.volume.affine.forEach((x, i) => expect(x).toBeCloseTo(affine[i], 5));
  });
  it('without either, the pixdim diagonal, with a warning', () => {
    const b = bytes.slice();
    const v = new DataView(b.buffer);
    v.setInt16(252, 0, true);
    v.setInt16(254, 0, true);
    const r = readNifti(b, 'p.nii');
    expect(r.facts.affineSource).toBe('pixdim');
    r.volume.affine.forEach((x, i) => expect(x).toBeCloseTo([0.5, 0, 0, 0, 0, 0.6, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1][i], 6));
    expect(r.warnings).toEqual(['p.nii: no sform or qform; orientation assumed to be the scanner axes']);
  });
  it('scl_slope 0 means no scaling', () => {
    const b = bytes.slice();
    const v = new DataView(b.buffer);
    v.setFloat32(112, 0, true);
    v.setFloat32(116, 0, true);
    const r = readNifti(b, 's.nii');
    expect(r.facts.scale).toEqual({ slope: 1, inter: 0 });
    expect(r.volume.data).toEqual(testVolume([3, 2, 2], affine).data);
  });
});
