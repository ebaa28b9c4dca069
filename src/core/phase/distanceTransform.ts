/**
 * Exact Euclidean distance transform on an anisotropic grid (Felzenszwalb & Huttenlocher 2012: one
 * lower-envelope pass of parabolas per axis). Used for erosion and dilation by a ball of any radius in mm,
 * in time linear in the voxel count whatever the radius.
 */
import type { Vec3 } from '../volume';

/**
 * Squared distance (mm^2) from every voxel to the nearest voxel where `target` is non-zero
 * (0 on target voxels). With `edgeIsTarget`, the voxels just outside the grid count as targets too,
 * so an erosion treats the edge of the field of view as outside.
 */
export function squaredDistanceTo(target: Uint8Array, dims: Vec3, voxelSize: Vec3, edgeIsTarget = false): Float64Array {
  const [nx, ny, nz] = dims;
  const big = 1e30;
  const d = new Float64Array(nx * ny * nz);
  for (let i = 0; i < d.length; i++) d[i] = target[i] ? 0 : big;
  const nmax = Math.max(nx, ny, nz);
  const f = new Float64Array(nmax + 2), out = new Float64Array(nmax + 2);
  const v = new Int32Array(nmax + 2), z = new Float64Array(nmax + 3);
  const strides = [1, nx, nx * ny];
  for (let axis = 0; axis < 3; axis++) {
    const n = dims[axis], s = strides[axis], w = voxelSize[axis] * voxelSize[axis];
    const lines = d.length / n;
    for (let l = 0; l < lines; l++) {
      let start: number;
      if (axis === 0) start = l * nx;
      else if (axis === 1) start = (l % nx) + nx * ny * Math.floor(l / nx);
      else start = l;
      // positions -1 and n are virtual targets when edgeIsTarget
      const off = edgeIsTarget ? 1 : 0, m = n + 2 * off;
      if (edgeIsTarget) { f[0] = 0; f[n + 1] = 0; }
      for (let i = 0; i < n; i++) f[i + off] = d[start + i * s];
      envelope(f, m, w, v, z, out);
      for (let i = 0; i < n; i++) d[start + i * s] = out[i + off];
    }
  }
  return d;
}

/** 1-D squared distance with weight w per index step squared: out[q] = min_p f[p] + w (q - p)^2. */
function envelope(f: Float64Array, n: number, w: number, v: Int32Array, z: Float64Array, out: Float64Array): void {
  let k = -1;
  for (let q = 0; q < n; q++) {
    if (f[q] >= 1e30) continue;
    if (k < 0) { k = 0; v[0] = q; z[0] = -Infinity; z[1] = Infinity; continue; }
    let s: number;
    for (;;) {
      const p = v[k];
      s = (f[q] + w * q * q - (f[p] + w * p * p)) / (2 * w * (q - p));
      if (s <= z[k]) { k--; if (k < 0) break; } else break;
    }
    if (k < 0) { k = 0; v[0] = q; z[0] = -Infinity; z[1] = Infinity; continue; }
    k++;
    v[k] = q; z[k] = s; z[k + 1] = Infinity;
  }
  if (k < 0) { for (let q = 0; q < n; q++) out[q] = 1e30; return; }
  let j = 0;
  for (let q = 0; q < n; q++) {
    while (z[j + 1] < q) j++;
    const p = v[j];
    out[q] = f[p] + w * (q - p) * (q - p);
  }
}
