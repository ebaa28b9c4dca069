import type { Volume } from '../core/volume';

/** A copy whose buffer can be transferred to a worker while the UI keeps the original. */
export function copyVolume(v: Volume): Volume {
  return { data: v.data.slice(), dims: [...v.dims], voxelSize: [...v.voxelSize], affine: [...v.affine] };
}
