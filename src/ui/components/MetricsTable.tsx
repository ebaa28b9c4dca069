/** Metrics inside the mask, one row per method, sortable by column; the best value of each column is marked. */
import { useState } from 'react';
import type { QualityMetrics } from '../../worker/computeProtocol';
import type { MetricsRow } from '../metricsCsv';

interface Column {
  key: keyof QualityMetrics | 'seconds';
  label: string;
  title: string;
  digits: number;
  /** how to rank: lower is better, higher is better, or closest to 1 */
  best: 'low' | 'high' | 'one';
}

const COLUMNS: Column[] = [
  { key: 'nrmse', label: 'NRMSE %', title: 'normalised root-mean-square error, percent (lower is better)', digits: 1, best: 'low' },
  { key: 'ssim', label: 'SSIM', title: 'structural similarity (higher is better)', digits: 3, best: 'high' },
  { key: 'psnr', label: 'PSNR dB', title: 'peak signal-to-noise ratio, dB (higher is better)', digits: 1, best: 'high' },
  { key: 'hfen', label: 'HFEN %', title: 'high-frequency error norm, percent (lower is better)', digits: 1, best: 'low' },
  { key: 'slope', label: 'Slope', title: 'regression slope against the reference (1 is best)', digits: 3, best: 'one' },
  { key: 'r2', label: 'R²', title: 'coefficient of determination of the regression (higher is better)', digits: 3, best: 'high' },
  { key: 'seconds', label: 'Time s', title: 'run time in seconds (lower is better)', digits: 2, best: 'low' },
];

const value = (r: MetricsRow, k: Column['key']) => (k === 'seconds' ? r.seconds : r.metrics[k]);
const score = (c: Column, v: number) => (c.best === 'low' ? v : c.best === 'high' ? -v : Math.abs(v - 1));

interface Props {
  rows: MetricsRow[];
  labelOf: (method: string) => string;
  referenceName: string;
}

export function MetricsTable({ rows, labelOf, referenceName }: Props) {
  const [sort, setSort] = useState<{ key: Column['key'] | 'method'; dir: 1 | -1 }>({ key: 'method', dir: 1 });
  const sorted = [...rows].sort((a, b) => {
    if (sort.key === 'method') return sort.dir * labelOf(a.method).localeCompare(labelOf(b.method));
    return sort.dir * (value(a, sort.key) - value(b, sort.key));
  });
  const bestOf = new Map<Column['key'], number>();
  for (const c of COLUMNS) {
    const finite = rows.filter((r) => Number.isFinite(value(r, c.key)));
    if (finite.length < 2) continue;
    bestOf.set(c.key, Math.min(...finite.map((r) => score(c, value(r, c.key)))));
  }
  const toggle = (key: Column['key'] | 'method') => setSort((s) => ({ key, dir: s.key === key ? (s.dir === 1 ? -1 : 1) : 1 }));
  const ariaSort = (key: string) => (sort.key === key ? (sort.dir === 1 ? 'ascending' : 'descending') : 'none');
  return (
    <table className="metrics" data-testid="metrics-table">
      <caption>
        Inside the mask, against {referenceName}. <span className="best-mark">Highlighted</span> = best per column.
      </caption>
      <thead>
        <tr>
          <th aria-sort={ariaSort('method')} scope="col">
            <button type="button" onClick={() => toggle('method')}>Method</button>
          </th>
          {COLUMNS.map((c) => (
            <th key={c.key} aria-sort={ariaSort(c.key)} scope="col" title={c.title}>
              <button type="button" onClick={() => toggle(c.key)} data-testid={`sort-${c.key}`}>
                {c.label}
                {sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}
              </button>
            </th>
          ))}
          <th scope="col">Backend</th>
        </tr>
      </thead>
      <tbody>
        {sorted.map((r) => (
          <tr key={r.method} data-testid={`metrics-row-${r.method}`}>
            <th scope="row">
              {labelOf(r.method)}
              {r.stale && <span className="stale-badge" title="Computed with other acquisition or method settings: run again"> stale</span>}
            </th>
            {COLUMNS.map((c) => {
              const v = value(r, c.key);
              const best = bestOf.has(c.key) && Math.abs(score(c, v) - bestOf.get(c.key)!) < 1e-12;
              return (
                <td key={c.key} className={best ? 'best' : undefined} data-metric={c.key} data-value={v}>
                  {Number.isFinite(v) ? v.toFixed(c.digits) : '—'}
                  {best && <span className="visually-hidden"> (best)</span>}
                </td>
              );
            })}
            <td>{r.backend}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
