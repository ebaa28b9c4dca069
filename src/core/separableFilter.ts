/**
 * 1-D correlation along one axis of a volume (x fastest), the building block of the SSIM
 * Gaussian window and the HFEN Laplacian-of-Gaussian. Boundary modes follow scipy.ndimage:
 * 'reflect' = (d c b a | a b c d | d c b a), 'constant' = zeros outside (MATLAB imfilter's default).
 */
import type { Vec3 } from './volume';

export type Boundary = 'reflect' | 'constant';

function reflectIndex(i: number, n: number): number {
  const p = 2 * n;
  let j = ((i % p) + p) % p;
  if (j >= n) j = p - 1 - j;
  return j;
}

/** out[i] = sum_t w[t] in[i + t - r] along `axis`, with w of odd length 2r+1. */
export function correlate1d(input: Float64Array, dims: Vec3, axis: 0 | 1 | 2, w: ArrayLike<number>, mode: Boundary): Float64Array {
  const r = (w.length - 1) / 2;
  if (!Number.isInteger(r)) throw new Error('correlate1d needs an odd-length kernel');
  const [nx, ny, nz] = dims;
  const n = dims[axis];
  const stride = axis === 0 ? 1 : axis === 1 ? nx : nx * ny;
  const out = new Float64Array(input.length);
  const line = new Float64Array(n + 2 * r);
  const lines = (nx * ny * nz) / n;
  for (let l = 0; l < lines; l++) {
    // Start index of line l: enumerate the two other axes.
    let start: number;
    if (axis === 0) start = l * nx;
    else if (axis === 1) start = (l % nx) + nx * ny * Math.floor(l / nx);
    else start = l;
    for (let t = -r; t < n + r; t++) {
      if (t >= 0 && t < n) line[t + r] = input[start + t * stride];
      else line[t + r] = mode === 'constant' ? 0 : input[start + reflectIndex(t, n) * stride];
    }
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let t = 0; t < w.length; t++) s += w[t] * line[i + t];
      out[start + i * stride] = s;
    }
  }
  return out;
}

/** Normalised Gaussian taps exp(-x^2 / 2 sigma^2), x = -radius..radius. */
export function gaussianTaps(sigma: number, radius: number): Float64Array {
  const g = new Float64Array(2 * radius + 1);
  let sum = 0;
  for (let x = -radius; x <= radius; x++) { g[x + radius] = Math.exp(-(x * x) / (2 * sigma * sigma)); sum += g[x + radius]; }
  for (let i = 0; i < g.length; i++) g[i] /= sum;
  return g;
}

/** 3-D Gaussian filter (scipy.ndimage.gaussian_filter with the same radius and mode). */
export function gaussianFilter3(input: Float64Array, dims: Vec3, sigma: number, radius: number, mode: Boundary): Float64Array {
  const g = gaussianTaps(sigma, radius);
  return correlate1d(correlate1d(correlate1d(input, dims, 0, g, mode), dims, 1, g, mode), dims, 2, g, mode);
}
