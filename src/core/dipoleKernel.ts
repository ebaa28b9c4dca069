/**
 * The unit dipole kernel in k-space (DESIGN.md): k_i = m_i / (N_i d_i) with m_i the signed
 * FFT index (numpy fftfreq convention: index N/2 of an even N is -N/2), and
 * D(k) = 1/3 - (k.b)^2 / |k|^2, D(0) = 0. b is the B0 direction in voxel axes; it is
 * normalised here so callers may pass any non-zero vector.
 */
import type { Vec3 } from './volume';

export function unitVector(b: Vec3): Vec3 {
  const n = Math.hypot(b[0], b[1], b[2]);
  if (!(n > 0) || !Number.isFinite(n)) throw new Error(`B0 direction must be a finite non-zero vector, got ${b.join(',')}`);
  return [b[0] / n, b[1] / n, b[2] / n];
}

/** Signed FFT index of position i on an axis of length n. */
export function signedIndex(i: number, n: number): number {
  return i < Math.ceil(n / 2) ? i : i - n;
}

/** D at one k-vector (any units: the kernel depends only on the direction of k). */
export function dipoleAt(k: Vec3, b0Dir: Vec3): number {
  const b = unitVector(b0Dir);
  const k2 = k[0] * k[0] + k[1] * k[1] + k[2] * k[2];
  if (k2 === 0) return 0;
  const kb = k[0] * b[0] + k[1] * b[1] + k[2] * b[2];
  return 1 / 3 - (kb * kb) / k2;
}

/** D(k) on the FFT grid of dims with voxel size (mm), in NIfTI order (x fastest). */
export function dipoleKernel(dims: Vec3, voxelSize: Vec3, b0Dir: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const [bx, by, bz] = unitVector(b0Dir);
  const kx = axisFrequencies(nx, voxelSize[0]), ky = axisFrequencies(ny, voxelSize[1]), kz = axisFrequencies(nz, voxelSize[2]);
  const out = new Float32Array(nx * ny * nz);
  let i = 0;
  for (let z = 0; z < nz; z++) {
    for (let y = 0; y < ny; y++) {
      const yz2 = ky[y] * ky[y] + kz[z] * kz[z];
      const yzb = ky[y] * by + kz[z] * bz;
      for (let x = 0; x < nx; x++, i++) {
        const k2 = kx[x] * kx[x] + yz2;
        const kb = kx[x] * bx + yzb;
        out[i] = k2 === 0 ? 0 : 1 / 3 - (kb * kb) / k2;
      }
    }
  }
  return out;
}

/** k_i = m_i / (N d) in 1/mm for every index of an axis. */
export function axisFrequencies(n: number, d: number): Float64Array {
  const k = new Float64Array(n);
  for (let i = 0; i < n; i++) k[i] = signedIndex(i, n) / (n * d);
  return k;
}
