/**
 * Distance (mm) from every voxel to the nearest voxel of a set, by a two-pass 3x3x3 chamfer transform with the
 * true lengths of the 26 neighbour steps on the voxel grid (anisotropic voxels allowed). It overestimates oblique distances (up to
 * ~13 % on isotropic voxels, ~20 % at 1:2 anisotropy), which is all the example's skull and scalp shells need.
 * 0 inside the set.
 */
import type { Vec3 } from './volume';

export function chamferDistance(inside: Uint8Array, dims: Vec3, voxelSize: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const d = new Float32Array(inside.length);
  for (let i = 0; i < d.length; i++) d[i] = inside[i] ? 0 : Infinity;
  // the 13 neighbours that come earlier in x-fastest order; the backward pass mirrors them
  const steps: { di: number; dj: number; dk: number; w: number }[] = [];
  for (let dk = -1; dk <= 0; dk++)
    for (let dj = -1; dj <= 1; dj++)
      for (let di = -1; di <= 1; di++) {
        if (dk === 0 && (dj > 0 || (dj === 0 && di >= 0))) continue;
        steps.push({ di, dj, dk, w: Math.hypot(di * voxelSize[0], dj * voxelSize[1], dk * voxelSize[2]) });
      }
  const pass = (sign: 1 | -1) => {
    for (let kk = 0; kk < nz; kk++) {
      const k = sign > 0 ? kk : nz - 1 - kk;
      for (let jj = 0; jj < ny; jj++) {
        const j = sign > 0 ? jj : ny - 1 - jj;
        for (let ii = 0; ii < nx; ii++) {
          const i = sign > 0 ? ii : nx - 1 - ii;
          const idx = i + nx * (j + ny * k);
          let best = d[idx];
          if (best === 0) continue;
          for (const s of steps) {
            const a = i + sign * s.di;
            const b = j + sign * s.dj;
            const c = k + sign * s.dk;
            if (a < 0 || a >= nx || b < 0 || b >= ny || c < 0 || c >= nz) continue;
            const v = d[a + nx * (b + ny * c)] + s.w;
            if (v < best) best = v;
          }
          d[idx] = best;
        }
      }
    }
  };
  pass(1);
  pass(-1);
  return d;
}
