/**
 * Weighted least-squares fit of a polynomial of degree 0, 1 or 2 in the voxel positions (mm, centred, in units of
 * 100 mm so the normal equations stay well conditioned) to values inside a mask. The smooth part of a phase offset,
 * and the lowest orders of a harmonic residue in the field-loss budget (bench/fieldLossBudget.ts).
 */
import type { Vec3 } from './volume';

export type PolynomialDegree = 0 | 1 | 2;

const TERMS: Record<PolynomialDegree, number> = { 0: 1, 1: 4, 2: 10 };

/** the monomials of degree <= `degree` at (x, y, z), written into m (no allocation per voxel) */
function monomials(m: Float64Array, x: number, y: number, z: number, degree: PolynomialDegree): Float64Array {
  m[0] = 1;
  if (degree >= 1) { m[1] = x; m[2] = y; m[3] = z; }
  if (degree === 2) { m[4] = x * x; m[5] = y * y; m[6] = z * z; m[7] = x * y; m[8] = x * z; m[9] = y * z; }
  return m;
}

/** solves A c = b in place (Gauss-Jordan, partial pivoting); a singular column gets coefficient 0 */
function solve(A: Float64Array[], b: Float64Array): Float64Array {
  const k = b.length;
  for (let p = 0; p < k; p++) {
    let best = p;
    for (let q = p + 1; q < k; q++) if (Math.abs(A[q][p]) > Math.abs(A[best][p])) best = q;
    [A[p], A[best]] = [A[best], A[p]];
    [b[p], b[best]] = [b[best], b[p]];
    if (!(Math.abs(A[p][p]) > 1e-12)) continue;
    for (let q = 0; q < k; q++) {
      if (q === p) continue;
      const f = A[q][p] / A[p][p];
      if (f === 0) continue;
      for (let s = p; s < k; s++) A[q][s] -= f * A[p][s];
      b[q] -= f * b[p];
    }
  }
  return Float64Array.from(b, (v, p) => (Math.abs(A[p][p]) > 1e-12 ? v / A[p][p] : 0));
}

/**
 * The fitted polynomial evaluated on the whole grid (0 where nothing was inside). weights: per voxel (>= 0), default
 * 1; values are fitted where mask is set and the weight is positive.
 */
export function fitPolynomial(values: ArrayLike<number>, mask: ArrayLike<number>, dims: Vec3, voxelSize: Vec3, degree: PolynomialDegree, weights?: ArrayLike<number>): Float32Array {
  const [nx, ny, nz] = dims;
  const centre = dims.map((d, a) => ((d - 1) / 2) * voxelSize[a]);
  const pos = (i: number, axis: number) => {
    const c = axis === 0 ? i % nx : axis === 1 ? Math.floor(i / nx) % ny : Math.floor(i / (nx * ny));
    return (c * voxelSize[axis] - centre[axis]) / 100;
  };
  const k = TERMS[degree];
  const buf = new Float64Array(k);
  const A = Array.from({ length: k }, () => new Float64Array(k));
  const b = new Float64Array(k);
  let any = false;
  for (let i = 0; i < nx * ny * nz; i++) {
    const w = weights ? weights[i] : 1;
    if (!mask[i] || !(w > 0)) continue;
    any = true;
    const m = monomials(buf, pos(i, 0), pos(i, 1), pos(i, 2), degree);
    for (let p = 0; p < k; p++) {
      const wp = w * m[p];
      b[p] += wp * values[i];
      for (let q = p; q < k; q++) A[p][q] += wp * m[q];
    }
  }
  const out = new Float32Array(nx * ny * nz);
  if (!any) return out;
  for (let p = 0; p < k; p++) for (let q = 0; q < p; q++) A[p][q] = A[q][p];
  const c = solve(A, b);
  for (let i = 0; i < out.length; i++) {
    const m = monomials(buf, pos(i, 0), pos(i, 1), pos(i, 2), degree);
    let s = 0;
    for (let p = 0; p < k; p++) s += c[p] * m[p];
    out[i] = s;
  }
  return out;
}
