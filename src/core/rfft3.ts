/**
 * Real-input 3-D FFT: the spectrum of a real volume is Hermitian, so only kx = 0 .. nx/2 is kept
 * (the layout of numpy's rfftn along x). Half the arithmetic and half the memory of fft3.
 *
 * Along x (nx even, n = nx/2) the classic packing trick: z[j] = x[2j] + i x[2j+1] is transformed
 * with one complex FFT of length n, and with E, O the spectra of the even and odd samples,
 *   E[k] = (Z[k] + conj Z[n-k]) / 2,  O[k] = (Z[k] - conj Z[n-k]) / 2i,  X[k] = E[k] + W^k O[k],
 * W = e^{-2 pi i / nx}. The inverse undoes it: E[k] = (X[k] + conj X[n-k]) / 2,
 * O[k] = (X[k] - conj X[n-k]) / (2 W^k), z = IFFT_n(E + i O). The y and z passes are fft3's.
 *
 * irfft3 returns the real volume whose spectrum is the Hermitian extension of the half spectrum;
 * callers that filter with a real kernel make the kernel even first (see spectralFilter.ts) so
 * that this equals real(IFFT(H . FFT(x))) on the full grid.
 */
import { fftBatch, planFft } from './fft1d';
import { makeScratch, passY, passZ, progressCounter, type Scratch, type Tick } from './fft3';
import type { ProgressOptions } from './progress';
import type { Vec3 } from './volume';

export interface HalfSpectrum {
  /** kx = 0 .. nx/2 by ky by kz, x fastest: (nx/2 + 1) * ny * nz values */
  re: Float32Array;
  im: Float32Array;
  /** dims of the real volume (nx even) */
  dims: Vec3;
}

export function halfDims(dims: Vec3): Vec3 {
  return [dims[0] / 2 + 1, dims[1], dims[2]];
}

function checkEven(dims: Vec3): void {
  if (dims[0] % 2 !== 0 || dims[0] < 2) throw new Error(`real FFT needs an even x size, got ${dims[0]}`);
}

export function rfft3(data: Float32Array, dims: Vec3, opts?: ProgressOptions): HalfSpectrum {
  checkEven(dims);
  const hd = halfDims(dims);
  const n = hd[0] * hd[1] * hd[2];
  return rfft3Into(data, dims, { re: new Float32Array(n), im: new Float32Array(n), dims: [...dims] as Vec3 }, opts);
}

/**
 * rfft3 into a caller's half spectrum (its dims must be `dims`), for loops that transform the same grid every
 * iteration without allocating; `scratch` (makeScratch(dims)) may be reused too.
 */
export function rfft3Into(data: Float32Array, dims: Vec3, out: HalfSpectrum, opts?: ProgressOptions, scratch: Scratch = makeScratch(dims)): HalfSpectrum {
  checkEven(dims);
  const [nx, ny, nz] = dims;
  if (data.length !== nx * ny * nz) throw new Error(`real volume has ${data.length} values, dims ${dims.join('x')} need ${nx * ny * nz}`);
  const hd = halfDims(dims);
  if (out.re.length !== hd[0] * ny * nz || out.im.length !== out.re.length || out.dims.some((v, a) => v !== dims[a])) throw new Error('half spectrum does not match the dims');
  const tick = progressCounter(nz + nz + ny, opts, 'FFT');
  realPassX(data, out.re, out.im, dims, scratch, tick);
  passY(out.re, out.im, hd, scratch, tick);
  passZ(out.re, out.im, hd, 1, scratch, tick);
  return out;
}

/** Inverse of rfft3 (normalised). Overwrites the spectrum. */
export function irfft3(spec: HalfSpectrum, opts?: ProgressOptions): Float32Array {
  checkEven(spec.dims);
  const [nx, ny, nz] = spec.dims;
  return irfft3Into(spec, new Float32Array(nx * ny * nz), opts);
}

/** irfft3 into a caller's real volume of the spectrum's dims. Overwrites the spectrum. */
export function irfft3Into(spec: HalfSpectrum, out: Float32Array, opts?: ProgressOptions, scratch: Scratch = makeScratch(spec.dims)): Float32Array {
  checkEven(spec.dims);
  const [nx, ny, nz] = spec.dims;
  const hd = halfDims(spec.dims);
  if (spec.re.length !== hd[0] * ny * nz || spec.im.length !== spec.re.length) throw new Error('half spectrum arrays do not match its dims');
  if (out.length !== nx * ny * nz) throw new Error(`output has ${out.length} values, dims ${spec.dims.join('x')} need ${nx * ny * nz}`);
  const tick = progressCounter(nz + ny + nz, opts, 'inverse FFT');
  // Swapping re and im turns the forward passes into unnormalised inverse ones.
  passZ(spec.im, spec.re, hd, 1, scratch, tick);
  passY(spec.im, spec.re, hd, scratch, tick);
  realInversePassX(spec.re, spec.im, out, spec.dims, 1 / ((nx / 2) * ny * nz), scratch, tick);
  return out;
}

