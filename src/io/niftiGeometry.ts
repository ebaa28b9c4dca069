/**
 * Which voxel -> world affine a NIfTI header means (sform if sform_code > 0, else qform if qform_code > 0,
 * else the pixdim diagonal), converted to mm, and the checks that make it usable.
 */
import type { Mat4 } from '../core/volume';
import { InputError } from './inputError';
import type { NiftiHeader } from './niftiHeader';
import { qformToAffine, scaleAffine, srowToAffine } from './niftiAffine';

export type SpaceUnits = 'mm' | 'm' | 'um' | 'unknown';
export type AffineSource = 'sform' | 'qform' | 'pixdim';

export function spaceUnits(xyztUnits: number): SpaceUnits {
  switch (xyztUnits & 0x07) {
    case 1: return 'm';
    case 2: return 'mm';
    case 3: return 'um';
    default: return 'unknown';
  }
}

/** Factor that turns the header's spatial unit into mm (unknown units are taken as mm, as most software does). */
export function toMmFactor(units: SpaceUnits): number {
  return units === 'm' ? 1000 : units === 'um' ? 1e-3 : 1;
}

export interface Geometry {
  affine: Mat4;
  source: AffineSource;
  units: SpaceUnits;
}

function det3(m: Mat4): number {
  return (
    m[0] * (m[5] * m[10] - m[6] * m[9]) -
    m[1] * (m[4] * m[10] - m[6] * m[8]) +
    m[2] * (m[4] * m[9] - m[5] * m[8])
  );
}

export function headerGeometry(h: NiftiHeader, file: string): Geometry {
  const units = spaceUnits(h.xyztUnits);
  const toMm = toMmFactor(units);
  const [, dx, dy, dz] = h.pixdim;
  let affine: Mat4;
  let source: AffineSource;
  if (h.sformCode > 0) {
    if (!h.srow.every(Number.isFinite)) throw new InputError(`${file}: sform (srow_x/y/z) holds NaN or Inf`);
    affine = srowToAffine(h.srow);
    source = 'sform';
  } else if (h.qformCode > 0) {
    if (![...h.quatern, ...h.qoffset].every(Number.isFinite)) throw new InputError(`${file}: qform quaternion or offset holds NaN or Inf`);
    affine = qformToAffine({ quatern: h.quatern as [number, number, number], qoffset: h.qoffset as [number, number, number], qfac: h.pixdim[0] < 0 ? -1 : 1, pixdim: [dx, dy, dz] });
    source = 'qform';
  } else {
    affine = [dx, 0, 0, 0, 0, dy, 0, 0, 0, 0, dz, 0, 0, 0, 0, 1];
    source = 'pixdim';
  }
  affine = scaleAffine(affine, toMm);
  if (!(Math.abs(det3(affine)) > 1e-12)) {
    throw new InputError(`${file}: the ${source} matrix is singular (a voxel axis has zero length)`);
  }
  return { affine, source, units };
}
