/**
 * L-curve choice of the closed-form L2 lambda (Bilgic et al., JMRI 2014, after Hansen): over a log-spaced set of
 * lambdas, trace (x, y) = (ln ||D chi - f||, ln ||G chi||) and pick a point where the curve bends.
 *
 * Shape. The dipole problem is square: as lambda -> 0 every field, noise included, is fitted, so the residual goes to
 * zero instead of to a noise floor, and as lambda grows the residual saturates at ||f|| while the regulariser goes to
 * zero. Traced with increasing lambda the curve runs right and gently down, then turns clockwise into a steep fall:
 * the knee sits at the large-lambda end, a mirror image of Hansen's L. We sign the curvature
 *   kappa = (x'' y' - x' y'') / (x'^2 + y'^2)^1.5    (' = d/d ln lambda)
 * so that this knee is positive, as Bilgic's code does (max of 2 (rho'' eta' - eta'' rho') / ...).
 *
 * Two rules are returned:
 *  - corner: maximum curvature, Bilgic's choice. On the app's brain phantom it over-regularises at low noise
 *    (48^3 example, noise 0.002 ppm: corner 0.035, NRMSE 66% vs 53% at the sweep's best 0.002) and falls as noise
 *    rises; the literature default 0.05 is about where it lands.
 *  - inflection: the zero of the curvature below the corner, where the knee begins (Milovic et al., "Comparison of
 *    parameter optimization methods for quantitative susceptibility mapping", MRM 2021, who found the corner
 *    over-regularising). Near the sweep's best at low noise (same example: 0.0013, NRMSE 54%), but at high noise
 *    (0.01 ppm) the convex stretch below the knee shrinks to tiny lambda and it under-regularises badly.
 *
 * The norms come from one FFT of the padded field (lCurveSpectrum.ts), with the same padding and kernels as
 * closedFormL2, and carry exact lambda derivatives, so the curvature is known at any lambda: both rules are refined
 * between grid points (golden section, bisection), and the grid only needs to be fine enough to plot.
 */
import { normSpectrum, squaredNorms, type NormSpectrum, type SquaredNorms } from './lCurveSpectrum';
import { checkAbort, type ProgressOptions } from './progress';
import type { Vec3, Volume } from './volume';

export interface LCurvePoint {
  lambda: number;
  /** ||D chi - f|| on the padded grid, ppm (without the bins where D = 0, which no chi reaches: lCurveSpectrum.ts) */
  residual: number;
  /** ||G chi|| on the padded grid, ppm/mm */
  regulariser: number;
  /** curvature of (ln residual, ln regulariser) in ln lambda, signed positive at the knee; the corner is its maximum */
  curvature: number;
}

export interface LCurve {
  /** the curve on the lambda grid, increasing lambda, for plotting */
  points: LCurvePoint[];
  /** maximum curvature (Bilgic 2014), refined between grid points */
  corner: number;
  /** index of the grid point of largest curvature */
  cornerIndex: number;
  /** the corner is the first or last grid point: the grid may not bracket the true corner */
  cornerAtEdge: boolean;
  /**
   * zero curvature below the corner (Milovic et al., MRM 2021): where the curve, followed from the corner towards
   * smaller lambda, stops bending; undefined when the curvature keeps its sign down to the grid's smallest lambda
   */
  inflection?: number;
}

export interface LCurveOptions extends ProgressOptions {
  /** the lambda grid, increasing and positive; default lCurveLambdas() */
  lambdas?: number[];
  mask?: Volume;
  /** padding factor (padding.ts); must match the closedFormL2 call the lambda is for */
  padFactor?: number;
}

/** count lambdas from min to max, evenly spaced in log. */
export function lCurveLambdas(min = 1e-4, max = 1, count = 25): number[] {
  if (!(min > 0 && max > min && count >= 3)) throw new Error(`L-curve grid needs 0 < min < max and count >= 3, got ${min}, ${max}, ${count}`);
  return Array.from({ length: count }, (_, i) => Math.exp(Math.log(min) + ((Math.log(max) - Math.log(min)) * i) / (count - 1)));
}

/** Curvature of (ln residual, ln regulariser) in t = ln lambda, from the squared norms' lambda derivatives. */
export function curvatureOf(n: SquaredNorms): number {
  const x = logDerivatives(n.residual2, n.lambda);
  const y = logDerivatives(n.regulariser2, n.lambda);
  return (x[1] * y[0] - x[0] * y[1]) / (x[0] * x[0] + y[0] * y[0]) ** 1.5;
}

