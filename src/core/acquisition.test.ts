/** Sign-canonical B0 direction and the side information built from it (DESIGN.md "Models"). */
import { describe, it, expect } from 'vitest';
import { canonicalB0, sideInfo, tiltDegrees } from './acquisition';
import type { Vec3 } from './volume';

describe('canonicalB0', () => {
  it('gives b and -b the same unit vector, in the hemisphere b_z > 0', () => {
    const dirs: Vec3[] = [[0.3, -0.2, 0.93], [0.1, 0.5, -0.8], [0, 0, -2], [-0.6, 0.2, 0.1]];
    for (const b of dirs) {
      const c = canonicalB0(b);
      expect(canonicalB0(b.map((v) => -v) as Vec3)).toEqual(c);
      expect(c[2]).toBeGreaterThan(0);
      expect(Math.hypot(...c)).toBeCloseTo(1, 12);
      expect(tiltDegrees(c)).toBeCloseTo(tiltDegrees(b), 10);
    }
    expect(canonicalB0([0, 0, -2])).toEqual([0, 0, 1]);
  });

  it('on b_z = 0 makes the first non-zero component positive', () => {
    const c = canonicalB0([-1, 1, 0]);
    expect(c[0]).toBeCloseTo(Math.SQRT1_2, 15);
    expect(c[1]).toBeCloseTo(-Math.SQRT1_2, 15);
    expect(c[2]).toBe(0);
    expect(canonicalB0([0, -3, 0])).toEqual([0, 1, 0]);
    expect(canonicalB0([0, 3, -0])).toEqual([0, 1, 0]);
    expect(Object.is(canonicalB0([0, -3, 0])[0], 0)).toBe(true); // no -0 left to tell b from -b
  });

  it('keeps different directions different and rejects a zero vector', () => {
    expect(canonicalB0([0.4, 0, 0.9])).not.toEqual(canonicalB0([0, 0, 1]));
    expect(() => canonicalB0([0, 0, 0])).toThrow(/no length/);
    expect(() => canonicalB0([NaN, 0, 1])).toThrow(/no length/);
  });

  it('is what the side information carries', () => {
    expect(sideInfo({ voxelSize: [1, 1, 2], b0Dir: [0, 0, -1] })).toEqual([1, 1, 2, 0, 0, 1]);
  });
});
