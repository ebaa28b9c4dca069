/**
 * Conjugate gradients for a symmetric positive (semi-)definite operator A on flat Float32 volumes, as PDF
 * (phase/pdf.ts) and masked data consistency (dataConsistencyMasked.ts) solve their normal equations.
 * x holds the start and is updated in place; r must hold b - A x on entry. Stops after maxIter iterations, when
 * ||r||^2 <= tol^2 * ref2 (ref2: ||r_0||^2 unless given, e.g. ||b||^2), or when p^T A p is not positive (converged or
 * indefinite). A generator (iterate.ts) so a worker can yield between iterations; runToEnd runs it at once.
 */
import type { Steps } from './iterate';

export interface CgOptions {
  maxIter: number;
  tol: number;
  /** the squared norm the residual is measured against; default ||r_0||^2 */
  ref2?: number;
  /** called before each iteration (abort checks, progress) */
  beforeIteration?: (it: number) => void;
  /** a volume to hold A p, whose contents may go (saves allocating one) */
  scratch?: Float32Array;
}

export interface CgResult {
  iterations: number;
  /** ||r||^2 at the end, and what it was measured against */
  rr: number;
  ref2: number;
}

export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** apply(p, out) writes A p into out (out is never p). */
export function* conjugateGradientSteps(apply: (p: Float32Array, out: Float32Array) => void, x: Float32Array, r: Float32Array, o: CgOptions): Steps<CgResult> {
  const p = Float32Array.from(r), q = o.scratch ?? new Float32Array(r.length);
  let rr = dot(r, r);
  const ref2 = o.ref2 ?? rr;
  let it = 0;
  while (it < o.maxIter && rr > o.tol * o.tol * ref2 && ref2 > 0) {
    o.beforeIteration?.(it);
    apply(p, q);
    const pq = dot(p, q);
    if (!(pq > 0)) break;
    const alpha = rr / pq;
    for (let i = 0; i < x.length; i++) { x[i] += alpha * p[i]; r[i] -= alpha * q[i]; }
    const rrNew = dot(r, r);
    const beta = rrNew / rr;
    rr = rrNew;
    for (let i = 0; i < p.length; i++) p[i] = r[i] + beta * p[i];
    it++;
    yield it;
  }
  return { iterations: it, rr, ref2 };
}