/** Lines per block for the x passes (gathered transposed, as in fft3's passX). */
function blockLines(n: number, ny: number, s: Scratch): number {
  return Math.max(1, Math.min(ny, Math.floor(s.maxBlock / (n + 1)), 16));
}

function realPassX(data: Float32Array, re: Float32Array, im: Float32Array, dims: Vec3, s: Scratch, tick: Tick): void {
  const [nx, ny, nz] = dims;
  const n = nx / 2, hx = n + 1;
  const plan = planFft(n);
  const { sr, si, wr, wi } = s;
  const cw = new Float64Array(hx), sw = new Float64Array(hx);
  for (let k = 0; k <= n; k++) { cw[k] = Math.cos((2 * Math.PI * k) / nx); sw[k] = -Math.sin((2 * Math.PI * k) / nx); }
  const B = blockLines(n, ny, s);
  for (let z = 0; z < nz; z++) {
    for (let y0 = 0; y0 < ny; y0 += B) {
      const L = Math.min(B, ny - y0);
      for (let b = 0; b < L; b++) {
        const off = nx * (y0 + b + ny * z);
        for (let j = 0; j < n; j++) { sr[j * L + b] = data[off + 2 * j]; si[j * L + b] = data[off + 2 * j + 1]; }
      }
      fftBatch(plan, L, sr, si, wr, wi);
      for (let b = 0; b < L; b++) {
        const out = hx * (y0 + b + ny * z);
        for (let k = 0; k <= n; k++) {
          const a = (k % n) * L + b, c = ((n - k) % n) * L + b;
          const ar = sr[a], ai = si[a], br = sr[c], bi = -si[c]; // B = conj Z[n-k]
          const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
          const or = 0.5 * (ai - bi), oi = -0.5 * (ar - br); // (A - B) / 2i
          re[out + k] = er + cw[k] * or - sw[k] * oi;
          im[out + k] = ei + cw[k] * oi + sw[k] * or;
        }
      }
    }
    tick();
  }
}

function realInversePassX(re: Float32Array, im: Float32Array, data: Float32Array, dims: Vec3, scale: number, s: Scratch, tick: Tick): void {
  const [nx, ny, nz] = dims;
  const n = nx / 2, hx = n + 1;
  const plan = planFft(n);
  const { sr, si, wr, wi } = s;
  // 1 / W^k = e^{+2 pi i k / nx}
  const cw = new Float64Array(n), sw = new Float64Array(n);
  for (let k = 0; k < n; k++) { cw[k] = Math.cos((2 * Math.PI * k) / nx); sw[k] = Math.sin((2 * Math.PI * k) / nx); }
  const B = blockLines(n, ny, s);
  for (let z = 0; z < nz; z++) {
    for (let y0 = 0; y0 < ny; y0 += B) {
      const L = Math.min(B, ny - y0);
      for (let b = 0; b < L; b++) {
        const off = hx * (y0 + b + ny * z);
        for (let k = 0; k < n; k++) {
          const ar = re[off + k], ai = im[off + k], br = re[off + n - k], bi = -im[off + n - k];
          const er = 0.5 * (ar + br), ei = 0.5 * (ai + bi);
          const dr = 0.5 * (ar - br), di = 0.5 * (ai - bi);
          const or = dr * cw[k] - di * sw[k], oi = dr * sw[k] + di * cw[k];
          // Z = E + i O; stored swapped (im, re) so the forward engine computes the inverse.
          sr[k * L + b] = ei + or;
          si[k * L + b] = er - oi;
        }
      }
      fftBatch(plan, L, sr, si, wr, wi);
      for (let b = 0; b < L; b++) {
        const off = nx * (y0 + b + ny * z);
        // after the swap trick: Re z = si, Im z = sr
        for (let j = 0; j < n; j++) { data[off + 2 * j] = si[j * L + b] * scale; data[off + 2 * j + 1] = sr[j * L + b] * scale; }
      }
    }
    tick();
  }
}
