/** The dipole forward model: local field (ppm) from susceptibility (ppm), DESIGN.md. */
import { dipoleKernel } from './dipoleKernel';
import type { ProgressOptions } from './progress';
import { filterReal } from './spectralFilter';
import { withData, type Vec3, type Volume } from './volume';

/** field = real(IFFT(D . FFT(chi))) on the zero-padded grid, cropped; same geometry as chi. */
export function forwardField(chi: Volume, b0Dir: Vec3, opts?: ProgressOptions): Volume {
  const data = filterReal(chi.data, chi.dims, (pd) => dipoleKernel(pd, chi.voxelSize, b0Dir), opts);
  return withData(chi, data);
}
