/** Two volumes must share dims and voxel -> world affine before we combine them voxel by voxel. */
import type { Volume } from '../core/volume';
import { InputError } from './inputError';

/** mm; also applied to the dimensionless rotation entries, which is far tighter than any real misregistration */
export const GRID_TOLERANCE_MM = 1e-3;

export function checkSameGrid(a: Pick<Volume, 'dims' | 'affine'>, b: Pick<Volume, 'dims' | 'affine'>, nameA: string, nameB: string): void {
  if (a.dims.some((d, i) => d !== b.dims[i])) {
    throw new InputError(`${nameB} is ${b.dims.join('x')} but ${nameA} is ${a.dims.join('x')}: they must be on the same voxel grid`);
  }
  let worst = 0;
  for (let i = 0; i < 12; i++) worst = Math.max(worst, Math.abs(a.affine[i] - b.affine[i]));
  if (!(worst <= GRID_TOLERANCE_MM)) {
    throw new InputError(
      `${nameB} and ${nameA} have different voxel-to-world affines (max difference ${worst.toPrecision(3)} mm): resample them onto one grid first`,
    );
  }
}
