/**
 * Acquisition geometries for the built-in example: the grid, the voxel -> world affine and the B0 direction
 * in voxel axes that follows from it (DESIGN.md: b = normalize(R^T (0,0,1))), so the example's header and its
 * simulated field agree exactly as a real scanner-space acquisition would.
 */
import type { Mat4, Vec3 } from './volume';

export interface ExampleGeometry {
  dims: Vec3;
  voxelSize: Vec3;
  affine: Mat4;
  b0Dir: Vec3;
  /** degrees between B0 and the voxel z axis */
  tiltDeg: number;
}

/**
 * A field of view tilted by `tiltDeg` about the voxel x axis (an oblique-axial slab, as planned on scanners).
 * `edge` is the in-plane matrix; the slice count is scaled so the FOV stays roughly cubic in mm.
 */
export function exampleGeometry(edge: number, voxelSize: Vec3, tiltDeg: number): ExampleGeometry {
  const [dx, dy, dz] = voxelSize;
  const nz = Math.max(8, Math.round((edge * dx) / dz / 8) * 8);
  const dims: Vec3 = [edge, edge, nz];
  const t = (tiltDeg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  // rotation about world x: columns are the world directions of the voxel axes
  const r = [
    [1, 0, 0],
    [0, c, -s],
    [0, s, c],
  ];
  const scale = [dx, dy, dz];
  const affine: Mat4 = new Array(16).fill(0);
  for (let row = 0; row < 3; row++) {
    for (let col = 0; col < 3; col++) affine[4 * row + col] = r[row][col] * scale[col];
  }
  // centre the grid on the world origin
  const centre = [(dims[0] - 1) / 2, (dims[1] - 1) / 2, (dims[2] - 1) / 2];
  for (let row = 0; row < 3; row++) {
    affine[4 * row + 3] = -(affine[4 * row] * centre[0] + affine[4 * row + 1] * centre[1] + affine[4 * row + 2] * centre[2]);
  }
  affine[15] = 1;
  // b = R^T (0,0,1) = third row of R
  const b0Dir: Vec3 = [r[2][0], r[2][1], r[2][2]];
  return { dims, voxelSize: [dx, dy, dz], affine, b0Dir, tiltDeg: Math.abs(tiltDeg) };
}

/** Rotates a unit vector about the voxel x (axis 0) or y (axis 1) axis: extra head orientations for COSMOS. */
export function rotateDir(b: Vec3, axis: 0 | 1, deg: number): Vec3 {
  const t = (deg * Math.PI) / 180;
  const c = Math.cos(t);
  const s = Math.sin(t);
  if (axis === 0) return [b[0], c * b[1] - s * b[2], s * b[1] + c * b[2]];
  return [c * b[0] + s * b[2], b[1], -s * b[0] + c * b[2]];
}
