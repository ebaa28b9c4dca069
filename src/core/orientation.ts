/**
 * Voxel axes permuted and reversed so that they point as close as the grid allows to world R, A, S (RAS+, the
 * NIfTI world), and back again.
 *
 * The networks were trained on grids whose voxel x, y, z run left-right, back-front and foot-head (training/
 * brain_phantom.py samples the phantoms on world-aligned grids, tilted by at most the acquisition's tilt). Stored
 * otherwise (LPS, coronal or sagittal slices) the same brain is, to them, upside down or on its side: a sagittal
 * ordering of a held-out case scored 99 % NRMSE against 51 % (training/README.md, session 15). Permuting and
 * reversing axes, with the voxel size permuted and b transformed alike, is an exact symmetry of the dipole model,
 * so the inversion can run in that orientation and its answer be put back on the input's grid.
 */
import type { Mat4, Vec3, Volume } from './volume';
import { makeVolume } from './volume';

/** New voxel axis k is old axis `from[k]`, reversed when `flip[k]`. */
export interface AxisPlan {
  from: Vec3;
  flip: [boolean, boolean, boolean];
}

const PERMUTATIONS: Vec3[] = [[0, 1, 2], [0, 2, 1], [1, 0, 2], [1, 2, 0], [2, 0, 1], [2, 1, 0]];

/**
 * The permutation whose axes are most aligned with R, A, S (largest summed |cosine|, so an oblique grid still gets
 * one answer) and the reversals that make each point the positive way.
 */
export function rasPlan(affine: Mat4): AxisPlan {
  const cos = (world: number, axis: number) => {
    const n = Math.hypot(affine[axis], affine[4 + axis], affine[8 + axis]);
    return n > 0 ? affine[4 * world + axis] / n : 0;
  };
  let best = PERMUTATIONS[0], score = -1;
  for (const p of PERMUTATIONS) {
    const s = Math.abs(cos(0, p[0])) + Math.abs(cos(1, p[1])) + Math.abs(cos(2, p[2]));
    if (s > score + 1e-9) { best = p; score = s; }
  }
  return { from: [...best] as Vec3, flip: [cos(0, best[0]) < 0, cos(1, best[1]) < 0, cos(2, best[2]) < 0] };
}

export function isIdentityPlan(p: AxisPlan): boolean {
  return p.from.every((a, k) => a === k) && !p.flip.some(Boolean);
}

/** The plan that puts a reoriented grid back. */
export function inversePlan(p: AxisPlan): AxisPlan {
  const from = [0, 0, 0] as Vec3;
  const flip: [boolean, boolean, boolean] = [false, false, false];
  p.from.forEach((old, k) => { from[old] = k; flip[old] = p.flip[k]; });
  return { from, flip };
}

export function planDims(dims: Vec3, p: AxisPlan): Vec3 {
  return [dims[p.from[0]], dims[p.from[1]], dims[p.from[2]]];
}

/** Voxel values (x fastest) on the reoriented grid. */
export function reorientData(data: Float32Array, dims: Vec3, p: AxisPlan): Float32Array {
  const oldStride = [1, dims[0], dims[0] * dims[1]];
  const nd = planDims(dims, p);
  // per new axis: where index 0 sits in the old array and how far one step moves
  const step = p.from.map((a, k) => (p.flip[k] ? -oldStride[a] : oldStride[a]));
  const start = p.from.reduce((s, a, k) => s + (p.flip[k] ? (nd[k] - 1) * oldStride[a] : 0), 0);
  const out = new Float32Array(data.length);
  let i = 0;
  for (let z = 0; z < nd[2]; z++)
    for (let y = 0; y < nd[1]; y++) {
      let o = start + z * step[2] + y * step[1];
      for (let x = 0; x < nd[0]; x++, o += step[0]) out[i++] = data[o];
    }
  return out;
}

/** A vector in voxel axes (B0 direction) on the reoriented grid. */
export function reorientDirection(v: Vec3, p: AxisPlan): Vec3 {
  return [0, 1, 2].map((k) => (p.flip[k] ? -v[p.from[k]] : v[p.from[k]]) + 0) as Vec3;
}

/** The whole volume reoriented: data, dims, voxel size, and an affine that puts every voxel where it was. */
export function reorientVolume(v: Volume, p: AxisPlan): Volume {
  const a = v.affine;
  const affine = [...a];
  for (let r = 0; r < 3; r++) {
    let t = a[4 * r + 3];
    for (let k = 0; k < 3; k++) {
      const col = a[4 * r + p.from[k]];
      affine[4 * r + k] = p.flip[k] ? -col : col;
      if (p.flip[k]) t += col * (v.dims[p.from[k]] - 1);
    }
    affine[4 * r + 3] = t;
  }
  const voxelSize = [v.voxelSize[p.from[0]], v.voxelSize[p.from[1]], v.voxelSize[p.from[2]]] as Vec3;
  return makeVolume(planDims(v.dims, p), voxelSize, affine, reorientData(v.data, v.dims, p));
}

/** e.g. "LPS -> RAS", for a note on how the net saw the volume */
export function orientationCode(affine: Mat4): string {
  const p = rasPlan(affine);
  const code = ['', '', ''];
  p.from.forEach((old, k) => { code[old] = p.flip[k] ? 'LPI'[k] : 'RAS'[k]; });
  return code.join('');
}
