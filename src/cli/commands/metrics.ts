/** `qsm metrics`: NRMSE, PSNR, SSIM, HFEN and the regression of a prediction against a reference (DESIGN.md). */
import { computeMetrics, type Metrics } from '../../core/metrics';
import { checkSameGrid } from '../../io/checkSameGrid';
import { parseFlags, type FlagSpecs } from '../args';
import type { CommandContext } from '../context';
import { READ_FLAGS, readInput, readMask } from '../inputs';

export const METRICS_FLAGS: FlagSpecs = {
  pred: { kind: 'value', required: true, help: 'X.nii[.gz]: estimated susceptibility (ppm)' },
  ref: { kind: 'value', required: true, help: 'R.nii[.gz]: reference susceptibility (ppm)' },
  mask: { kind: 'value', help: 'M.nii[.gz]: compare inside this mask (default: every voxel)' },
  json: { kind: 'boolean', help: 'print one JSON object instead of a table' },
  ...READ_FLAGS,
};

const KEYS: (keyof Metrics)[] = ['nrmse', 'psnr', 'ssim', 'hfen', 'slope', 'intercept', 'r2'];
const UNITS: Record<keyof Metrics, string> = { nrmse: '%', psnr: 'dB', ssim: '', hfen: '%', slope: '', intercept: 'ppm', r2: '' };

export async function metricsCommand(argv: string[], ctx: CommandContext): Promise<void> {
  const flags = parseFlags(argv, METRICS_FLAGS);
  const predPath = flags.string('pred')!;
  const refPath = flags.string('ref')!;
  const ref = readInput(refPath, flags, ctx).volume;
  const pred = readInput(predPath, flags, ctx).volume;
  checkSameGrid(ref, pred, refPath, predPath);
  const maskPath = flags.string('mask');
  const mask = maskPath ? readMask(maskPath, ref, refPath, flags, ctx) : undefined;
  if (!mask) ctx.err('note: no --mask: metrics over every voxel');
  const m = computeMetrics(pred, ref, mask);
  if (flags.has('json')) {
    ctx.out(JSON.stringify(Object.fromEntries(KEYS.map((k) => [k, m[k]]))));
  } else {
    for (const k of KEYS) ctx.out(`${k.padEnd(9)} ${m[k].toFixed(4)}${UNITS[k] ? ' ' + UNITS[k] : ''}`);
  }
}
