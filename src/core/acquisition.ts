import type { Vec3 } from './volume';

/** What the dipole inversion needs to know about how the field map was acquired. */
export interface Acquisition {
  /** mm, voxel axes x, y, z */
  voxelSize: Vec3;
  /** unit vector of B0 in voxel axes (DESIGN.md) */
  b0Dir: Vec3;
  /** Tesla, when known (only needed for unit conversion) */
  fieldStrength?: number;
  /** seconds, when known (only needed for radian -> ppm) */
  echoTime?: number;
}

/** The side information s = (dx, dy, dz, bx, by, bz) fed to the filter-manifold network. */
export function sideInfo(acq: Acquisition): number[] {
  return [...acq.voxelSize, ...acq.b0Dir];
}

/** Tilt of B0 from the voxel z axis, degrees. */
export function tiltDegrees(b0Dir: Vec3): number {
  const n = Math.hypot(...b0Dir);
  return (Math.acos(Math.min(1, Math.abs(b0Dir[2]) / n)) * 180) / Math.PI;
}
