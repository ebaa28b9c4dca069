import { describe, expect, it } from 'vitest';
import type { LCurvePoint } from '../core/lCurve';
import { lCurveGeometry, logTicks, pointAtLambda, tickLabel, type PlotBox } from './lCurvePlot';

// A curve whose norms are power laws of lambda: straight in log-log, so log interpolation must be exact on it.
const powerLaw = (lambdas: number[]): LCurvePoint[] =>
  lambdas.map((lambda) => ({ lambda, residual: 0.3 * lambda ** 0.4, regulariser: 2e-3 * lambda ** -0.8, curvature: 0 }));
const grid = Array.from({ length: 9 }, (_, i) => 10 ** (-4 + i / 2));
const box: PlotBox = { width: 240, height: 200, margin: { left: 50, right: 10, top: 10, bottom: 40 } };

describe('logTicks', () => {
  it('uses whole decades when two fit, then 1-2-5, then 1..9 steps, inside the range', () => {
    expect(logTicks(3e-4, 2)).toEqual([1e-3, 1e-2, 0.1, 1]);
    expect(logTicks(0.15, 0.6)).toEqual([0.2, 0.5]);
    expect(logTicks(0.031, 0.095)).toEqual([0.04, 0.05, 0.06, 0.07, 0.08, 0.09]);
    expect(logTicks(0.011, 0.095)).toEqual([0.02, 0.05]);
    expect(logTicks(1e-6, 1e3, 4)).toEqual([1e-6, 1e-3, 1, 1e3]);
    expect(logTicks(1e-9, 1e3).length).toBeLessThanOrEqual(6);
    expect(logTicks(0.5, 0.51)).toEqual([0.5, 0.51]);
  });

  it('labels in plain digits where readable', () => {
    expect(tickLabel(0.001)).toBe('0.001');
    expect(tickLabel(20)).toBe('20');
    expect(tickLabel(1e-5)).toBe('1e-5');
  });
});

describe('pointAtLambda', () => {
  it('returns the grid points at grid lambdas and is exact between them on a power-law curve', () => {
    const pts = powerLaw(grid);
    expect(pointAtLambda(pts, grid[3]).residual).toBeCloseTo(pts[3].residual, 12);
    const l = 0.0123;
    const p = pointAtLambda(pts, l);
    expect(p.residual / (0.3 * l ** 0.4)).toBeCloseTo(1, 10);
    expect(p.regulariser / (2e-3 * l ** -0.8)).toBeCloseTo(1, 10);
  });

  it('clamps to the ends outside the grid', () => {
    const pts = powerLaw(grid);
    expect(pointAtLambda(pts, 1e-9).residual).toBeCloseTo(pts[0].residual, 12);
    expect(pointAtLambda(pts, 1e3).regulariser).toBeCloseTo(pts[8].regulariser, 12);
  });
});

describe('lCurveGeometry', () => {
  const g = lCurveGeometry(powerLaw(grid), box);
  it('puts every point inside the plot area, residual to the right and regulariser up', () => {
    for (const p of g.points) {
      expect(p.x).toBeGreaterThanOrEqual(box.margin.left);
      expect(p.x).toBeLessThanOrEqual(box.width - box.margin.right);
      expect(p.y).toBeGreaterThanOrEqual(box.margin.top);
      expect(p.y).toBeLessThanOrEqual(box.height - box.margin.bottom);
    }
    // lambda up: residual grows (x right), regulariser falls (y down the screen, larger pixel y)
    for (let i = 1; i < g.points.length; i++) {
      expect(g.points[i].x).toBeGreaterThan(g.points[i - 1].x);
      expect(g.points[i].y).toBeGreaterThan(g.points[i - 1].y);
    }
  });

  it('is linear in log: equal lambda ratios on a power law give equal pixel steps, and ticks sit where their values do', () => {
    const dx = g.points.slice(1).map((p, i) => p.x - g.points[i].x);
    for (const d of dx) expect(d).toBeCloseTo(dx[0], 9);
    const between = g.at(Math.sqrt(grid[2] * grid[3]));
    expect(between.x).toBeCloseTo((g.points[2].x + g.points[3].x) / 2, 9);
    expect(g.xTicks.length).toBeGreaterThanOrEqual(2);
    const [a, b] = g.xTicks;
    // pixel distance between two ticks is proportional to their log ratio, with the same scale as the points
    expect((b.pos - a.pos) / Math.log10(b.value / a.value)).toBeCloseTo(dx[0] / Math.log10(0.3 * grid[1] ** 0.4 / (0.3 * grid[0] ** 0.4)), 6);
  });

  it('refuses a curve it cannot draw in log', () => {
    expect(() => lCurveGeometry([{ lambda: 1, residual: 0, regulariser: 1, curvature: 0 }, ...powerLaw(grid)], box)).toThrow(/positive/);
  });
});
