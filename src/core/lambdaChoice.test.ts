import { describe, expect, it } from 'vitest';
import { lambdaDescription, pickLambda } from './lambdaChoice';
import type { LCurve } from './lCurve';

const curve = (corner: number, inflection?: number): LCurve => ({ points: [], corner, cornerIndex: 0, cornerAtEdge: false, inflection });

describe('pickLambda', () => {
  it('rounds the chosen rule to the 3 digits it prints', () => {
    expect(pickLambda(curve(0.0345678, 0.00123456), 'corner')).toEqual({ value: 0.0346, rule: 'corner', fellBack: false });
    expect(pickLambda(curve(0.0345678, 0.00123456), 'inflection')).toEqual({ value: 0.00123, rule: 'inflection', fellBack: false });
  });
  it('falls back to the corner, and says so, when the curve has no inflection', () => {
    expect(pickLambda(curve(0.2), 'inflection')).toEqual({ value: 0.2, rule: 'corner', fellBack: true });
  });
  it('describes a picked and a fixed lambda', () => {
    expect(lambdaDescription(0.0346, 'corner')).toBe('lambda=0.0346 (L-curve corner)');
    expect(lambdaDescription(0.05)).toBe('lambda=0.05');
  });
});
