import { describe, expect, it } from 'vitest';
import { DEFAULT_CFL2_LAMBDA } from '../core/closedFormL2';
import { NDI_DEFAULTS } from '../core/ndi';
import { TV_DEFAULTS } from '../core/tv';
import type { LCurve } from '../core/lCurve';
import { fixedLambda, lambdaDescription, lambdaFromCurve, lambdaText, methodSettingsKey } from './cfl2Lambda';

const curve = (corner: number, inflection?: number): LCurve => ({
  points: [], corner, cornerIndex: 3, cornerAtEdge: false, inflection,
});

describe('the cfl2 lambda choice', () => {
  it('takes the rule asked for, rounded to the 3 digits the CLI prints and records', () => {
    expect(lambdaFromCurve(curve(0.0345678, 0.00123456), 'corner')).toMatchObject({ value: 0.0346, rule: 'corner', requested: undefined });
    expect(lambdaFromCurve(curve(0.0345678, 0.00123456), 'inflection')).toMatchObject({ value: 0.00123, rule: 'inflection' });
  });

  it('falls back to the corner when the curve has no inflection below it, and says it was asked for the inflection', () => {
    const l = lambdaFromCurve(curve(0.2), 'inflection');
    expect(l).toMatchObject({ value: 0.2, rule: 'corner', requested: 'inflection' });
    expect(lambdaDescription(l)).toBe('lambda=0.2 (L-curve corner)');
    expect(lambdaText(l)).toBe('λ = 0.2 mm² (L-curve corner: no inflection below the corner on the grid)');
    expect(lambdaText(fixedLambda({}))).toBe(`λ = ${DEFAULT_CFL2_LAMBDA} mm² (fixed)`);
  });

  it('records a fixed lambda as the CLI does: the typed value, or the default when the box is empty', () => {
    expect(lambdaDescription(fixedLambda({ cfl2Lambda: 0.02 }))).toBe('lambda=0.02');
    expect(lambdaDescription(fixedLambda({}))).toBe(`lambda=${DEFAULT_CFL2_LAMBDA}`);
    expect(lambdaDescription(lambdaFromCurve(curve(0.0345678), 'corner'))).toBe('lambda=0.0346 (L-curve corner)');
  });
});

describe('methodSettingsKey (staleness of a result against the method settings)', () => {
  const params = { tkdThreshold: 0.19, cfl2Lambda: undefined };
  it('changes the cfl2 key with the lambda mode and the fixed value, and leaves the TKD key alone', () => {
    const base = methodSettingsKey('cfl2', params, 'fixed');
    expect(methodSettingsKey('cfl2', { ...params, cfl2Lambda: 0.02 }, 'fixed')).not.toBe(base);
    expect(methodSettingsKey('cfl2', params, 'corner')).not.toBe(base);
    expect(methodSettingsKey('cfl2', params, 'corner')).not.toBe(methodSettingsKey('cfl2', params, 'inflection'));
    expect(methodSettingsKey('tkd', { ...params, cfl2Lambda: 0.02 }, 'corner')).toBe(methodSettingsKey('tkd', params, 'fixed'));
  });

  it('treats an empty lambda box as the default it stands for, and ignores the fixed value under an L-curve rule', () => {
    expect(methodSettingsKey('cfl2', { cfl2Lambda: DEFAULT_CFL2_LAMBDA }, 'fixed')).toBe(methodSettingsKey('cfl2', {}, 'fixed'));
    expect(methodSettingsKey('cfl2', { cfl2Lambda: 0.02 }, 'corner')).toBe(methodSettingsKey('cfl2', {}, 'corner'));
  });
});

describe('methodSettingsKey of the iterative methods', () => {
  it('tv and ndi results go stale with their own parameters only, and an empty box is the default', () => {
    const tv = methodSettingsKey('tv', {}, 'fixed');
    for (const p of [{ tvLambda: 1e-3 }, { tvIterations: 7 }, { tvTol: 0 }]) expect(methodSettingsKey('tv', p, 'fixed')).not.toBe(tv);
    expect(methodSettingsKey('tv', { tvLambda: TV_DEFAULTS.lambda, ndiBeta: 1, cfl2Lambda: 0.3, tkdThreshold: 0.1 }, 'corner')).toBe(tv);
    const ndi = methodSettingsKey('ndi', {}, 'fixed');
    for (const p of [{ ndiBeta: 0 }, { ndiIterations: 7 }, { ndiTol: 0.1 }]) expect(methodSettingsKey('ndi', p, 'fixed')).not.toBe(ndi);
    expect(methodSettingsKey('ndi', { ndiIterations: NDI_DEFAULTS.maxIter, tvLambda: 1 }, 'fixed')).toBe(ndi);
    expect(methodSettingsKey('tkd', { tvLambda: 1, ndiBeta: 1 }, 'fixed')).toBe(methodSettingsKey('tkd', {}, 'fixed'));
  });
});
