/** Small volumes with known geometry for the io tests (not used by the app). */
import type { Mat4, Vec3, Volume } from '../core/volume';

export function rotationX(deg: number): number[][] {
  const a = (deg * Math.PI) / 180;
  return [[1, 0, 0], [0, Math.cos(a), -Math.sin(a)], [0, Math.sin(a), Math.cos(a)]];
}

/** affine = [R · diag(voxel) | offset] */
export function affineFrom(r: number[][], voxel: Vec3, offset: Vec3 = [0, 0, 0]): Mat4 {
  const m: Mat4 = new Array(16).fill(0);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) m[4 * i + j] = r[i][j] * voxel[j];
    m[4 * i + 3] = offset[i];
  }
  m[15] = 1;
  return m;
}

/** Deterministic pseudo-random data (a small LCG) so failures reproduce. */
export function testVolume(dims: Vec3, affine: Mat4, seed = 1): Volume {
  const n = dims[0] * dims[1] * dims[2];
  const data = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    data[i] = s / 2 ** 32 - 0.5;
  }
  const voxelSize = [0, 1, 2].map((c) => Math.hypot(affine[c], affine[4 + c], affine[8 + c])) as Vec3;
  return { data, dims: [...dims] as Vec3, voxelSize, affine: [...affine] };
}
