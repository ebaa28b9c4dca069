// Reads files written by nibabel (an independent implementation) and compares with what nibabel says they hold.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readNifti } from './readNifti';

interface Case {
  file: string;
  dims: number[];
  affine: number[];
  voxelSize: number[];
  data: number[];
  datatype: string;
  volumeIndex?: number;
  volumeCount?: number;
}

const dir = mkdtempSync(join(tmpdir(), 'qsm-nib-'));
execFileSync('/usr/bin/python3', [join(__dirname, 'fixtures', 'make_nifti_cases.py'), dir]);
const cases: Case[] = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readNifti on nibabel-written files', () => {
  it('has every case the script promises', () => {
    expect(cases.length).toBeGreaterThanOrEqual(20);
  });
  for (const c of cases) {
    it(c.file, () => {
      const { volume, facts } = readNifti(readFileSync(join(dir, c.file)), c.file, { volumeIndex: c.volumeIndex });
      expect(volume.dims).toEqual(c.dims);
      volume.affine.forEach((x, i) => expect(x).toBeCloseTo(c.affine[i], 4));
      volume.voxelSize.forEach((x, i) => expect(x).toBeCloseTo(c.voxelSize[i], 4));
      expect(volume.data.length).toBe(c.data.length);
      for (let i = 0; i < c.data.length; i++) expect(volume.data[i]).toBe(Math.fround(c.data[i]));
      expect(facts.volumeCount).toBe(c.volumeCount ?? 1);
      // nibabel's dtype name carries no endianness; ours is the scalar name
      expect(facts.datatype).toBe(c.datatype);
    });
  }
});
