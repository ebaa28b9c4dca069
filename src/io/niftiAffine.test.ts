import { describe, expect, it } from 'vitest';
import { affineToQform, qformToAffine } from './niftiAffine';
import { affineFrom, rotationX } from './testVolumes';
import type { Mat4, Vec3 } from '../core/volume';

function expectMatClose(a: Mat4, b: Mat4, tol = 1e-9): void {
  for (let i = 0; i < 16; i++) expect(Math.abs(a[i] - b[i])).toBeLessThan(tol);
}

function rotationZ(deg: number): number[][] {
  const a = (deg * Math.PI) / 180;
  return [[Math.cos(a), -Math.sin(a), 0], [Math.sin(a), Math.cos(a), 0], [0, 0, 1]];
}

function matmul(a: number[][], b: number[][]): number[][] {
  return a.map((row) => [0, 1, 2].map((j) => row[0] * b[0][j] + row[1] * b[1][j] + row[2] * b[2][j]));
}

describe('qformToAffine (hand-worked quaternions)', () => {
  it('identity quaternion, qfac -1 flips the slice axis', () => {
    expectMatClose(qformToAffine({ quatern: [0, 0, 0], qoffset: [1, 2, 3], qfac: -1, pixdim: [2, 3, 4] }), [2, 0, 0, 1, 0, 3, 0, 2, 0, 0, -4, 3, 0, 0, 0, 1]);
  });
  it('180 degrees about y: (b, c, d) = (0, 1, 0)', () => {
    expectMatClose(qformToAffine({ quatern: [0, 1, 0], qoffset: [0, 0, 0], qfac: 1, pixdim: [1, 1, 1] }), [-1, 0, 0, 0, 0, 1, 0, 0, 0, 0, -1, 0, 0, 0, 0, 1]);
  });
  it('90 degrees about z: d = sin 45', () => {
    expectMatClose(qformToAffine({ quatern: [0, 0, Math.SQRT1_2], qoffset: [0, 0, 0], qfac: 1, pixdim: [1, 2, 1] }), [0, -2, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1]);
  });
});

describe('affineToQform inverts qformToAffine', () => {
  const voxel: Vec3 = [0.7, 1.1, 2.3];
  const rotations: [string, number[][]][] = [
    ['25 deg about x', rotationX(25)],
    ['x then z', matmul(rotationZ(-70), rotationX(40))],
    ['170 deg about z', rotationZ(170)],
  ];
  // all 48 signed axis permutations: reach every branch of the quaternion extraction, det +1 and -1
  const perms = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];
  for (const p of perms) {
    for (let s = 0; s < 8; s++) {
      const r = [0, 1, 2].map((row) => [0, 1, 2].map((col) => (p[col] === row ? ((s >> col) & 1 ? -1 : 1) : 0)));
      rotations.push([`perm ${p} signs ${s}`, r]);
    }
  }
  for (const [name, r] of rotations) {
    it(name, () => {
      const a = affineFrom(r, voxel, [-12.5, 40, 7]);
      const q = affineToQform(a);
      expect(q).toBeDefined();
      expect(q!.pixdim.map((x) => +x.toFixed(9))).toEqual(voxel);
      expectMatClose(qformToAffine(q!), a, 1e-9);
    });
  }
  it('has no qform for a sheared affine', () => {
    expect(affineToQform([1, 0.2, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1])).toBeUndefined();
  });
});
