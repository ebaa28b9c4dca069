import { describe, expect, it } from 'vitest';
import { forwardField } from './forwardModel';
import { mirrorB0X, mirrorDataX, mirrorVolumeX } from './mirror';
import { tkd } from './tkd';
import { makeVolume, type Vec3 } from './volume';

/**
 * Off-centre Gaussian blobs: smooth, so (as in real anatomy) next to nothing sits at the Nyquist frequency,
 * the one place where the discrete kernel is not symmetric under k_x -> -k_x (white noise misses by ~2 %).
 */
function blobs(dims: Vec3, voxelSize: Vec3, seed: number) {
  let s = seed;
  const rand = () => (s = (s * 16807) % 2147483647) / 2147483647;
  const centres = Array.from({ length: 6 }, () => [4 + rand() * (dims[0] - 8), 4 + rand() * (dims[1] - 8), 4 + rand() * (dims[2] - 8), rand() - 0.5]);
  const v = makeVolume(dims, voxelSize);
  for (let z = 0, i = 0; z < dims[2]; z++)
    for (let y = 0; y < dims[1]; y++)
      for (let x = 0; x < dims[0]; x++, i++)
        for (const [cx, cy, cz, a] of centres) v.data[i] += a * Math.exp(-((x - cx) ** 2 + (y - cy) ** 2 + (z - cz) ** 2) / 3);
  return v;
}

function relativeDifference(a: Float32Array, b: Float32Array): number {
  let num = 0, den = 0;
  for (let i = 0; i < a.length; i++) { num += (a[i] - b[i]) ** 2; den += b[i] ** 2; }
  return Math.sqrt(num / den);
}

describe('mirror along voxel x', () => {
  it('reverses each row, by hand', () => {
    const d = Float32Array.from([1, 2, 3, 4, 5, 6]);
    expect(Array.from(mirrorDataX(d, [3, 2, 1]))).toEqual([3, 2, 1, 6, 5, 4]);
    expect(Array.from(mirrorDataX(mirrorDataX(d, [3, 2, 1]), [3, 2, 1]))).toEqual(Array.from(d));
    expect(() => mirrorDataX(d, [4, 1, 1])).toThrow(/rows of 4/);
  });

  it('negates only b_x, without a -0', () => {
    expect(mirrorB0X([0.3, -0.2, 0.9])).toEqual([-0.3, -0.2, 0.9]);
    expect(Object.is(mirrorB0X([0, 0, 1])[0], 0)).toBe(true);
  });

  // the physics the mirror pass relies on: with b_x negated, the mirrored field is the mirrored source's field
  it('commutes with the dipole forward model for an oblique B0 and anisotropic voxels', () => {
    const b: Vec3 = [0.36, 0.21, 0.91];
    const chi = blobs([20, 18, 16], [1, 1.2, 2], 7);
    const direct = mirrorVolumeX(forwardField(chi, b)).data;
    const viaMirror = forwardField(mirrorVolumeX(chi), mirrorB0X(b)).data;
    expect(relativeDifference(viaMirror, direct)).toBeLessThan(1e-5);
    // and the wrong b (not negated) does not: the test can tell
    expect(relativeDifference(forwardField(mirrorVolumeX(chi), b).data, direct)).toBeGreaterThan(0.05);
  });

  // 1e-3: TKD's threshold amplifies the field's small high-frequency remainder (the forward case is at 1e-5)
  it('leaves an exactly equivariant inversion (TKD) unchanged', () => {
    const b: Vec3 = [0.36, 0.21, 0.91];
    const field = forwardField(blobs([18, 16, 16], [1, 1, 1.5], 3), b);
    const again = mirrorVolumeX(tkd(mirrorVolumeX(field), mirrorB0X(b))).data;
    expect(relativeDifference(again, tkd(field, b).data)).toBeLessThan(1e-3);
  });
});
