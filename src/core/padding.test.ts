import { describe, expect, it } from 'vitest';
import { cropData, padData, paddedDims } from './padding';
import type { Vec3 } from './volume';

describe('padding', () => {
  it('pads each axis to at least 1.5x, to 2^a 3^b 5^c, even along x', () => {
    expect(paddedDims([160, 200, 160])).toEqual([240, 300, 240]);
    // 1.5 * 9 = 13.5 -> 14 -> 15 is fast but odd on x -> 16; y and z may stay odd
    expect(paddedDims([9, 9, 9])).toEqual([16, 15, 15]);
    expect(paddedDims([1, 1, 1])).toEqual([2, 2, 2]);
  });
  it('crop(pad(x)) = x and the padding is zero', () => {
    const dims: Vec3 = [3, 4, 2], big: Vec3 = [5, 6, 4];
    const x = new Float32Array(24).map((_, i) => i + 1);
    const p = padData(x, dims, big);
    expect(p.reduce((s, v) => s + v, 0)).toBe(x.reduce((s, v) => s + v, 0));
    expect(p[2 + 5 * (3 + 6 * 1)]).toBe(x[2 + 3 * (3 + 4 * 1)]);
    expect(cropData(p, big, dims)).toEqual(x);
    expect(() => padData(x, dims, [2, 6, 4])).toThrow(/cannot fit/);
  });
});
