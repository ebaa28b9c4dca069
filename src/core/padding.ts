/**
 * Zero padding for FFT convolutions: the dipole field reaches far, so a circular convolution
 * on the original grid would wrap fields from one side into the other. We pad at the high end
 * of each axis (data stays at the origin) to at least `factor` times each size, rounded up to a
 * size the FFT handles fast (and even along x, so the real-input FFT applies), and crop back after.
 */
import { fastSize } from './fft3';
import type { Vec3 } from './volume';

export const DEFAULT_PAD_FACTOR = 1.5;

export function paddedDims(dims: Vec3, factor = DEFAULT_PAD_FACTOR): Vec3 {
  const out = dims.map((n) => fastSize(Math.ceil(n * factor))) as Vec3;
  while (out[0] % 2 !== 0) out[0] = fastSize(out[0] + 1);
  return out;
}

/** Copy data of dims into a zero grid of bigDims (bigDims >= dims on every axis), at the origin. */
export function padData(data: ArrayLike<number>, dims: Vec3, bigDims: Vec3): Float32Array {
  checkFits(dims, bigDims);
  const [nx, ny, nz] = dims;
  const [px, py] = bigDims;
  const out = new Float32Array(bigDims[0] * bigDims[1] * bigDims[2]);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const src = nx * (y + ny * z), dst = px * (y + py * z);
      for (let x = 0; x < nx; x++) out[dst + x] = data[src + x];
    }
  }
  return out;
}

/** The dims-sized corner at the origin of data on bigDims (inverse of padData). */
export function cropData(data: ArrayLike<number>, bigDims: Vec3, dims: Vec3): Float32Array {
  checkFits(dims, bigDims);
  const [nx, ny, nz] = dims;
  const [px, py] = bigDims;
  const out = new Float32Array(nx * ny * nz);
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const src = px * (y + py * z), dst = nx * (y + ny * z);
      for (let x = 0; x < nx; x++) out[dst + x] = data[src + x];
    }
  }
  return out;
}

function checkFits(dims: Vec3, bigDims: Vec3): void {
  if (dims.some((n, a) => n > bigDims[a])) throw new Error(`cannot fit ${dims.join('x')} into ${bigDims.join('x')}`);
}
