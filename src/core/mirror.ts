/**
 * The mirror image of a field map along the first voxel axis, and the B0 direction that goes with it.
 *
 * Reversing voxel axis x maps a source χ(x, y, z) to χ(-x, y, z); its field is the original field reversed the
 * same way, computed with b = (-bx, by, bz): the dipole kernel 1/3 - (k·b)²/|k|² keeps its value when k_x and
 * b_x both change sign. So the mirrored field with the mirrored b is an exact copy of the same inversion
 * problem, which a network may answer with a partly independent error (model/mirrorAverage.ts).
 */
import type { Vec3, Volume } from './volume';
import { withData } from './volume';

/** The voxel values reversed along x (x fastest, as everywhere); same grid, same affine. */
export function mirrorDataX(data: Float32Array, dims: Vec3): Float32Array {
  const [nx] = dims;
  if (data.length % nx !== 0) throw new Error(`mirror: ${data.length} values are not rows of ${nx}`);
  const out = new Float32Array(data.length);
  for (let row = 0; row < data.length; row += nx)
    for (let i = 0; i < nx; i++) out[row + i] = data[row + nx - 1 - i];
  return out;
}

export function mirrorVolumeX(v: Volume): Volume {
  return withData(v, mirrorDataX(v.data, v.dims));
}

/** B0 for the mirrored field (+ 0 keeps 0 from becoming -0). */
export function mirrorB0X(b0Dir: Vec3): Vec3 {
  return [-b0Dir[0] + 0, b0Dir[1], b0Dir[2]];
}
