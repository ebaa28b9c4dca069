// Every malformed input gives one InputError whose single-line message names the file and the problem.
import { gzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { readNifti, readNiftiVolumes, type ReadNiftiOptions } from './readNifti';
import { writeNifti } from './writeNifti';
import { InputError } from './inputError';
import { diagonalAffine } from '../core/volume';
import { testVolume } from './testVolumes';

const FILE = 'sub-01_field.nii';

function valid(dims: [number, number, number] = [4, 3, 2]): Uint8Array {
  return writeNifti(testVolume(dims, diagonalAffine([1, 1, 1])));
}

function patch(bytes: Uint8Array, edit: (v: DataView) => void): Uint8Array {
  const copy = bytes.slice();
  edit(new DataView(copy.buffer));
  return copy;
}

function setDims(v: DataView, dim: number[]): void {
  for (let i = 0; i < 8; i++) v.setInt16(40 + 2 * i, dim[i] ?? 1, true);
}

function expectInputError(bytes: Uint8Array, pattern: RegExp, opts?: ReadNiftiOptions): void {
  let caught: unknown;
  try {
    readNifti(bytes, FILE, opts);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(InputError);
  const msg = (caught as Error).message;
  expect(msg.startsWith(`${FILE}: `)).toBe(true);
  expect(msg).not.toContain('\n');
  expect(msg).toMatch(pattern);
}

describe('readNifti refuses bad files with one clear message', () => {
  it('truncated header', () => expectInputError(valid().slice(0, 200), /truncated file: 200 bytes, shorter than the 348-byte NIfTI-1 header/));
  it('truncated data', () => {
    const b = valid();
    expectInputError(b.slice(0, b.length - 9), new RegExp(`truncated file: ${b.length - 9} bytes of data, header needs ${b.length}`));
  });
  it('truncated gzip stream', () => {
    const gz = gzipSync(valid([20, 20, 20]));
    expectInputError(gz.slice(0, gz.length >> 1), /truncated gzip data|corrupt or truncated gzip/);
  });
  it('gzip whose content is shorter than the header says', () => {
    const b = valid();
    expectInputError(gzipSync(b.slice(0, b.length - 4)), /truncated file/);
  });
  it('not NIfTI at all', () => expectInputError(new TextEncoder().encode('hello, this is not an image'.repeat(20)), /not a NIfTI file/));
  it('wrong magic', () => expectInputError(patch(valid(), (v) => v.setUint32(344, 0x41424344)), /wrong NIfTI-1 magic/));
  it('header/image pair', () => expectInputError(patch(valid(), (v) => v.setUint8(345, 'i'.charCodeAt(0))), /\.hdr\/\.img/));
  it('zero dimension', () => expectInputError(patch(valid(), (v) => setDims(v, [3, 4, 0, 2])), /dim\[2\] = 0, must be positive/));
  it('negative dimension', () => expectInputError(patch(valid(), (v) => setDims(v, [3, -4, 3, 2])), /dim\[1\] = -4/));
  it('absurd dimension', () => expectInputError(patch(valid(), (v) => setDims(v, [3, 4096, 3, 2])), /dim\[1\] = 4096 exceeds 2048/));
  it('absurd voxel count', () => expectInputError(patch(valid(), (v) => setDims(v, [3, 2048, 2048, 200])), /more than 536870912 voxels/));
  it('bad dim[0]', () => expectInputError(patch(valid(), (v) => setDims(v, [9, 4, 3, 2])), /dim\[0\] = 9/));
  it('complex data', () => expectInputError(patch(valid(), (v) => { v.setInt16(70, 32, true); v.setInt16(72, 64, true); }), /unsupported datatype complex64/));
  it('RGB data', () => expectInputError(patch(valid(), (v) => { v.setInt16(70, 128, true); v.setInt16(72, 24, true); }), /unsupported datatype RGB24/));
  it('bitpix that contradicts the datatype', () => expectInputError(patch(valid(), (v) => v.setInt16(72, 16, true)), /bitpix 16 does not match datatype float32/));
  it('vox_offset inside the header', () => expectInputError(patch(valid(), (v) => v.setFloat32(108, 100, true)), /vox_offset 100 is invalid/));
  for (const [what, value] of [['zero', 0], ['negative', -1], ['NaN', NaN]] as [string, number][]) {
    it(`${what} voxel size`, () => expectInputError(patch(valid(), (v) => v.setFloat32(80 + 4, value, true)), /voxel size pixdim\[2\] = .* must be a positive number/));
  }
  it('singular sform', () => expectInputError(patch(valid(), (v) => { for (let i = 0; i < 4; i++) v.setFloat32(280 + 16 + 4 * i, 0, true); }), /sform matrix is singular/));
  it('5-D image', () => {
    const b = valid([4, 3, 4]);
    expectInputError(patch(b, (v) => setDims(v, [5, 4, 3, 2, 1, 2])), /5-D image .*only 3-D or 4-D/);
  });
});

describe('4-D files', () => {
  const fourD = patch(valid([4, 3, 4]), (v) => setDims(v, [4, 4, 3, 2, 2]));
  it('need a volume index', () => expectInputError(fourD, /4-D image with 2 volumes \(dim\[4\] = 2\)/));
  it('reject an index out of range', () => expectInputError(fourD, /volume index 2 is out of range 0\.\.1/, { volumeIndex: 2 }));
  it('read the chosen volume', () => {
    const whole = testVolume([4, 3, 4], diagonalAffine([1, 1, 1])).data;
    const second = readNifti(fourD, FILE, { volumeIndex: 1 }).volume;
    expect(second.dims).toEqual([4, 3, 2]);
    expect(second.data).toEqual(whole.subarray(24, 48));
  });
  it('readNiftiVolumes gives every volume in order, from plain and gzipped bytes', () => {
    const whole = testVolume([4, 3, 4], diagonalAffine([1, 1, 1])).data;
    for (const bytes of [fourD, gzipSync(fourD)]) {
      const all = readNiftiVolumes(bytes, FILE);
      expect(all.map((r) => r.facts.volumeIndex)).toEqual([0, 1]);
      expect(all[0].volume.data).toEqual(whole.subarray(0, 24));
      expect(all[1].volume.data).toEqual(whole.subarray(24, 48));
    }
  });
  it('accept dim[4] = 1 without an index', () => {
    const b = patch(valid(), (v) => setDims(v, [4, 4, 3, 2, 1]));
    expect(readNifti(b, FILE).volume.dims).toEqual([4, 3, 2]);
  });
});

describe('NaN and Inf voxels', () => {
  const vol = testVolume([4, 3, 2], diagonalAffine([1, 1, 1]));
  vol.data[3] = NaN;
  vol.data[7] = Infinity;
  vol.data[8] = -Infinity;
  const bytes = writeNifti(vol);
  it('are refused by default, with the count', () => expectInputError(bytes, /3 of 24 voxels are NaN or Inf/));
  it('become 0 with a warning when asked', () => {
    const r = readNifti(bytes, FILE, { nonFinite: 'zero' });
    expect([r.volume.data[3], r.volume.data[7], r.volume.data[8]]).toEqual([0, 0, 0]);
    expect(r.volume.data[4]).toBe(vol.data[4]);
    expect(r.warnings.join()).toMatch(/replaced 3 NaN\/Inf voxels by 0/);
  });
  it('include float64 values that overflow float32', () => {
    const b = new Uint8Array(352 + 8 * 24);
    b.set(bytes.subarray(0, 352));
    const v = new DataView(b.buffer);
    v.setInt16(70, 64, true);
    v.setInt16(72, 64, true);
    for (let i = 0; i < 24; i++) v.setFloat64(352 + 8 * i, i === 5 ? 1e300 : i, true);
    expectInputError(b, /1 of 24 voxels are NaN or Inf/);
  });
});

describe('int64 beyond 2^53', () => {
  it('is refused rather than rounded silently', () => {
    const b = new Uint8Array(352 + 8 * 24);
    b.set(valid().subarray(0, 352));
    const v = new DataView(b.buffer);
    v.setInt16(70, 1024, true);
    v.setInt16(72, 64, true);
    v.setBigInt64(352 + 8 * 3, BigInt(2) ** BigInt(53) + BigInt(1), true);
    expectInputError(b, /1 int64 values are beyond 2\^53/);
  });
});