/** d/dt and d2/dt2 of ln sqrt(S) with t = ln lambda, from S, dS/dlambda, d2S/dlambda2. */
function logDerivatives([s, s1, s2]: [number, number, number], lambda: number): [number, number] {
  const xl = (0.5 * s1) / s;
  const xll = 0.5 * (s2 / s - (s1 / s) ** 2);
  return [lambda * xl, lambda * xl + lambda * lambda * xll];
}

function pointOf(n: SquaredNorms): LCurvePoint {
  return { lambda: n.lambda, residual: Math.sqrt(n.residual2[0]), regulariser: Math.sqrt(n.regulariser2[0]), curvature: curvatureOf(n) };
}

export function lCurve(field: Volume, b0Dir: Vec3, opts: LCurveOptions = {}): LCurve {
  const lambdas = checkedLambdas(opts.lambdas);
  const spec = normSpectrum(field, b0Dir, opts.mask, opts.padFactor, { signal: opts.signal });
  if (!spec.power.some((p) => p > 0)) throw new Error('L-curve: the field has no component a susceptibility could explain (all zero?)');
  return lCurveOfSpectrum(spec, lambdas, opts);
}

export function checkedLambdas(given?: number[]): number[] {
  const lambdas = given ?? lCurveLambdas();
  if (lambdas.length < 3 || lambdas.some((l, i) => !(l > 0) || !Number.isFinite(l) || (i > 0 && !(l > lambdas[i - 1])))) {
    throw new Error('L-curve lambdas must be at least three finite positive values, increasing');
  }
  return lambdas;
}

/**
 * The curve, corner and inflection of any diagonal Tikhonov problem whose norms a NormSpectrum gives: closed-form
 * L2 (above) and data consistency on a network's residual field (dataConsistencyLCurve.ts).
 */
export function lCurveOfSpectrum(spec: NormSpectrum, lambdas: number[], opts: ProgressOptions = {}): LCurve {
  const points: LCurvePoint[] = [];
  for (let i = 0; i < lambdas.length; i++) {
    checkAbort(opts);
    opts.onProgress?.(i, lambdas.length, 'L-curve');
    points.push(pointOf(squaredNorms(spec, lambdas[i])));
  }
  opts.onProgress?.(lambdas.length, lambdas.length, 'L-curve');
  const kappa = (lambda: number) => curvatureOf(squaredNorms(spec, lambda));

  let cornerIndex = 0;
  points.forEach((p, i) => { if (p.curvature > points[cornerIndex].curvature) cornerIndex = i; });
  const cornerAtEdge = cornerIndex === 0 || cornerIndex === points.length - 1;
  const corner = cornerAtEdge ? lambdas[cornerIndex] : maximise(kappa, lambdas[cornerIndex - 1], lambdas[cornerIndex + 1]);

  let j = cornerIndex;
  while (j > 0 && points[j - 1].curvature > 0) j--;
  const inflection = j > 0 && points[j].curvature > 0 ? zeroCrossing(kappa, lambdas[j - 1], lambdas[j]) : undefined;
  return { points, corner, cornerIndex, cornerAtEdge, inflection };
}

// 1% in lambda: far finer than the curve pins the choice down
const LOG_TOLERANCE = 0.01;

/** Golden-section search for the maximum of f between lo and hi, in ln lambda. */
function maximise(f: (lambda: number) => number, lo: number, hi: number): number {
  const g = (Math.sqrt(5) - 1) / 2;
  let a = Math.log(lo), b = Math.log(hi);
  let c = b - g * (b - a), d = a + g * (b - a);
  let fc = f(Math.exp(c)), fd = f(Math.exp(d));
  while (b - a > LOG_TOLERANCE) {
    if (fc >= fd) { b = d; d = c; fd = fc; c = b - g * (b - a); fc = f(Math.exp(c)); }
    else { a = c; c = d; fc = fd; d = a + g * (b - a); fd = f(Math.exp(d)); }
  }
  return Math.exp((a + b) / 2);
}

/** Bisection, in ln lambda, for the sign change of f between lo (f <= 0) and hi (f > 0). */
function zeroCrossing(f: (lambda: number) => number, lo: number, hi: number): number {
  let a = Math.log(lo), b = Math.log(hi);
  while (b - a > LOG_TOLERANCE) {
    const m = (a + b) / 2;
    if (f(Math.exp(m)) > 0) b = m; else a = m;
  }
  return Math.exp((a + b) / 2);
}
