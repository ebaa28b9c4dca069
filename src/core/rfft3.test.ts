import { describe, expect, it } from 'vitest';
import { complexFromReal, fft3 } from './fft3';
import { irfft3, rfft3 } from './rfft3';
import type { Vec3 } from './volume';

function seeded(seed: number): () => number {
  let s = seed >>> 0;
  return () => { s = (s * 1664525 + 1013904223) >>> 0; return s / 2 ** 32 - 0.5; };
}

describe('real-input 3-D FFT', () => {
  for (const dims of [[12, 10, 9], [2, 3, 5], [30, 7, 16], [64, 8, 6]] as Vec3[]) {
    it(`${dims.join('x')}: equals the kx <= nx/2 half of the complex FFT, and inverts`, () => {
      const rnd = seeded(dims[0] * 31 + dims[1]);
      const n = dims[0] * dims[1] * dims[2];
      const x = new Float32Array(n).map(() => rnd());
      const full = complexFromReal(x, dims);
      fft3(full);
      const half = rfft3(x, dims);
      const hx = dims[0] / 2 + 1;
      let err = 0, scale = 0;
      for (let z = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let k = 0; k < hx; k++) {
        const f = k + dims[0] * (y + dims[1] * z), h = k + hx * (y + dims[1] * z);
        err = Math.max(err, Math.abs(full.re[f] - half.re[h]), Math.abs(full.im[f] - half.im[h]));
        scale = Math.max(scale, Math.abs(full.re[f]));
      }
      expect(err / scale).toBeLessThan(1e-6);
      const back = irfft3(half);
      let rt = 0;
      for (let i = 0; i < n; i++) rt = Math.max(rt, Math.abs(back[i] - x[i]));
      expect(rt).toBeLessThan(1e-6);
    });
  }
  it('rejects odd x sizes', () => {
    expect(() => rfft3(new Float32Array(27), [3, 3, 3])).toThrow(/even/);
  });
});
