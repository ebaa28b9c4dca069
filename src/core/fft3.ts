/**
 * 3-D complex FFT on split re/im Float32Array volumes (NIfTI order, x fastest), built from
 * 1-D transforms along each axis. Float32 storage halves memory traffic; every 1-D
 * transform runs in Float64 scratch, so rounding is that of one float32 store per axis.
 *
 * Lines along y and z are gathered in blocks of neighbouring x so the 1-D engine runs
 * with unit-stride inner loops (see fft1d.ts). Any size is exact; sizes 2^a 3^b 5^c are fast
 * (fastSize). Callers that want a linear (not circular) convolution pad first (padding.ts).
 */
import { fftBatch, planFft } from './fft1d';
import type { Vec3 } from './volume';
import type { ProgressOptions } from './progress';
import { checkAbort } from './progress';

export interface ComplexVolume {
  re: Float32Array;
  im: Float32Array;
  dims: Vec3;
}

/** The smallest m >= n of the form 2^a 3^b 5^c (the sizes fft1d transforms fast). */
export function fastSize(n: number): number {
  if (!Number.isFinite(n) || n < 1) throw new Error(`fastSize needs a positive size, got ${n}`);
  for (let m = Math.ceil(n); ; m++) {
    let r = m;
    for (const p of [2, 3, 5]) while (r % p === 0) r /= p;
    if (r === 1) return m;
  }
}

/** Complex volume from real data (imaginary part zero). Copies. */
export function complexFromReal(data: Float32Array, dims: Vec3): ComplexVolume {
  return { re: Float32Array.from(data), im: new Float32Array(data.length), dims: [...dims] as Vec3 };
}

/**
 * Target working set of one block of lines, in complex elements: n * L of them live in
 * 4 Float64 arrays (data + ping-pong scratch), so 4096 elements = 128 KiB, about L2-sized.
 */
const BLOCK_ELEMENTS = 4096;

/** In-place forward 3-D FFT (unnormalised, sign e^{-2 pi i k.x / N}). */
export function fft3(c: ComplexVolume, opts?: ProgressOptions): void {
  transform3(c.re, c.im, c.dims, 1, opts, 'FFT');
}

/** In-place inverse 3-D FFT, normalised by 1/N so ifft3(fft3(x)) = x. */
export function ifft3(c: ComplexVolume, opts?: ProgressOptions): void {
  const [nx, ny, nz] = c.dims;
  // IFFT(x) = swap(FFT(swap(x))) / N: swapping re/im conjugates-and-multiplies-by-i twice.
  transform3(c.im, c.re, c.dims, 1 / (nx * ny * nz), opts, 'inverse FFT');
}

function transform3(re: Float32Array, im: Float32Array, dims: Vec3, scale: number, opts: ProgressOptions | undefined, stage: string): void {
  const [nx, ny, nz] = dims;
  if (re.length !== nx * ny * nz || im.length !== re.length) throw new Error(`complex volume arrays do not match dims ${dims.join('x')}`);
  const progress = progressCounter(nz + nz + ny, opts, stage);
  const scratch = makeScratch(dims);
  passX(re, im, dims, scratch, progress);
  passY(re, im, dims, scratch, progress);
  passZ(re, im, dims, scale, scratch, progress);
}

export interface Scratch { sr: Float64Array; si: Float64Array; wr: Float64Array; wi: Float64Array; maxBlock: number }

export function makeScratch(dims: Vec3): Scratch {
  const maxBlock = Math.max(BLOCK_ELEMENTS, dims[0], dims[1], dims[2]);
  return { sr: new Float64Array(maxBlock), si: new Float64Array(maxBlock), wr: new Float64Array(maxBlock), wi: new Float64Array(maxBlock), maxBlock };
}

/** Called once per slice or row a pass finishes; checks for cancellation first. */
export type Tick = () => void;

