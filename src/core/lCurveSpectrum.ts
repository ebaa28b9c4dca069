/**
 * The two norms of the closed-form L2 solution (closedFormL2.ts) as functions of lambda, from one FFT.
 *
 * The solution is diagonal in k-space: chi_hat = W F with W = D / (D^2 + lambda |E|^2) and F the
 * spectrum of the zero-padded (masked) field, so by Parseval on the padded grid of N voxels
 *   ||D chi - f||^2 = (1/N) sum_k (D W - 1)^2 |F|^2,   ||G chi||^2 = (1/N) sum_k |E|^2 W^2 |F|^2,
 * O(N) per lambda, no inverse FFT. The sums run over the half spectrum (rfft3) with weight 2 for
 * the bins whose mirror is not stored.
 *
 * D here is the even part (D(k) + D(-k)) / 2 of the kernel: for a real chi the forward model
 * real(IFFT(D FFT chi)) applies exactly that (spectralFilter.ts), so W built from it is the true
 * minimiser, and both norms are monotone in lambda bin by bin. It differs from D only on the Nyquist
 * planes of a kernel tilted off the axes. closedFormL2 instead takes the even part of W built from
 * D; the two agree wherever D is even (B0 along z, or in the y-z plane on a grid with odd y and z),
 * and elsewhere only on those planes, where closedFormL2's filter grows as 1/D when lambda -> 0
 * (e.g. (D(k) + D(-k))^2 / (4 D(k) D(-k)) in the residual, large when the two have opposite signs),
 * which would bend the curve with an artefact rather than with the data (and made the residual
 * non-monotone in lambda). On the 48^3 example tilted 25 degrees, closedFormL2's output differs from
 * the true minimiser by 6% of its norm in the mask at lambda = 1e-3, 0.5% at 0.05.
 *
 * Bins where D = 0 are left out of the residual: k = 0 (the field's mean) and the grid points that
 * lie exactly on the magic-angle cone (many do: with B0 along z, every k with kx^2 + ky^2 = 2 kz^2 in
 * grid units). No chi reaches them, so they add the same constant at every lambda; kept, that
 * floor flattens the small-lambda end of the curve in log space and makes a false corner there (on
 * the 48^3 example it was 0.07 ppm, three times the rest of the residual at lambda = 1e-6).
 *
 * Each point also carries the first two derivatives of both squared norms in lambda (closed form,
 * same pass), so the L-curve's curvature needs no finite differences.
 */
import { gradientPenaltyKernel } from './closedFormL2';
import { dipoleKernel } from './dipoleKernel';
import { applyMask } from './masking';
import { paddedDims } from './padding';
import { checkAbort, type ProgressOptions } from './progress';
import { halfDims } from './rfft3';
import { evenHalfWeights, paddedSpectrum } from './spectralFilter';
import type { Vec3, Volume } from './volume';

/** |D| below this is an exact zero after float rounding (the smallest true |D| on a 512^3 grid is ~1e-6 larger). */
const ZERO_D = 1e-7;

/** What the norms need of the data, on the half spectrum of the padded grid. */
export interface NormSpectrum {
  /** (D(k) + D(-k)) / 2 */
  d: Float32Array;
  /** |E(k)|^2, 1/mm^2 (even) */
  e2: Float32Array;
  /** |F(k)|^2 times the bin's weight in the full spectrum, divided by N (0 where D = 0) */
  power: Float64Array;
  padDims: Vec3;
}

/** Squared norms at one lambda and their first and second derivatives in lambda. */
export interface SquaredNorms {
  lambda: number;
  /** ||D chi - f||^2, ppm^2 */
  residual2: [number, number, number];
  /** ||G chi||^2, (ppm/mm)^2 */
  regulariser2: [number, number, number];
}

export function normSpectrum(field: Volume, b0Dir: Vec3, mask?: Volume, padFactor?: number, opts?: ProgressOptions): NormSpectrum {
  const padDims = paddedDims(field.dims, padFactor);
  const spec = paddedSpectrum(applyMask(field, mask).data, field.dims, padDims, opts);
  checkAbort(opts);
  const dFull = dipoleKernel(padDims, field.voxelSize, b0Dir);
  const eFull = gradientPenaltyKernel(padDims, field.voxelSize);
  // |E|^2 is even in k, so its "even part" is itself: the same half-grid extraction serves both kernels
  const d = evenHalfWeights(dFull, padDims), e2 = evenHalfWeights(eFull, padDims);
  return { d, e2, power: binPower(spec.re, spec.im, padDims, d), padDims };
}

/**
 * |X(k)|^2 on the half spectrum, times each bin's weight in the full spectrum, over N (Parseval), and 0 where D = 0
 * (no chi reaches those bins, so they only add a constant floor to the residual).
 */
export function binPower(re: Float32Array, im: Float32Array, padDims: Vec3, d: Float32Array): Float64Array {
  const [px, py, pz] = padDims;
  const hx = halfDims(padDims)[0];
  const n = d.length;
  const power = new Float64Array(n);
  const scale = 1 / (px * py * pz);
  for (let o = 0; o < n; o++) {
    // kx = 0 and kx = px/2 are their own mirrors in x; every other stored bin stands for two
    const x = o % hx;
    const weight = x === 0 || 2 * x === px ? 1 : 2;
    power[o] = Math.abs(d[o]) < ZERO_D ? 0 : weight * scale * (re[o] * re[o] + im[o] * im[o]);
  }
  return power;
}

/**
 * Per bin, with den = D^2 + lambda e: w = D / den, dw/dlambda = -D e / den^2,
 * d2w/dlambda2 = 2 D e^2 / den^3. The residual bin is (D w - 1) F = -lambda e F / den, the gradient
 * bin |E| w F.
 */
export function squaredNorms(s: NormSpectrum, lambda: number): SquaredNorms {
  let r = 0, r1 = 0, r2 = 0, g = 0, g1 = 0, g2 = 0;
  const { d, e2, power } = s;
  for (let i = 0; i < power.length; i++) {
    const p = power[i];
    const e = e2[i], dk = d[i];
    const den = dk * dk + lambda * e;
    if (p === 0) continue;
    const inv = 1 / den;
    const w = dk * inv;
    const w1 = -dk * e * inv * inv;
    const w2 = 2 * dk * e * e * inv * inv * inv;
    const res = dk * w - 1;
    r += p * res * res;
    r1 += 2 * p * res * dk * w1;
    r2 += 2 * p * (dk * w1 * dk * w1 + res * dk * w2);
    g += p * e * w * w;
    g1 += 2 * p * e * w * w1;
    g2 += 2 * p * e * (w1 * w1 + w * w2);
  }
  return { lambda, residual2: [r, r1, r2], regulariser2: [g, g1, g2] };
}
