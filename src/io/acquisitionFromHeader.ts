/**
 * Voxel size and B0 direction in voxel axes from a volume's affine (DESIGN.md, "Physics conventions"):
 * R = A · diag(1/dx, 1/dy, 1/dz) has the world direction of each voxel axis as columns; scanner B0 is world +z,
 * so in voxel axes b = normalize(R^T · (0,0,1)), i.e. the third row of R. Valid while the data are in scanner space.
 */
import type { Acquisition } from '../core/acquisition';
import { tiltDegrees } from '../core/acquisition';
import type { Mat4, Vec3, Volume } from '../core/volume';

export function b0DirFromAffine(affine: Mat4, voxelSize: Vec3): Vec3 {
  // R^T · (0,0,1) = third row of R = (A[2][0]/dx, A[2][1]/dy, A[2][2]/dz)
  const b: Vec3 = [affine[8] / voxelSize[0], affine[9] / voxelSize[1], affine[10] / voxelSize[2]];
  const n = Math.hypot(...b);
  if (!(n > 0)) throw new Error('b0DirFromAffine: the affine maps no voxel axis onto world z');
  return [b[0] / n, b[1] / n, b[2] / n];
}

export interface HeaderAcquisition extends Acquisition {
  /** degrees between B0 and the voxel z axis */
  tilt: number;
}

export function acquisitionFromHeader(vol: Pick<Volume, 'affine' | 'voxelSize'>, extra: Pick<Acquisition, 'fieldStrength' | 'echoTime'> = {}): HeaderAcquisition {
  const b0Dir = b0DirFromAffine(vol.affine, vol.voxelSize);
  return { voxelSize: [...vol.voxelSize] as Vec3, b0Dir, tilt: tiltDegrees(b0Dir), ...extra };
}
