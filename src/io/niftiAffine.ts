/**
 * NIfTI orientation <-> 4x4 affine (row-major, voxel -> world).
 * Follows nifti1_io.c's quatern_to_mat44 and mat44_to_quatern so that files we write
 * overlay the input in every viewer, whichever of sform/qform the viewer prefers.
 */
import type { Mat4, Vec3 } from '../core/volume';

export interface Qform {
  /** quatern_b, quatern_c, quatern_d */
  quatern: Vec3;
  qoffset: Vec3;
  /** +1 or -1; stored in pixdim[0] */
  qfac: 1 | -1;
  /** column lengths: the voxel size */
  pixdim: Vec3;
}

/** qform (quaternion, offsets, pixdim, qfac) -> affine. */
export function qformToAffine(q: Qform): Mat4 {
  let [b, c, d] = q.quatern;
  let a = 1 - (b * b + c * c + d * d);
  if (a < 1e-7) {
    // nifti1_io: a "180 degree" rotation; renormalise b, c, d and take a = 0
    const s = 1 / Math.sqrt(b * b + c * c + d * d);
    b *= s; c *= s; d *= s;
    a = 0;
  } else {
    a = Math.sqrt(a);
  }
  const [dx, dy, dz0] = q.pixdim;
  const dz = q.qfac < 0 ? -dz0 : dz0;
  const r = [
    [a * a + b * b - c * c - d * d, 2 * (b * c - a * d), 2 * (b * d + a * c)],
    [2 * (b * c + a * d), a * a + c * c - b * b - d * d, 2 * (c * d - a * b)],
    [2 * (b * d - a * c), 2 * (c * d + a * b), a * a + d * d - c * c - b * b],
  ];
  const m: Mat4 = new Array(16).fill(0);
  for (let row = 0; row < 3; row++) {
    m[4 * row] = r[row][0] * dx;
    m[4 * row + 1] = r[row][1] * dy;
    m[4 * row + 2] = r[row][2] * dz;
    m[4 * row + 3] = q.qoffset[row];
  }
  m[15] = 1;
  return m;
}

export function columnNorms(affine: Mat4): Vec3 {
  const n = (c: number) => Math.hypot(affine[c], affine[4 + c], affine[8 + c]);
  return [n(0), n(1), n(2)];
}

/**
 * affine -> qform, or undefined if the 3x3 part has shear (columns not orthogonal) or is
 * degenerate: a qform can only hold rotation, scaling and one reflection.
 */
export function affineToQform(affine: Mat4, orthogonalityTol = 1e-4): Qform | undefined {
  const pixdim = columnNorms(affine);
  if (pixdim.some((p) => !(p > 0) || !Number.isFinite(p))) return undefined;
  // unit columns
  const u = [0, 1, 2].map((c) => [0, 1, 2].map((r) => affine[4 * r + c] / pixdim[c]));
  const dot = (p: number[], q: number[]) => p[0] * q[0] + p[1] * q[1] + p[2] * q[2];
  if (Math.abs(dot(u[0], u[1])) > orthogonalityTol || Math.abs(dot(u[0], u[2])) > orthogonalityTol || Math.abs(dot(u[1], u[2])) > orthogonalityTol) {
    return undefined;
  }
  const det =
    u[0][0] * (u[1][1] * u[2][2] - u[2][1] * u[1][2]) -
    u[1][0] * (u[0][1] * u[2][2] - u[2][1] * u[0][2]) +
    u[2][0] * (u[0][1] * u[1][2] - u[1][1] * u[0][2]);
  let qfac: 1 | -1 = 1;
  if (det < 0) {
    qfac = -1;
    u[2] = u[2].map((x) => -x);
  }
  // r(row, col) = u[col][row]
  const r11 = u[0][0], r12 = u[1][0], r13 = u[2][0];
  const r21 = u[0][1], r22 = u[1][1], r23 = u[2][1];
  const r31 = u[0][2], r32 = u[1][2], r33 = u[2][2];
  let a = r11 + r22 + r33 + 1;
  let b: number, c: number, d: number;
  if (a > 0.5) {
    a = 0.5 * Math.sqrt(a);
    b = (0.25 * (r32 - r23)) / a;
    c = (0.25 * (r13 - r31)) / a;
    d = (0.25 * (r21 - r12)) / a;
  } else {
    const xd = 1 + r11 - (r22 + r33);
    const yd = 1 + r22 - (r11 + r33);
    const zd = 1 + r33 - (r11 + r22);
    if (xd > 1) {
      b = 0.5 * Math.sqrt(xd);
      c = (0.25 * (r12 + r21)) / b;
      d = (0.25 * (r13 + r31)) / b;
      a = (0.25 * (r32 - r23)) / b;
    } else if (yd > 1) {
      c = 0.5 * Math.sqrt(yd);
      b = (0.25 * (r12 + r21)) / c;
      d = (0.25 * (r23 + r32)) / c;
      a = (0.25 * (r13 - r31)) / c;
    } else {
      d = 0.5 * Math.sqrt(zd);
      b = (0.25 * (r13 + r31)) / d;
      c = (0.25 * (r23 + r32)) / d;
      a = (0.25 * (r21 - r12)) / d;
    }
    if (a < 0) {
      b = -b; c = -c; d = -d;
    }
  }
  return { quatern: [b, c, d], qoffset: [affine[3], affine[7], affine[11]], qfac, pixdim };
}

/** sform rows (12 numbers) -> 4x4 */
export function srowToAffine(srow: number[]): Mat4 {
  return [...srow.slice(0, 12), 0, 0, 0, 1];
}

/** Multiplies the 3x4 part (rotation-scale and offset) by s: used to convert metres/microns to mm. */
export function scaleAffine(affine: Mat4, s: number): Mat4 {
  return affine.map((x, i) => (i < 12 ? x * s : x));
}
