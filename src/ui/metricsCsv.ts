import type { QualityMetrics } from '../worker/computeProtocol';

export interface MetricsRow {
  method: string;
  metrics: QualityMetrics;
  seconds: number;
  backend: string;
  /** computed with acquisition settings that have since changed */
  stale?: boolean;
}

const COLUMNS: [keyof QualityMetrics, string][] = [
  ['nrmse', 'nrmse_percent'], ['ssim', 'ssim'], ['psnr', 'psnr_db'], ['hfen', 'hfen_percent'],
  ['slope', 'slope'], ['intercept', 'intercept_ppm'], ['r2', 'r2'],
];

/** One row per method; the reference and input are named in the leading columns so a CSV stands on its own. */
export function metricsCsv(rows: MetricsRow[], input: string, reference: string): string {
  const quote = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const header = ['input', 'reference', 'method', ...COLUMNS.map((c) => c[1]), 'seconds', 'backend'];
  const lines = rows.map((r) =>
    [quote(input), quote(reference), quote(r.method), ...COLUMNS.map(([k]) => String(r.metrics[k])), String(r.seconds), r.backend].join(','),
  );
  return [header.join(','), ...lines].join('\n') + '\n';
}
