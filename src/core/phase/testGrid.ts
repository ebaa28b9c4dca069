/** For tests: a volume (x fastest) of f at every voxel index of dims. */
import type { Vec3 } from '../volume';

export function sampleGrid(dims: Vec3, f: (x: number, y: number, z: number) => number): Float32Array {
  const out = new Float32Array(dims[0] * dims[1] * dims[2]);
  for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++) out[x + dims[0] * (y + dims[1] * z)] = f(x, y, z);
  return out;
}
