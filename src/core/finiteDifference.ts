/**
 * Periodic forward differences per mm on a grid, and their adjoint: the image-space pair whose k-space symbol is
 * closedFormL2.ts's gradient penalty, sum_a |E_a|^2 = sum_a 4 sin^2(pi m_a / N_a) / d_a^2 (the adjoint of the
 * forward difference is minus the backward difference). Used by tv.ts.
 */
import type { Vec3 } from './volume';

/** g_a[i] = (u[i + e_a] - u[i]) / d_a, wrapping at the high end of each axis. */
export function forwardGradient(u: Float32Array, dims: Vec3, voxelSize: Vec3, gx: Float32Array, gy: Float32Array, gz: Float32Array): void {
  const [nx, ny, nz] = dims;
  const ix = 1 / voxelSize[0], iy = 1 / voxelSize[1], iz = 1 / voxelSize[2];
  const plane = nx * ny;
  for (let z = 0; z < nz; z++) {
    const zn = z === nz - 1 ? -z * plane : plane;
    for (let y = 0; y < ny; y++) {
      const yn = y === ny - 1 ? -y * nx : nx;
      const row = nx * y + plane * z;
      for (let x = 0; x < nx; x++) {
        const i = row + x, v = u[i];
        gx[i] = ((x === nx - 1 ? u[row] : u[i + 1]) - v) * ix;
        gy[i] = (u[i + yn] - v) * iy;
        gz[i] = (u[i + zn] - v) * iz;
      }
    }
  }
}

/** out[i] = sum_a (v_a[i - e_a] - v_a[i]) / d_a: the adjoint of forwardGradient. */
export function gradientAdjoint(vx: Float32Array, vy: Float32Array, vz: Float32Array, dims: Vec3, voxelSize: Vec3, out: Float32Array): void {
  const [nx, ny, nz] = dims;
  const ix = 1 / voxelSize[0], iy = 1 / voxelSize[1], iz = 1 / voxelSize[2];
  const plane = nx * ny;
  for (let z = 0; z < nz; z++) {
    const zp = z === 0 ? (nz - 1) * plane : -plane;
    for (let y = 0; y < ny; y++) {
      const yp = y === 0 ? (ny - 1) * nx : -nx;
      const row = nx * y + plane * z;
      for (let x = 0; x < nx; x++) {
        const i = row + x;
        out[i] = ((x === 0 ? vx[row + nx - 1] : vx[i - 1]) - vx[i]) * ix + (vy[i + yp] - vy[i]) * iy + (vz[i + zp] - vz[i]) * iz;
      }
    }
  }
}

/**
 * gradientAdjoint of (c vx, c vy, c vz), c a per-voxel factor: tv.ts keeps ADMM's z - u as c a (a = grad chi + u
 * before the shrink, c = 2 s - 1 from the shrink factor s), so it never holds z - u and u as six arrays.
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
