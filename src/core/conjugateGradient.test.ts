import { describe, expect, it } from 'vitest';
import { conjugateGradientSteps } from './conjugateGradient';
import { runToEnd } from './iterate';

// A = [[4, 1], [1, 3]], b = [1, 2]: x = A^-1 b = [1/11, 7/11] (by hand: det 11, A^-1 = [[3, -1], [-1, 4]] / 11)
const apply = (p: Float32Array, out: Float32Array) => { out[0] = 4 * p[0] + p[1]; out[1] = p[0] + 3 * p[1]; };

describe('conjugate gradients', () => {
  it('solves a 2x2 system exactly in two iterations', () => {
    const x = new Float32Array(2), r = Float32Array.from([1, 2]);
    const res = runToEnd(conjugateGradientSteps(apply, x, r, { maxIter: 10, tol: 1e-7 }));
    expect(res.iterations).toBe(2);
    expect(x[0]).toBeCloseTo(1 / 11, 6);
    expect(x[1]).toBeCloseTo(7 / 11, 6);
  });
  it('starts from x (r = b - A x), stops at maxIter, and measures the residual against ref2 when given', () => {
    const x = Float32Array.from([1, 1]), r = Float32Array.from([1 - 5, 2 - 4]);
    const seen: number[] = [];
    const res = runToEnd(conjugateGradientSteps(apply, x, r, { maxIter: 1, tol: 0, ref2: 5, beforeIteration: (it) => seen.push(it) }));
    expect(res.iterations).toBe(1);
    expect(seen).toEqual([0]);
    expect(res.ref2).toBe(5);
    // a start that already solves it needs no iteration
    const done = runToEnd(conjugateGradientSteps(apply, Float32Array.from([1 / 11, 7 / 11]), new Float32Array(2), { maxIter: 10, tol: 1e-6, ref2: 5 }));
    expect(done.iterations).toBe(0);
  });
});
