import { describe, expect, it } from 'vitest';
import fx from './__fixtures__/iterative_fixture.json';
import { iterGrid } from './iterativeGrid';
import { edgeWeights, noiseWeights } from './magnitudeWeights';
import { ndi } from './ndi';
import { tv } from './tv';
import { makeVolume, type Vec3, type Volume } from './volume';

// Independent numpy implementation: src/core/__fixtures__/make_iterative_fixture.py
// (14x12x10, voxels 0.9x1.1x1.6 mm, oblique B0, an off-centre mask smaller than the grid, a few iterations each).
const dims = fx.dims as Vec3, vs = fx.voxelSize as Vec3, b0 = fx.b0Dir as Vec3;
const vol = (a: number[]): Volume => makeVolume(dims, vs, undefined, Float32Array.from(a));
const field = vol(fx.field), mask = vol(fx.mask), magnitude = vol(fx.magnitude);

/** max |a - b| relative to max |b|. */
function relErr(a: ArrayLike<number>, b: number[]): number {
  let num = 0, den = 0;
  for (let i = 0; i < b.length; i++) { num = Math.max(num, Math.abs(a[i] - b[i])); den = Math.max(den, Math.abs(b[i])); }
  return num / den;
}

describe('iterative inversions against numpy', () => {
  it('works on the mask box, padded as DESIGN.md pads', () => {
    const g = iterGrid(dims, (i) => fx.mask[i] > 0);
    expect(g.lo).toEqual(fx.boxLo);
    expect(g.box).toEqual(fx.box);
    expect(g.pad).toEqual(fx.padDims);
  });
  it('noise and edge weights from the magnitude', () => {
    expect(relErr(noiseWeights(field.data.length, mask.data, magnitude.data), fx.noiseWeights)).toBeLessThan(1e-6);
    expect(Array.from(edgeWeights(magnitude.data, dims, vs, mask.data, fx.tv.edgeFraction))).toEqual(fx.edgeWeights);
  });
  const tvOpts = { lambda: fx.tv.lambda, muRatio: fx.tv.muRatio, mu2: fx.tv.mu2, maxIter: fx.tv.iterations, tol: 0 };
  it('TV-ADMM with magnitude noise and edge weights', () => {
    const chi = tv(field, b0, mask, { ...tvOpts, magnitude, edgeFraction: fx.tv.edgeFraction });
    expect(relErr(chi.data, fx.tvMagnitude)).toBeLessThan(2e-4);
  });
  it('TV-ADMM without a magnitude', () => {
    expect(relErr(tv(field, b0, mask, tvOpts).data, fx.tvPlain)).toBeLessThan(2e-4);
  });
  it('TV-ADMM with the nonlinear data term (4x the field: phases up to ~2.5 rad), which differs from the linear one', () => {
    const big = vol(fx.field.map((v) => 4 * v));
    const chi = tv(big, b0, mask, { ...tvOpts, magnitude, edgeFraction: 1, nonlinear: true, phaseScale: fx.ndi.phaseScale });
    expect(relErr(chi.data, fx.tvNonlinear)).toBeLessThan(2e-4);
    // a few times the tolerance above: the code path is the nonlinear one
    expect(relErr(fx.tvNonlinearAsLinear, fx.tvNonlinear)).toBeGreaterThan(1e-3);
  });
  it('NDI with magnitude noise weights, Tikhonov terms and a step cut to the stability bound', () => {
    const n = fx.ndi;
    const chi = ndi(field, b0, mask, { tau: n.tau, alpha: n.alpha, beta: n.beta, phaseScale: n.phaseScale, maxIter: n.iterations, tol: 0, magnitude });
    expect(relErr(chi.data, fx.ndiMagnitude)).toBeLessThan(2e-4);
  });
  it('NDI without the support constraint', () => {
    const n = fx.ndi;
    const chi = ndi(field, b0, mask, { tau: n.tau, alpha: n.alpha, beta: n.beta, phaseScale: n.phaseScale, maxIter: n.iterations, tol: 0, support: false });
    expect(relErr(chi.data, fx.ndiNoSupport)).toBeLessThan(2e-4);
  });
});
