import { describe, expect, it } from 'vitest';
import { axisStarts, blendWeights, createBlender, cropFromMultiple, padToMultiple, patchGrid } from './tiling';
import type { Vec3 } from './volume';

const combos: { dims: Vec3; patch: Vec3; overlap: number }[] = [];
for (const dims of [[64, 64, 64], [37, 50, 23], [16, 9, 100], [5, 5, 5], [48, 17, 33]] as Vec3[]) {
  for (const patch of [[16, 16, 16], [32, 24, 48], [7, 13, 5]] as Vec3[]) {
    for (const overlap of [0, 0.25, 0.5, 0.75]) combos.push({ dims, patch, overlap });
  }
}

describe('patch grid', () => {
  it('covers every voxel, stays inside the volume, and uses full patches where they fit', () => {
    for (const { dims, patch, overlap } of combos) {
      const cover = new Uint8Array(dims[0] * dims[1] * dims[2]);
      let inside = true, fullSize = true;
      for (const p of patchGrid(dims, patch, overlap)) {
        for (let a = 0; a < 3; a++) {
          inside &&= p.origin[a] >= 0 && p.origin[a] + p.size[a] <= dims[a];
          fullSize &&= p.size[a] === Math.min(dims[a], patch[a]);
        }
        for (let z = 0; z < p.size[2]; z++) for (let y = 0; y < p.size[1]; y++) for (let x = 0; x < p.size[0]; x++) {
          cover[p.origin[0] + x + dims[0] * (p.origin[1] + y + dims[1] * (p.origin[2] + z))] = 1;
        }
      }
      expect([inside, fullSize, cover.every((v) => v === 1)], `${dims} ${patch} ${overlap}`).toEqual([true, true, true]);
    }
  });

  it('steps by patch minus the overlap and ends at the border', () => {
    expect(axisStarts(100, 32, 0.25)).toEqual([0, 24, 48, 68]);
    expect(axisStarts(64, 32, 0)).toEqual([0, 32]);
    expect(axisStarts(20, 32, 0.5)).toEqual([0]);
    expect(() => axisStarts(20, 8, 1)).toThrow(/overlap/);
  });
});

describe('blender', () => {
  it('normalised weights are exactly 1 everywhere, and a constant field blends to itself', () => {
    for (const { dims, patch, overlap } of combos) {
      const ones = createBlender(dims, overlap), consts = createBlender(dims, overlap);
      for (const p of patchGrid(dims, patch, overlap)) {
        const n = p.size[0] * p.size[1] * p.size[2];
        ones.add(new Float32Array(n).fill(1), p.origin, p.size);
        consts.add(new Float32Array(n).fill(0.0375), p.origin, p.size);
      }
      const w = ones.finish();
      expect(w.every((v) => v === 1), `${dims} ${patch} ${overlap}`).toBe(true);
      const c = consts.finish();
      // float32 accumulation of up to ~64 overlapping patches: a few ulps
      expect(c.every((v) => Math.abs(v - 0.0375) < 0.0375 * 1e-5), `${dims} ${patch} ${overlap}`).toBe(true);
    }
  });

  it('reassembles a non-constant volume exactly when patches are its own crops', () => {
    const dims: Vec3 = [30, 21, 17];
    const vol = new Float32Array(dims[0] * dims[1] * dims[2]).map((_, i) => Math.sin(i * 0.01) + 0.1 * (i % 7));
    const b = createBlender(dims, 0.5);
    for (const p of patchGrid(dims, [16, 16, 16], 0.5)) {
      const data = new Float32Array(p.size[0] * p.size[1] * p.size[2]);
      let i = 0;
      for (let z = 0; z < p.size[2]; z++) for (let y = 0; y < p.size[1]; y++) for (let x = 0; x < p.size[0]; x++) {
        data[i++] = vol[p.origin[0] + x + dims[0] * (p.origin[1] + y + dims[1] * (p.origin[2] + z))];
      }
      b.add(data, p.origin, p.size);
    }
    const out = b.finish();
    let err = 0;
    for (let i = 0; i < out.length; i++) err = Math.max(err, Math.abs(out[i] - vol[i]));
    expect(err).toBeLessThan(1e-6);
  });

  it('weights taper over the overlap and are positive', () => {
    // ov = 4 along x: 1/5, 2/5, 3/5, 4/5, then mirrored (the size-1 axes only scale it)
    const w = blendWeights([8, 1, 1], 0.5);
    expect(Array.from(w).map((v) => +(v / w[0]).toFixed(6))).toEqual([1, 2, 3, 4, 4, 3, 2, 1]);
    const w2 = blendWeights([12, 1, 1], 0.25); // ov = 3: 1/4, 2/4, 3/4, 1, 1, ...
    expect(Array.from(w2).map((v) => +(v / w2[0]).toFixed(6))).toEqual([1, 2, 3, 4, 4, 4, 4, 4, 4, 3, 2, 1]);
    expect(blendWeights([6, 5, 4], 0.25).every((v) => v > 0)).toBe(true);
  });

  it('rejects patches that leave the volume', () => {
    expect(() => createBlender([10, 10, 10]).add(new Float32Array(8), [9, 0, 0], [2, 2, 2])).toThrow(/leaves/);
  });
});

describe('padToMultiple', () => {
  it('pads to multiples of 16 with zeros and crops back to the original', () => {
    const dims: Vec3 = [17, 32, 5];
    const data = new Float32Array(17 * 32 * 5).map((_, i) => i + 1);
    const p = padToMultiple(data, dims, 16);
    expect(p.dims).toEqual([32, 32, 16]);
    expect(p.data.reduce((s, v) => s + v, 0)).toBe(data.reduce((s, v) => s + v, 0));
    expect(p.data[16 + 32 * (31 + 32 * 4)]).toBe(data[16 + 17 * (31 + 32 * 4)]);
    expect(cropFromMultiple(p.data, p.dims, dims)).toEqual(data);
  });
});
