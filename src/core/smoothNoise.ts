/**
 * Smooth random fields for phantom texture: white Gaussian noise filtered by a Gaussian of `sigmaMm` (per axis
 * in voxels from the voxel size), rescaled to zero mean and unit standard deviation. Seeded through `rng`.
 */
import type { Rng } from './phantomRandom';
import { correlate1d, gaussianTaps } from './separableFilter';
import type { Vec3 } from './volume';

export function smoothNoise(dims: Vec3, voxelSize: Vec3, sigmaMm: number, rng: Rng): Float32Array {
  const n = dims[0] * dims[1] * dims[2];
  let x: Float64Array = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = rng.normal();
  for (const axis of [0, 1, 2] as const) {
    const s = sigmaMm / voxelSize[axis];
    if (s < 0.3) continue;
    x = correlate1d(x, dims, axis, gaussianTaps(s, Math.max(1, Math.ceil(3 * s))), 'reflect');
  }
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i];
  mean /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (x[i] - mean) ** 2;
  const scale = 1 / (Math.sqrt(sq / n) || 1);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (x[i] - mean) * scale;
  return out;
}
