/**
 * Periodic forward differences per mm on a grid, and their adjoint: the image-space pair whose k-space symbol is
 * closedFormL2.ts's gradient penalty, sum_a |E_a|^2 = sum_a 4 sin^2(pi m_a / N_a) / d_a^2 (the adjoint of the
 * forward difference is minus the backward difference). In the per-voxel scaled forms tv.ts's ADMM needs.
 */
import type { Vec3 } from './volume';

/**
 * g_a[i] = (u[i + e_a] - u[i]) / d_a + (1 - c[i]) / 2 * g_a[i], wrapping at the high end of each axis: the forward
 * gradient, plus what g held scaled per voxel. tv.ts keeps ADMM's a = grad chi + u with u = (1 - c) a / 2 (c = 2 s - 1
 * from the shrink factor s) this way; c = 1 everywhere gives the plain gradient.
 */
export function forwardGradientPlus(u: Float32Array, dims: Vec3, voxelSize: Vec3, gx: Float32Array, gy: Float32Array, gz: Float32Array, c: Float32Array): void {
  const [nx, ny, nz] = dims;
  const ix = 1 / voxelSize[0], iy = 1 / voxelSize[1], iz = 1 / voxelSize[2];
  const plane = nx * ny;
  for (let z = 0; z < nz; z++) {
    const zn = z === nz - 1 ? -z * plane : plane;
    for (let y = 0; y < ny; y++) {
      const yn = y === ny - 1 ? -y * nx : nx;
      const row = nx * y + plane * z;
      for (let x = 0; x < nx; x++) {
        const i = row + x, v = u[i], keep = 0.5 * (1 - c[i]);
        gx[i] = ((x === nx - 1 ? u[row] : u[i + 1]) - v) * ix + keep * gx[i];
        gy[i] = (u[i + yn] - v) * iy + keep * gy[i];
        gz[i] = (u[i + zn] - v) * iz + keep * gz[i];
      }
    }
  }
}

/**
 * out[i] = sum_a (w_a[i - e_a] - w_a[i]) / d_a with w_a = c v_a, c a per-voxel factor: the adjoint of the forward
 * gradient applied to the scaled fields. tv.ts keeps ADMM's z - u as c a, so it never holds z - u and u as six
 * arrays; c = 1 everywhere gives the plain adjoint.
 */
export function scaledGradientAdjoint(vx: Float32Array, vy: Float32Array, vz: Float32Array, c: Float32Array, dims: Vec3, voxelSize: Vec3, out: Float32Array): void {
  const [nx, ny, nz] = dims;
  const ix = 1 / voxelSize[0], iy = 1 / voxelSize[1], iz = 1 / voxelSize[2];
  const plane = nx * ny;
  for (let z = 0; z < nz; z++) {
    const zp = z === 0 ? (nz - 1) * plane : -plane;
    for (let y = 0; y < ny; y++) {
      const yp = y === 0 ? (ny - 1) * nx : -nx;
      const row = nx * y + plane * z;
      for (let x = 0; x < nx; x++) {
        const i = row + x, xm = x === 0 ? row + nx - 1 : i - 1, ci = c[i];
        out[i] = (c[xm] * vx[xm] - ci * vx[i]) * ix + (c[i + yp] * vy[i + yp] - ci * vy[i]) * iy + (c[i + zp] * vz[i + zp] - ci * vz[i]) * iz;
      }
    }
  }
}