export function progressCounter(total: number, opts: ProgressOptions | undefined, stage: string): Tick {
  let done = 0;
  return () => {
    checkAbort(opts);
    done++;
    opts?.onProgress?.(done, total, stage);
  };
}

/**
 * 1-D FFTs along x: blocks of B neighbouring lines (consecutive y), gathered transposed so the
 * 1-D engine again runs unit-stride over lanes; faster than one scalar line at a time.
 */
export function passX(re: Float32Array, im: Float32Array, dims: Vec3, s: Scratch, tick: Tick): void {
  const [nx, ny, nz] = dims;
  const { sr, si, wr, wi } = s;
  const px = planFft(nx);
  const bx = Math.max(1, Math.min(ny, Math.floor(s.maxBlock / nx), 16));
  for (let z = 0; z < nz; z++) {
    if (nx > 1) {
      for (let y0 = 0; y0 < ny; y0 += bx) {
        const L = Math.min(bx, ny - y0);
        for (let b = 0; b < L; b++) {
          const off = nx * (y0 + b + ny * z);
          for (let x = 0; x < nx; x++) { sr[x * L + b] = re[off + x]; si[x * L + b] = im[off + x]; }
        }
        fftBatch(px, L, sr, si, wr, wi);
        for (let b = 0; b < L; b++) {
          const off = nx * (y0 + b + ny * z);
          for (let x = 0; x < nx; x++) { re[off + x] = sr[x * L + b]; im[off + x] = si[x * L + b]; }
        }
      }
    }
    tick();
  }
}

/** 1-D FFTs along y: for each z slice, blocks of B neighbouring x columns. */
export function passY(re: Float32Array, im: Float32Array, dims: Vec3, s: Scratch, tick: Tick): void {
  const [nx, ny, nz] = dims;
  const { sr, si, wr, wi } = s;
  const py = planFft(ny);
  const by = Math.max(1, Math.min(nx, Math.floor(s.maxBlock / ny)));
  for (let z = 0; z < nz; z++) {
    if (ny > 1) {
      for (let x0 = 0; x0 < nx; x0 += by) {
        const L = Math.min(by, nx - x0);
        for (let y = 0; y < ny; y++) {
          const off = x0 + nx * (y + ny * z), o = y * L;
          for (let b = 0; b < L; b++) { sr[o + b] = re[off + b]; si[o + b] = im[off + b]; }
        }
        fftBatch(py, L, sr, si, wr, wi);
        for (let y = 0; y < ny; y++) {
          const off = x0 + nx * (y + ny * z), o = y * L;
          for (let b = 0; b < L; b++) { re[off + b] = sr[o + b]; im[off + b] = si[o + b]; }
        }
      }
    }
    tick();
  }
}

/** 1-D FFTs along z: for each y row, blocks of B neighbouring x columns; `scale` folds in here. */
export function passZ(re: Float32Array, im: Float32Array, dims: Vec3, scale: number, s: Scratch, tick: Tick): void {
  const [nx, ny, nz] = dims;
  const { sr, si, wr, wi } = s;
  const pz = planFft(nz);
  const bz = Math.max(1, Math.min(nx, Math.floor(s.maxBlock / nz)));
  const plane = nx * ny;
  for (let y = 0; y < ny; y++) {
    for (let x0 = 0; x0 < nx; x0 += bz) {
      const L = Math.min(bz, nx - x0);
      for (let z = 0; z < nz; z++) {
        const off = x0 + nx * y + plane * z, o = z * L;
        for (let b = 0; b < L; b++) { sr[o + b] = re[off + b]; si[o + b] = im[off + b]; }
      }
      if (nz > 1) fftBatch(pz, L, sr, si, wr, wi);
      for (let z = 0; z < nz; z++) {
        const off = x0 + nx * y + plane * z, o = z * L;
        for (let b = 0; b < L; b++) { re[off + b] = sr[o + b] * scale; im[off + b] = si[o + b] * scale; }
      }
    }
    tick();
  }
}
