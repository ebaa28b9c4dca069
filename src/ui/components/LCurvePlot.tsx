/**
 * The closed-form L2 L-curve as a small log-log plot beside the scatter plots' style: residual against regulariser
 * over core's lambda grid, with the corner and the inflection marked and the one used filled. Geometry comes from
 * ../lCurvePlot.ts; this only draws it.
 */
import type { UsedLambda } from '../cfl2Lambda';
import { lCurveGeometry, tickLabel, type PlotBox } from '../lCurvePlot';

const BOX: PlotBox = { width: 260, height: 220, margin: { left: 48, right: 12, top: 10, bottom: 38 } };
const fmt = (x: number) => String(Number(x.toPrecision(3)));

export function LCurvePlot({ used }: { used: UsedLambda & { curve: NonNullable<UsedLambda['curve']> } }) {
  const { curve } = used;
  const g = lCurveGeometry(curve.points, BOX);
  const { width, height, margin } = BOX;
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const first = curve.points[0].lambda, last = curve.points[curve.points.length - 1].lambda;
  const marks = [
    { rule: 'corner' as const, lambda: curve.corner, colour: '#d62728' },
    ...(curve.inflection !== undefined ? [{ rule: 'inflection' as const, lambda: curve.inflection, colour: '#1f77b4' }] : []),
  ];
  const desc =
    `L-curve of closed-form L2 over ${curve.points.length} lambdas ${fmt(first)} to ${fmt(last)} mm²: ` +
    `corner at ${fmt(curve.corner)}, inflection ${curve.inflection === undefined ? 'none' : `at ${fmt(curve.inflection)}`}; ` +
    `lambda used ${String(used.value)}.`;
  return (
    <figure className="scatter lcurve" data-testid="lcurve">
      <figcaption>
        L-curve <span className="muted">log–log, λ {fmt(first)}…{fmt(last)} mm²</span>
      </figcaption>
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={desc} data-testid="lcurve-plot">
        <rect x={0} y={0} width={width} height={height} fill="#fff" />
        <rect x={margin.left} y={margin.top} width={plotW} height={plotH} fill="none" stroke="#333" />
        {g.xTicks.map((t) => (
          <g key={`x${t.value}`}>
            <line x1={t.pos} x2={t.pos} y1={margin.top + plotH} y2={margin.top + plotH + 4} stroke="#333" />
            <text x={t.pos} y={margin.top + plotH + 14} fontSize={10} textAnchor="middle" fill="#222">{tickLabel(t.value)}</text>
          </g>
        ))}
        {g.yTicks.map((t) => (
          <g key={`y${t.value}`}>
            <line x1={margin.left - 4} x2={margin.left} y1={t.pos} y2={t.pos} stroke="#333" />
            <text x={margin.left - 6} y={t.pos + 3} fontSize={10} textAnchor="end" fill="#222">{tickLabel(t.value)}</text>
          </g>
        ))}
        <text x={margin.left + plotW / 2} y={height - 6} fontSize={11} textAnchor="middle" fill="#222">residual ‖Dχ − f‖ (ppm)</text>
        <text transform={`translate(11 ${margin.top + plotH / 2}) rotate(-90)`} fontSize={11} textAnchor="middle" fill="#222">regulariser ‖∇χ‖ (ppm/mm)</text>
        <polyline points={g.points.map((p) => `${p.x},${p.y}`).join(' ')} fill="none" stroke="#777" strokeWidth={1.2} />
        {g.points.map((p) => (
          <circle key={p.lambda} cx={p.x} cy={p.y} r={2} fill="#555" data-testid="lcurve-point" data-lambda={p.lambda} />
        ))}
        {marks.map((m) => {
          const at = g.at(m.lambda);
          const chosen = used.rule === m.rule;
          return (
            <circle key={m.rule} cx={at.x} cy={at.y} r={chosen ? 5.5 : 4.5} fill={chosen ? m.colour : '#fff'} stroke={m.colour} strokeWidth={1.6}
              data-testid={`lcurve-${m.rule}`} data-lambda={m.lambda} data-chosen={chosen ? 'true' : 'false'}>
              <title>{`${m.rule} λ = ${fmt(m.lambda)} mm²${chosen ? ' (used)' : ''}`}</title>
            </circle>
          );
        })}
      </svg>
      <p className="scatter-legend">
        <span className="lcurve-dot" style={{ background: '#d62728' }} /> corner {fmt(curve.corner)}
        {'  '}
        <span className="lcurve-dot" style={{ background: '#1f77b4' }} /> inflection {curve.inflection === undefined ? 'none' : fmt(curve.inflection)}
        {' · filled = used'}
      </p>
      {curve.cornerAtEdge && (
        <p className="small warning" data-testid="lcurve-edge">
          The corner is at the edge of the λ grid ({fmt(first)}…{fmt(last)}): the grid may not bracket the true corner.
        </p>
      )}
    </figure>
  );
}
