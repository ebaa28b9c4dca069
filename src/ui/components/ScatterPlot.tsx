/** Density scatter of a method against the reference (ppm), with the identity line and the fitted line. */
import { useEffect, useRef } from 'react';
import type { QualityMetrics, ScatterDensity } from '../../worker/computeProtocol';

interface Props {
  id: string;
  title: string;
  scatter: ScatterDensity;
  metrics: QualityMetrics;
  referenceName: string;
}

const SIZE = 240;
const MARGIN = { left: 44, bottom: 36, top: 10, right: 10 };

function ticks(lo: number, hi: number): number[] {
  const span = hi - lo;
  const step = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5].find((s) => span / s <= 6) ?? 10;
  const out: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-12; t += step) out.push(Math.round(t / step) * step);
  return out;
}

export function ScatterPlot({ id, title, scatter, metrics, referenceName }: Props) {
  const ref = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const canvas = ref.current;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx) return;
    const dpr = window.devicePixelRatio || 1;
    canvas.width = SIZE * dpr;
    canvas.height = SIZE * dpr;
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    const w = SIZE - MARGIN.left - MARGIN.right;
    const h = SIZE - MARGIN.top - MARGIN.bottom;
    const [lo, hi] = scatter.range;
    const px = (v: number) => MARGIN.left + ((v - lo) / (hi - lo)) * w;
    const py = (v: number) => MARGIN.top + h - ((v - lo) / (hi - lo)) * h;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, SIZE, SIZE);
    // density: log counts, dark blue (few) -> yellow (many)
    const { bins, counts } = scatter;
    let max = 0;
    for (const c of counts) max = Math.max(max, c);
    const cell = w / bins;
    for (let iy = 0; iy < bins; iy++) {
      for (let ix = 0; ix < bins; ix++) {
        const c = counts[iy * bins + ix];
        if (!c) continue;
        const t = Math.log1p(c) / Math.log1p(max);
        ctx.fillStyle = `hsl(${240 - 190 * t}, 85%, ${55 - 10 * t}%)`;
        ctx.fillRect(MARGIN.left + ix * cell, MARGIN.top + h - (iy + 1) * cell, Math.ceil(cell), Math.ceil(cell));
      }
    }
    ctx.save();
    ctx.beginPath();
    ctx.rect(MARGIN.left, MARGIN.top, w, h);
    ctx.clip();
    ctx.lineWidth = 1.2;
    ctx.setLineDash([4, 3]);
    ctx.strokeStyle = '#555';
    ctx.beginPath();
    ctx.moveTo(px(lo), py(lo));
    ctx.lineTo(px(hi), py(hi));
    ctx.stroke();
    ctx.setLineDash([]);
    ctx.strokeStyle = '#d62728';
    ctx.beginPath();
    ctx.moveTo(px(lo), py(metrics.slope * lo + metrics.intercept));
    ctx.lineTo(px(hi), py(metrics.slope * hi + metrics.intercept));
    ctx.stroke();
    ctx.restore();
    // axes
    ctx.strokeStyle = '#333';
    ctx.strokeRect(MARGIN.left, MARGIN.top, w, h);
    ctx.fillStyle = '#222';
    ctx.font = '10px system-ui, sans-serif';
    ctx.textAlign = 'center';
    for (const t of ticks(lo, hi)) {
      ctx.fillText(t.toFixed(2), px(t), MARGIN.top + h + 12);
      ctx.save();
      ctx.translate(MARGIN.left - 6, py(t));
      ctx.textAlign = 'right';
      ctx.fillText(t.toFixed(2), 0, 3);
      ctx.restore();
    }
    ctx.font = '11px system-ui, sans-serif';
    ctx.fillText(`reference χ (ppm)`, MARGIN.left + w / 2, SIZE - 6);
    ctx.save();
    ctx.translate(11, MARGIN.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.fillText(`${title} χ (ppm)`, 0, 0);
    ctx.restore();
  }, [scatter, metrics, title]);

  const desc =
    `Scatter of ${title} against ${referenceName} for ${scatter.samples} masked voxels: ` +
    `fitted slope ${metrics.slope.toFixed(3)}, intercept ${metrics.intercept.toFixed(4)} ppm, R² ${metrics.r2.toFixed(3)}.`;
  return (
    <figure className="scatter">
      <figcaption>
        {title} <span className="muted">vs {referenceName}</span>
      </figcaption>
      <canvas ref={ref} data-testid={`scatter-${id}`} role="img" aria-label={desc} style={{ width: SIZE, height: SIZE }} />
      <p className="scatter-legend">
        <span className="line-fit" /> fit y = {metrics.slope.toFixed(3)}x {metrics.intercept >= 0 ? '+' : '−'} {Math.abs(metrics.intercept).toFixed(4)}
        {'  '}
        <span className="line-identity" /> identity
      </p>
    </figure>
  );
}
