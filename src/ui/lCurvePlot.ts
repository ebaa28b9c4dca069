/**
 * Geometry of the small L-curve plot: log residual (x) against log regulariser (y) mapped to SVG pixels, tick
 * values on both log axes, and where a lambda between grid points falls on the drawn curve. Pure, so it is tested
 * without a browser; components/LCurvePlot.tsx only draws what this returns.
 */
import type { LCurvePoint } from '../core/lCurve';

export interface PlotBox {
  width: number;
  height: number;
  margin: { left: number; right: number; top: number; bottom: number };
}

export interface Tick {
  value: number;
  /** pixel position along the axis (x for the x axis, y for the y axis) */
  pos: number;
}

export interface LCurveGeometry {
  /** the grid points in pixels, in the curve's lambda order */
  points: { x: number; y: number; lambda: number }[];
  xTicks: Tick[];
  yTicks: Tick[];
  /** the pixel position of any lambda, interpolated along the curve (clamped to the grid's ends) */
  at: (lambda: number) => { x: number; y: number };
}

/**
 * Ticks for a log axis over [lo, hi] (both > 0): whole decades when at least two fit, else 1-2-5 steps, else
 * 1..9 steps, else the two ends. At most `max`, thinned evenly.
 */
export function logTicks(lo: number, hi: number, max = 6): number[] {
  if (!(lo > 0 && hi >= lo)) return [];
  const k0 = Math.floor(Math.log10(lo)), k1 = Math.ceil(Math.log10(hi));
  for (const mantissas of [[1], [1, 2, 5], [1, 2, 3, 4, 5, 6, 7, 8, 9]]) {
    const out: number[] = [];
    for (let k = k0; k <= k1; k++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** k).toPrecision(6));
        if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(v);
      }
    }
    if (out.length >= 2) return thin(out, max);
  }
  return [lo, hi];
}

function thin(values: number[], max: number): number[] {
  if (values.length <= max) return values;
  const step = Math.ceil(values.length / max);
  return values.filter((_, i) => i % step === 0);
}

/** A tick label: plain digits in a readable range, else 1e-5 style. */
export function tickLabel(v: number): string {
  return v >= 1e-3 && v < 1e4 ? String(Number(v.toPrecision(2))) : v.toExponential(0).replace('e+', 'e');
}

/** The (residual, regulariser) at `lambda`, interpolating ln norms linearly in ln lambda between grid points. */
export function pointAtLambda(points: LCurvePoint[], lambda: number): { residual: number; regulariser: number } {
  const t = Math.log(lambda);
  let i = 0;
  while (i < points.length - 2 && Math.log(points[i + 1].lambda) < t) i++;
  const a = points[i], b = points[i + 1];
  const ta = Math.log(a.lambda), tb = Math.log(b.lambda);
  const w = Math.min(1, Math.max(0, (t - ta) / (tb - ta)));
  const lerp = (u: number, v: number) => Math.exp((1 - w) * Math.log(u) + w * Math.log(v));
  return { residual: lerp(a.residual, b.residual), regulariser: lerp(a.regulariser, b.regulariser) };
}

/** A log axis over the values' range padded by 5 % each side (a tenth of a decade when they are all equal). */
function logAxis(values: number[], from: number, to: number) {
  const logs = values.map(Math.log10);
  let lo = Math.min(...logs), hi = Math.max(...logs);
  const pad = hi > lo ? 0.05 * (hi - lo) : 0.1;
  lo -= pad;
  hi += pad;
  const toPx = (v: number) => from + ((Math.log10(v) - lo) / (hi - lo)) * (to - from);
  const ticks = logTicks(10 ** lo, 10 ** hi).map((value) => ({ value, pos: toPx(value) }));
  return { toPx, ticks };
}

/** Needs at least two points with positive norms (core's lCurve returns 25 by default). */
export function lCurveGeometry(points: LCurvePoint[], box: PlotBox): LCurveGeometry {
  if (points.length < 2 || points.some((p) => !(p.residual > 0 && p.regulariser > 0))) {
    throw new Error('the L-curve plot needs at least two points with positive norms');
  }
  const { width, height, margin } = box;
  // y grows downwards in SVG: the regulariser axis runs from the bottom edge up
  const x = logAxis(points.map((p) => p.residual), margin.left, width - margin.right);
  const y = logAxis(points.map((p) => p.regulariser), height - margin.bottom, margin.top);
  return {
    points: points.map((p) => ({ x: x.toPx(p.residual), y: y.toPx(p.regulariser), lambda: p.lambda })),
    xTicks: x.ticks,
    yTicks: y.ticks,
    at: (lambda) => {
      const p = pointAtLambda(points, lambda);
      return { x: x.toPx(p.residual), y: y.toPx(p.regulariser) };
    },
  };
}
