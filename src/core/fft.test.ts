import { describe, expect, it } from 'vitest';
import { fftBatch, planFft } from './fft1d';
import { fastSize, fft3, ifft3 } from './fft3';

/** Naive O(n^2) DFT, the independent reference. */
function naiveDft(re: number[], im: number[]): [number[], number[]] {
  const n = re.length;
  const outR: number[] = [], outI: number[] = [];
  for (let k = 0; k < n; k++) {
    let sr = 0, si = 0;
    for (let t = 0; t < n; t++) {
      const a = (-2 * Math.PI * ((k * t) % n)) / n;
      sr += re[t] * Math.cos(a) - im[t] * Math.sin(a);
      si += re[t] * Math.sin(a) + im[t] * Math.cos(a);
    }
    outR.push(sr); outI.push(si);
  }
  return [outR, outI];
}

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
}

describe('1-D FFT engine', () => {
  it('matches a naive DFT for every length 1..64, batched and not', () => {
    const rnd = seeded(1);
    for (let n = 1; n <= 64; n++) {
      for (const L of [1, 3]) {
        const re = new Float64Array(n * L), im = new Float64Array(n * L);
        for (let i = 0; i < n * L; i++) { re[i] = rnd(); im[i] = rnd(); }
        const lanes = Array.from({ length: L }, (_, v) => naiveDft(
          Array.from({ length: n }, (_, t) => re[v + L * t]), Array.from({ length: n }, (_, t) => im[v + L * t])));
        fftBatch(planFft(n), L, re, im, new Float64Array(n * L), new Float64Array(n * L));
        let err = 0;
        for (let v = 0; v < L; v++) for (let t = 0; t < n; t++) {
          err = Math.max(err, Math.abs(re[v + L * t] - lanes[v][0][t]), Math.abs(im[v + L * t] - lanes[v][1][t]));
        }
        expect(err, `n=${n} L=${L}`).toBeLessThan(1e-12 * n * 10);
      }
    }
  });
});

describe('3-D FFT', () => {
  it('equals the separable naive DFT on 6x10x15 and 7x9x5', () => {
    for (const dims of [[6, 10, 15], [7, 9, 5]] as [number, number, number][]) {
      const [nx, ny, nz] = dims;
      const n = nx * ny * nz;
      const rnd = seeded(nx * 100 + ny);
      const re = new Float32Array(n), im = new Float32Array(n);
      for (let i = 0; i < n; i++) { re[i] = rnd(); im[i] = rnd(); }
      // Reference: direct triple sum at a handful of output frequencies.
      const c = { re: re.slice(), im: im.slice(), dims };
      fft3(c);
      for (const [kx, ky, kz] of [[0, 0, 0], [1, 2, 3], [nx - 1, 4, nz - 2], [3, ny - 1, 1]]) {
        let sr = 0, si = 0;
        for (let z = 0; z < nz; z++) for (let y = 0; y < ny; y++) for (let x = 0; x < nx; x++) {
          const i = x + nx * (y + ny * z);
          const a = -2 * Math.PI * ((kx * x) / nx + (ky * y) / ny + (kz * z) / nz);
          sr += re[i] * Math.cos(a) - im[i] * Math.sin(a);
          si += re[i] * Math.sin(a) + im[i] * Math.cos(a);
        }
        const o = kx + nx * (ky + ny * kz);
        expect(Math.abs(c.re[o] - sr)).toBeLessThan(1e-4);
        expect(Math.abs(c.im[o] - si)).toBeLessThan(1e-4);
      }
    }
  });

  it('round-trips (inverse of forward is the identity) on a fast and an odd size', () => {
    for (const dims of [[32, 24, 20], [11, 13, 7]] as [number, number, number][]) {
      const n = dims[0] * dims[1] * dims[2];
      const rnd = seeded(7);
      const re = new Float32Array(n), im = new Float32Array(n);
      for (let i = 0; i < n; i++) { re[i] = rnd(); im[i] = rnd(); }
      const c = { re: re.slice(), im: im.slice(), dims };
      fft3(c);
      ifft3(c);
      let err = 0;
      for (let i = 0; i < n; i++) err = Math.max(err, Math.abs(c.re[i] - re[i]), Math.abs(c.im[i] - im[i]));
      expect(err).toBeLessThan(1e-6);
    }
  });

  it('fastSize returns the next 2^a 3^b 5^c', () => {
    expect([1, 7, 11, 13, 17, 97, 240, 241, 300, 301].map(fastSize)).toEqual([1, 8, 12, 15, 18, 100, 240, 243, 300, 320]);
  });
});
