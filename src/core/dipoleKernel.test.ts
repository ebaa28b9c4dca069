import { describe, expect, it } from 'vitest';
import { dipoleAt, dipoleKernel } from './dipoleKernel';
import type { Vec3 } from './volume';

const at = (dims: Vec3, i: number, j: number, k: number) => i + dims[0] * (j + dims[1] * k);

describe('dipole kernel', () => {
  it('matches hand-worked values on a 4^3 grid', () => {
    const N: Vec3 = [4, 4, 4];
    // b = z, d = 1: m = (1,0,1) -> k = (1/4, 0, 1/4); (k.b)^2/|k|^2 = (1/16)/(2/16) = 1/2; D = 1/3 - 1/2 = -1/6.
    expect(dipoleKernel(N, [1, 1, 1], [0, 0, 1])[at(N, 1, 0, 1)]).toBeCloseTo(-1 / 6, 6);
    // m = (0,0,-1) at index 3 (k along b): D = 1/3 - 1 = -2/3; m = (1,1,0) (k perpendicular to b): D = 1/3.
    expect(dipoleKernel(N, [1, 1, 1], [0, 0, 1])[at(N, 0, 0, 3)]).toBeCloseTo(-2 / 3, 6);
    expect(dipoleKernel(N, [1, 1, 1], [0, 0, 1])[at(N, 1, 1, 0)]).toBeCloseTo(1 / 3, 6);
    // Anisotropic d = (1,1,2): m = (1,0,1) -> k = (1/4, 0, 1/8); |k|^2 = 5/64, (k.b)^2 = 1/64; D = 1/3 - 1/5 = 2/15.
    expect(dipoleKernel(N, [1, 1, 2], [0, 0, 1])[at(N, 1, 0, 1)]).toBeCloseTo(2 / 15, 6);
    // Tilted b = (1,0,1)/sqrt2 (given unnormalised), d = 1: m = (1,0,1) is parallel to b: D = -2/3;
    // m = (1,0,-1) (index 3 on z) is perpendicular to b: D = 1/3.
    expect(dipoleKernel(N, [1, 1, 1], [1, 0, 1])[at(N, 1, 0, 1)]).toBeCloseTo(-2 / 3, 6);
    expect(dipoleKernel(N, [1, 1, 1], [1, 0, 1])[at(N, 1, 0, 3)]).toBeCloseTo(1 / 3, 6);
    // Nyquist index 2 is m = -2 (fftfreq): with the tilted b, m = (2,0,1) -> k = (-1/2, 0, 1/4):
    // k.b = -1/(4 sqrt2), (k.b)^2 = 1/32, |k|^2 = 5/16, D = 1/3 - 1/10 = 7/30 (with m = +2 it would be 1/3 - 9/10).
    expect(dipoleKernel(N, [1, 1, 1], [1, 0, 1])[at(N, 2, 0, 1)]).toBeCloseTo(7 / 30, 6);
    expect(dipoleKernel(N, [1, 1, 1], [0, 0, 1])[0]).toBe(0);
  });

  it('B0 along x equals the axial kernel with the x and z axes swapped', () => {
    const dims: Vec3 = [6, 5, 8], vs: Vec3 = [0.9, 1.1, 1.7];
    const dx = dipoleKernel(dims, vs, [1, 0, 0]);
    const swapped: Vec3 = [dims[2], dims[1], dims[0]];
    const dz = dipoleKernel(swapped, [vs[2], vs[1], vs[0]], [0, 0, 1]);
    let err = 0;
    for (let k = 0; k < dims[2]; k++) for (let j = 0; j < dims[1]; j++) for (let i = 0; i < dims[0]; i++) {
      err = Math.max(err, Math.abs(dx[at(dims, i, j, k)] - dz[at(swapped, k, j, i)]));
    }
    expect(err).toBe(0);
  });

  it('is invariant under a common rotation of k and b, and lies in [-2/3, 1/3]', () => {
    const rot = (v: Vec3, ax: Vec3, ang: number): Vec3 => {
      // Rodrigues' formula
      const n = Math.hypot(...ax), u = ax.map((c) => c / n) as Vec3, c = Math.cos(ang), s = Math.sin(ang);
      const d = u[0] * v[0] + u[1] * v[1] + u[2] * v[2];
      const x: Vec3 = [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
      return [0, 1, 2].map((i) => v[i] * c + x[i] * s + u[i] * d * (1 - c)) as Vec3;
    };
    for (let t = 0; t < 50; t++) {
      const k: Vec3 = [Math.sin(t), Math.cos(3 * t), Math.sin(7 * t + 1)];
      const b: Vec3 = [Math.cos(2 * t), 0.3, Math.sin(t) + 1.2];
      const ax: Vec3 = [1, Math.sin(t), 2], ang = 0.37 * t;
      const d0 = dipoleAt(k, b);
      expect(dipoleAt(rot(k, ax, ang), rot(b, ax, ang))).toBeCloseTo(d0, 12);
      expect(d0).toBeGreaterThanOrEqual(-2 / 3 - 1e-12);
      expect(d0).toBeLessThanOrEqual(1 / 3 + 1e-12);
    }
  });

  it('agrees point-wise with dipoleAt at the grid k-vectors for a tilted B0', () => {
    const dims: Vec3 = [5, 6, 4], vs: Vec3 = [1, 0.5, 2], b: Vec3 = [0.3, -0.2, 0.9];
    const grid = dipoleKernel(dims, vs, b);
    const m = (i: number, n: number) => (i < Math.ceil(n / 2) ? i : i - n);
    for (let k = 0; k < 4; k++) for (let j = 0; j < 6; j++) for (let i = 0; i < 5; i++) {
      const kv: Vec3 = [m(i, 5) / 5, m(j, 6) / 3, m(k, 4) / 8];
      expect(grid[at(dims, i, j, k)]).toBeCloseTo(dipoleAt(kv, b), 6);
    }
  });
});
