/**
 * Laplacian phase unwrapping (Schofield & Zhu 2003): the Laplacian of the true phase is computed from the wrapped
 * phase alone, then inverted with FFTs on the zero-padded grid. Schofield & Zhu's identity
 * lap(phi) = cos(phi) lap(sin phi) - sin(phi) lap(cos phi) becomes, with the 7-point discrete Laplacian, the sum
 * of sin(phi_n - phi) over the neighbours; we use the wrapped differences wrap(phi_n - phi) themselves, which is
 * the discrete Laplacian of the true phase wherever neighbours differ by less than pi.
 *
 * The result is smooth and free of 2 pi jumps but does NOT keep the phase values: inside the mask it is the true
 * phase plus a harmonic function (and small errors where the phase aliases). That harmonic part is background
 * field, which V-SHARP or PDF remove afterwards.
 */
import { fastSize } from '../fft3';
import { cropData, padData } from '../padding';
import { checkAbort, type ProgressOptions } from '../progress';
import { irfft3, rfft3 } from '../rfft3';
import type { Vec3 } from '../volume';
import { wrapToPi } from './wrap';

export interface LaplacianUnwrapOptions extends ProgressOptions {
  /** only differences between two mask voxels count, and the Laplacian is 0 outside (default: the whole grid) */
  mask?: Uint8Array;
  /** the padded grid is at least this many times each size; default 1.5 (DESIGN.md's padding) */
  padFactor?: number;
}

/** The discrete Laplacian (1/mm^2) of the true phase from wrapped neighbour differences, Neumann at the mask's edge. */
export function wrappedLaplacian(phase: Float32Array, dims: Vec3, voxelSize: Vec3, mask?: Uint8Array): Float32Array {
  const [nx, ny, nz] = dims;
  const strides = [1, nx, nx * ny];
  const w = voxelSize.map((d) => 1 / (d * d));
  const out = new Float32Array(phase.length);
  for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
    const i = x + nx * (y + ny * z);
    if (mask && !mask[i]) continue;
    const c = [x, y, z];
    let s = 0;
    for (let a = 0; a < 3; a++) {
      const n = dims[a], st = strides[a];
      if (c[a] > 0 && (!mask || mask[i - st])) s += w[a] * wrapToPi(phase[i - st] - phase[i]);
      if (c[a] < n - 1 && (!mask || mask[i + st])) s += w[a] * wrapToPi(phase[i + st] - phase[i]);
    }
    out[i] = s;
  }
  return out;
}

/** Grid of at least factor x dims, fast for the FFT and even along x. */
export function fftPadDims(dims: Vec3, minSize: Vec3): Vec3 {
  const out = dims.map((n, a) => fastSize(Math.max(n, Math.ceil(minSize[a])))) as Vec3;
  while (out[0] % 2 !== 0) out[0] = fastSize(out[0] + 1);
  return out;
}

/** Solves lap(u) = g on the padded periodic grid with the 7-point Laplacian's eigenvalues; mean of u over the grid 0. */
export function inverseLaplacian(g: Float32Array, dims: Vec3, voxelSize: Vec3, padFactor = 1.5, opts?: ProgressOptions): Float32Array {
  const pd = fftPadDims(dims, dims.map((n) => n * padFactor) as Vec3);
  const spec = rfft3(padData(g, dims, pd), pd, opts);
  checkAbort(opts);
  const [px, py, pz] = pd;
  const hx = px / 2 + 1;
  const ex = new Float64Array(hx), ey = new Float64Array(py), ez = new Float64Array(pz);
  for (let i = 0; i < hx; i++) ex[i] = (2 * Math.cos((2 * Math.PI * i) / px) - 2) / (voxelSize[0] * voxelSize[0]);
  for (let i = 0; i < py; i++) ey[i] = (2 * Math.cos((2 * Math.PI * i) / py) - 2) / (voxelSize[1] * voxelSize[1]);
  for (let i = 0; i < pz; i++) ez[i] = (2 * Math.cos((2 * Math.PI * i) / pz) - 2) / (voxelSize[2] * voxelSize[2]);
  let o = 0;
  for (let z = 0; z < pz; z++) for (let y = 0; y < py; y++) for (let x = 0; x < hx; x++, o++) {
    const l = ex[x] + ey[y] + ez[z];
    const h = l === 0 ? 0 : 1 / l;
    spec.re[o] *= h; spec.im[o] *= h;
  }
  const full = irfft3(spec, opts);
  return cropData(full, pd, dims);
}

/** Unwrapped (smooth) phase in radians, defined inside the mask (0 outside when a mask is given). */
export function laplacianUnwrap(phase: Float32Array, dims: Vec3, voxelSize: Vec3, o: LaplacianUnwrapOptions = {}): Float32Array {
  checkAbort(o);
  const g = wrappedLaplacian(phase, dims, voxelSize, o.mask);
  const u = inverseLaplacian(g, dims, voxelSize, o.padFactor ?? 1.5, o);
  // the Poisson solution's constant is arbitrary: choose it so that u agrees with the wrapped phase on average
  let c = 0, s = 0;
  for (let i = 0; i < u.length; i++) {
    if (o.mask && !o.mask[i]) continue;
    const d = phase[i] - u[i];
    c += Math.cos(d); s += Math.sin(d);
  }
  const shift = c === 0 && s === 0 ? 0 : Math.atan2(s, c);
  for (let i = 0; i < u.length; i++) u[i] = o.mask && !o.mask[i] ? 0 : u[i] + shift;
  return u;
}
