/**
 * How the automatic data-consistency lambdas (`qsm invert --dc --dc-lambda auto|auto-inflection`) score against the
 * fixed default, on cases saved by `training/dc_lambda.py --write DIR` (training anatomy; never used to tune anything
 * but the default there):
 *   /usr/bin/python3 training/dc_lambda.py --model models/adaptive-unet-tl ... --write /tmp/dc-cases
 *   npx tsx bench/dc_rules.ts /tmp/dc-cases
 * Prints NRMSE (%) inside the mask per case and model: network, + closed-form DC at its default, at the L-curve
 * corner and at the inflection (with the lambdas picked), + masked DC at its default (the engine's, in TypeScript:
 * with dc_lambda.py's own masked column it also checks training/data_consistency.py against src/core on brain-sized
 * cases), and TKD; then the CPU time of each form.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dataConsistency, DEFAULT_DC_LAMBDA } from '../src/core/dataConsistency';
import { dataConsistencyLCurve } from '../src/core/dataConsistencyLCurve';
import { MASKED_DC_DEFAULTS, maskedDataConsistency } from '../src/core/dataConsistencyMasked';
import { pickLambda } from '../src/core/lambdaChoice';
import { insideMask, nrmse } from '../src/core/metrics';
import { tkd } from '../src/core/tkd';
import type { Vec3, Volume } from '../src/core/volume';
import { readNifti } from '../src/io/readNifti';

const root = process.argv[2];
if (!root) throw new Error('usage: tsx bench/dc_rules.ts CASES_DIR (from training/dc_lambda.py --write)');
console.log(`| case | model | net | closed ${DEFAULT_DC_LAMBDA} | closed corner (lambda) | closed inflection (lambda) | masked ${MASKED_DC_DEFAULTS.lambda} (iterations) | TKD |`);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
const sums = { net: [] as number[], def: [] as number[], corner: [] as number[], inflection: [] as number[], masked: [] as number[] };
const cpu = { closed: 0, masked: 0, n: 0 };
const cpuSeconds = <T>(f: () => T): [T, number] => {
  const t0 = process.cpuUsage();
  const r = f();
  const t = process.cpuUsage(t0);
  return [r, (t.user + t.system) / 1e6];
};
for (const name of readdirSync(root).sort()) {
  const dir = path.join(root, name);
  const meta = JSON.parse(readFileSync(path.join(dir, 'case.json'), 'utf8')) as { b0: Vec3; models: string[] };
  const read = (f: string): Volume => readNifti(readFileSync(path.join(dir, `${f}.nii.gz`)), f).volume;
  const field = read('field'), mask = read('mask'), chi = read('chi');
  const inside = insideMask(chi.data.length, mask);
  const e = (v: Volume) => nrmse(v.data, chi.data, inside);
  const t = e(tkd(field, meta.b0, 0.19, mask));
  for (const id of meta.models) {
    const net = read(`net_${id}`);
    const curve = dataConsistencyLCurve(field, net, meta.b0, { mask });
    const at = (lambda: number) => e(dataConsistency(field, net, meta.b0, { lambda, mask }));
    const c = pickLambda(curve, 'corner').value, i = pickLambda(curve, 'inflection').value;
    const [closed, tc] = cpuSeconds(() => dataConsistency(field, net, meta.b0, { lambda: DEFAULT_DC_LAMBDA, mask }));
    const [masked, tm] = cpuSeconds(() => maskedDataConsistency(field, net, meta.b0, mask));
    cpu.closed += tc; cpu.masked += tm; cpu.n++;
    const row = { net: e(net), def: e(closed), corner: at(c), inflection: at(i), masked: e(masked.chi) };
    for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k].push(row[k]);
    console.log(`| ${name} | ${id} | ${row.net.toFixed(1)} | ${row.def.toFixed(1)} | ${row.corner.toFixed(1)} (${c}) | ${row.inflection.toFixed(1)} (${i}) | ${row.masked.toFixed(1)} (${masked.iterations}) | ${t.toFixed(1)} |`);
  }
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(`mean NRMSE: network ${mean(sums.net).toFixed(1)}, closed form at ${DEFAULT_DC_LAMBDA} ${mean(sums.def).toFixed(1)}, corner ${mean(sums.corner).toFixed(1)}, inflection ${mean(sums.inflection).toFixed(1)}, masked at ${MASKED_DC_DEFAULTS.lambda} ${mean(sums.masked).toFixed(1)}`);
console.log(`CPU seconds per step (mean): closed form ${(cpu.closed / cpu.n).toFixed(2)}, masked ${(cpu.masked / cpu.n).toFixed(2)} (ratio ${(cpu.masked / cpu.closed).toFixed(1)})`);
