import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti } from './readNifti';
import { writeNifti, writeNiftiSeries } from './writeNifti';
import { affineFrom, rotationX, testVolume } from './testVolumes';
import { makeVolume, type Mat4, type Vec3 } from '../core/volume';

const oblique = affineFrom(rotationX(25), [0.8, 0.9, 2.0], [-10.5, 20.25, -30]);
// LIA-style: voxel x -> world -x, voxel y -> world -z... (a permutation with a reflection)
const permuted: Mat4 = [-1, 0, 0, 90, 0, 0, 1.5, -100, 0, -1.2, 0, 80, 0, 0, 0, 1];
const sheared: Mat4 = [1, 0.3, 0, 0, 0, 1, 0, 0, 0, 0, 2, 0, 0, 0, 0, 1];

describe('writeNifti -> readNifti round trip', () => {
  for (const [name, affine] of [['oblique', oblique], ['permuted', permuted], ['sheared', sheared]] as [string, Mat4][]) {
    for (const gzip of [false, true]) {
      it(`${name}, gzip ${gzip}`, () => {
        const vol = testVolume([5, 6, 7] as Vec3, affine);
        const back = readNifti(writeNifti(vol, { gzip, description: 'round trip' }), 'rt.nii');
        expect(back.volume.dims).toEqual(vol.dims);
        back.volume.affine.forEach((x, i) => expect(Math.abs(x - affine[i])).toBeLessThan(1e-5));
        expect(back.volume.data).toEqual(vol.data);
        expect(back.facts.description).toBe('round trip');
        expect(back.facts.spaceUnits).toBe('mm');
      });
    }
  }

  it('writes masks as uint8 (datatype 2, bitpix 8), rounded and clamped, same geometry', () => {
    const vol = testVolume([3, 4, 5] as Vec3, oblique);
    vol.data.set([0, 1, 0.6, 300, -2]);
    const bytes = writeNifti(vol, { datatype: 'uint8' });
    expect(bytes.length).toBe(352 + 60);
    const back = readNifti(bytes, 'm.nii');
    expect(back.facts.datatype).toBe('uint8');
    expect(Array.from(back.volume.data.slice(0, 5))).toEqual([0, 1, 1, 255, 0]);
    back.volume.affine.forEach((x, i) => expect(Math.abs(x - oblique[i])).toBeLessThan(1e-5));
    expect(readNifti(writeNifti(vol, { datatype: 'uint8', gzip: true }), 'm.nii.gz').volume.data).toEqual(back.volume.data);
  });

  it('keeps the input sform code and drops the qform for a sheared affine', () => {
    const a = readNifti(writeNifti(testVolume([2, 2, 2], oblique), { sformCode: 4 }), 'a.nii').facts;
    expect([a.sformCode, a.qformCode]).toEqual([4, 4]);
    const s = readNifti(writeNifti(testVolume([2, 2, 2], sheared)), 's.nii').facts;
    expect([s.sformCode, s.qformCode]).toEqual([1, 0]);
  });
});

describe('files we write, read by nibabel', () => {
  const dir = mkdtempSync(join(tmpdir(), 'qsm-wr-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  // A 180-degree rotation (the permuted case) has quaternion a = 0; nibabel recomputes a = sqrt(1 - b^2 - c^2 - d^2)
  // from float32 b, c, d without nifti1_io's clamp, so its qform is only good to ~3e-4 there.
  for (const [name, affine, qTol] of [['oblique', oblique, 1e-5], ['permuted', permuted, 1e-3]] as [string, Mat4, number][]) {
    it(`${name}: nibabel's qform and sform both equal our affine`, () => {
      const vol = testVolume([4, 3, 2], affine, 5);
      const file = join(dir, `${name}.nii.gz`);
      writeFileSync(file, writeNifti(vol, { gzip: true }));
      const py = `
import json, sys, nibabel as nib, numpy as np
img = nib.load(sys.argv[1])
print(json.dumps({"q": img.header.get_qform().reshape(-1).tolist(), "s": img.header.get_sform().reshape(-1).tolist(),
  "codes": [int(img.header["qform_code"]), int(img.header["sform_code"])],
  "data": np.asarray(img.dataobj, dtype=np.float64).reshape(-1, order="F").tolist(), "zooms": [float(z) for z in img.header.get_zooms()]}))`;
      const got = JSON.parse(execFileSync('/usr/bin/python3', ['-c', py, file], { encoding: 'utf8' }));
      for (let i = 0; i < 16; i++) {
        expect(Math.abs(got.q[i] - affine[i])).toBeLessThan(qTol);
        expect(Math.abs(got.s[i] - affine[i])).toBeLessThan(1e-5);
      }
      expect(got.codes).toEqual([1, 1]);
      expect(got.data).toEqual(Array.from(vol.data));
      got.zooms.forEach((z: number, i: number) => expect(z).toBeCloseTo(vol.voxelSize[i], 5));
    });
  }
});

describe('writeNiftiSeries', () => {
  it('writes volumes on one grid as a 4-D file whose every volume reads back with the geometry', () => {
    const dims: [number, number, number] = [3, 4, 5];
    const vols = [1, 2, 3].map((k) => makeVolume(dims, [1, 1.5, 2], undefined, Float32Array.from({ length: 60 }, (_, i) => k * 100 + i)));
    for (const gzip of [false, true]) {
      const bytes = writeNiftiSeries(vols, { gzip });
      for (let k = 0; k < 3; k++) {
        const r = readNifti(bytes, 'series.nii', { volumeIndex: k });
        expect(r.facts.volumeCount).toBe(3);
        expect(r.facts.dims).toEqual([3, 4, 5, 3]);
        expect(Array.from(r.volume.data)).toEqual(Array.from(vols[k].data));
        expect(r.volume.voxelSize).toEqual([1, 1.5, 2]);
      }
    }
    expect(() => writeNiftiSeries([vols[0], makeVolume([3, 4, 6])])).toThrow(/share one grid/);
  });
});
