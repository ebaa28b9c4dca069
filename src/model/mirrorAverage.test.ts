import { describe, expect, it } from 'vitest';
import { canonicalB0 } from '../core/acquisition';
import { mirrorAveragedNet, mirrorPass } from './mirrorAverage';
import type { PatchNet } from './patchInference';

/** A net that is not mirror-symmetric: each voxel times (1 + its x index), plus a constant. */
function rampNet(offset: number, disposed: string[], name: string): PatchNet {
  return {
    predict: async (p, size) => p.map((v, i) => v * (1 + (i % size[0])) + offset),
    dispose: () => disposed.push(name),
  };
}

describe('mirror-averaged patch net', () => {
  it('averages the plain pass with the mirrored pass mirrored back, by hand', async () => {
    const disposed: string[] = [];
    const net = mirrorAveragedNet(rampNet(0, disposed, 'plain'), rampNet(10, disposed, 'mirrored'));
    // row [1, 2, 3]: plain [1, 4, 9]; mirrored input [3, 2, 1] -> [13, 14, 13] -> back [13, 14, 13]
    expect(Array.from(await net.predict(Float32Array.from([1, 2, 3]), [3, 1, 1]))).toEqual([7, 9, 11]);
    net.dispose();
    expect(disposed).toEqual(['plain', 'mirrored']);
  });

  it('disposes a net shared by both passes once', () => {
    const disposed: string[] = [];
    const shared = rampNet(0, disposed, 'shared');
    mirrorAveragedNet(shared, shared).dispose();
    expect(disposed).toEqual(['shared']);
  });

  it('copies the first answer before the second prediction can reuse its memory', async () => {
    const buffer = new Float32Array(3);
    const reusing: PatchNet = { predict: async (p) => { buffer.set(p); return buffer; }, dispose: () => {} };
    // identity net: the average of the field and its mirror mirrored back is the field itself
    expect(Array.from(await mirrorAveragedNet(reusing, reusing).predict(Float32Array.from([1, 2, 3]), [3, 1, 1]))).toEqual([1, 2, 3]);
  });
});

describe('mirror pass', () => {
  const vs: [number, number, number] = [1, 1, 2];
  it('gives a net that takes b the side information with b_x negated', () => {
    const b: [number, number, number] = [0.36, 0.21, 0.91];
    expect(mirrorPass(true, true, vs, b)?.side).toEqual([1, 1, 2, ...canonicalB0([-0.36, 0.21, 0.91])]);
  });
  it('runs a net without b twice only where the mirror changes nothing for it (b_x = 0)', () => {
    expect(mirrorPass(true, false, vs, [0, 0.42, 0.906])).toEqual({});
    expect(mirrorPass(true, false, vs, [0.36, 0.21, 0.91])).toBeUndefined();
  });
  it('is off when asked', () => {
    expect(mirrorPass(false, true, vs, [0, 0, 1])).toBeUndefined();
  });
});
