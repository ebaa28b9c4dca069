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

/**
 * b and -b give the same field, so the filter-manifold network sees one of them: the unit b flipped into the
 * hemisphere b_z > 0 (on b_z = 0, the first non-zero of b_x, b_y positive). DESIGN.md "Models";
 * training/synthetic.py canonical_b0 is the same rule.
 */
export function canonicalB0(b0Dir: Vec3): Vec3 {
  const n = Math.hypot(...b0Dir);
  if (!(n > 0) || !b0Dir.every(Number.isFinite)) throw new Error(`B0 direction [${b0Dir.join(', ')}] has no length`);
  const lead = [b0Dir[2], b0Dir[0], b0Dir[1]].find((c) => c !== 0) as number;
  const s = (lead > 0 ? 1 : -1) / n;
  // + 0 turns -0 into 0, so b and -b give identical numbers
  return [b0Dir[0] * s + 0, b0Dir[1] * s + 0, b0Dir[2] * s + 0];
}

/** The side information s = (dx, dy, dz, bx, by, bz) fed to the filter-manifold network, b sign-canonical. */
export function sideInfo(acq: Acquisition): number[] {
  return [...acq.voxelSize, ...canonicalB0(acq.b0Dir)];
}

/** Tilt of B0 from the voxel z axis, degrees. */
export function tiltDegrees(b0Dir: Vec3): number {
  const n = Math.hypot(...b0Dir);
  return (Math.acos(Math.min(1, Math.abs(b0Dir[2]) / n)) * 180) / Math.PI;
}
