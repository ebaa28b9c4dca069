import { describe, expect, it } from 'vitest';
import { acquisitionFromHeader } from './acquisitionFromHeader';
import { affineFrom, rotationX } from './testVolumes';
import type { Mat4, Vec3 } from '../core/volume';

function acq(affine: Mat4) {
  const voxelSize = [0, 1, 2].map((c) => Math.hypot(affine[c], affine[4 + c], affine[8 + c])) as Vec3;
  return acquisitionFromHeader({ affine, voxelSize });
}

function expectVecClose(a: number[], b: number[]): void {
  a.forEach((x, i) => expect(x).toBeCloseTo(b[i], 12));
}

describe('acquisitionFromHeader', () => {
  it('identity affine: B0 along voxel z, no tilt', () => {
    const a = acq(affineFrom([[1, 0, 0], [0, 1, 0], [0, 0, 1]], [1, 1, 1]));
    expectVecClose(a.b0Dir, [0, 0, 1]);
    expect(a.tilt).toBeCloseTo(0, 12);
  });

  it('slices tilted 25 degrees about x: tilt 25, b in the y-z plane', () => {
    // voxel axes rotated by +25 deg about world x: world z seen from the voxel frame is R^T z = (0, sin25, cos25)
    const a = acq(affineFrom(rotationX(25), [1, 1, 1]));
    expect(a.tilt).toBeCloseTo(25, 10);
    const r = (25 * Math.PI) / 180;
    expectVecClose(a.b0Dir, [0, Math.sin(r), Math.cos(r)]);
  });

  it('LIA-style permuted axes: B0 lies along voxel y, pointing backwards', () => {
    // voxel x -> world -x (L), voxel y -> world -z (I), voxel z -> world +y (A)
    const lia: Mat4 = [-1, 0, 0, 0, 0, 0, 1, 0, 0, -1, 0, 0, 0, 0, 0, 1];
    const a = acq(lia);
    expectVecClose(a.b0Dir, [0, -1, 0]);
    expect(a.tilt).toBeCloseTo(90, 10);
  });

  it('anisotropic voxels do not change b', () => {
    const iso = acq(affineFrom(rotationX(25), [1, 1, 1]));
    const aniso = acq(affineFrom(rotationX(25), [0.6, 0.9, 3]));
    expectVecClose(aniso.b0Dir, iso.b0Dir);
    expect(aniso.voxelSize).toEqual([0.6, 0.9, 3].map((x) => expect.closeTo(x, 12)));
  });

  it('carries field strength and echo time through', () => {
    const a = acquisitionFromHeader({ affine: affineFrom(rotationX(0), [1, 1, 1]), voxelSize: [1, 1, 1] }, { fieldStrength: 3, echoTime: 0.02 });
    expect([a.fieldStrength, a.echoTime]).toEqual([3, 0.02]);
  });
});
