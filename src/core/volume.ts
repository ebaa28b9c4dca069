/** A 3-D scalar volume in NIfTI order: index i + nx*(j + ny*k), x fastest (DESIGN.md). */
export type Vec3 = [number, number, number];

/** 4x4 voxel -> world (RAS+ mm) matrix, row-major: element (r, c) at index 4*r + c. */
export type Mat4 = number[];

export interface Volume {
  data: Float32Array;
  dims: Vec3;
  /** mm */
  voxelSize: Vec3;
  affine: Mat4;
}

export function voxelCount(dims: Vec3): number {
  return dims[0] * dims[1] * dims[2];
}

export function diagonalAffine(voxelSize: Vec3): Mat4 {
  const [dx, dy, dz] = voxelSize;
  return [dx, 0, 0, 0, 0, dy, 0, 0, 0, 0, dz, 0, 0, 0, 0, 1];
}

export function makeVolume(dims: Vec3, voxelSize: Vec3 = [1, 1, 1], affine?: Mat4, data?: Float32Array): Volume {
  const n = voxelCount(dims);
  if (data && data.length !== n) throw new Error(`volume data has ${data.length} values, dims ${dims.join('x')} need ${n}`);
  return { data: data ?? new Float32Array(n), dims: [...dims] as Vec3, voxelSize: [...voxelSize] as Vec3, affine: affine ? [...affine] : diagonalAffine(voxelSize) };
}

/** Same geometry, new data. */
export function withData(like: Volume, data: Float32Array): Volume {
  return makeVolume(like.dims, like.voxelSize, like.affine, data);
}

export function sameGrid(a: Pick<Volume, 'dims'>, b: Pick<Volume, 'dims'>): boolean {
  return a.dims[0] === b.dims[0] && a.dims[1] === b.dims[1] && a.dims[2] === b.dims[2];
}
