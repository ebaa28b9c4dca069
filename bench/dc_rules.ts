/**
 * How the automatic data-consistency lambdas (`qsm invert --dc --dc-lambda auto|auto-inflection`) score against the
 * fixed default, on cases saved by `training/dc_lambda.py --write DIR` (training anatomy; never used to tune anything
 * but the default there):
 *   /usr/bin/python3 training/dc_lambda.py --model models/adaptive-unet-tl ... --write /tmp/dc-cases
 *   npx tsx bench/dc_rules.ts /tmp/dc-cases
 * Prints NRMSE (%) inside the mask per case and model: network, + DC at the default, at the L-curve corner and at
 * the inflection (with the lambdas picked), and TKD.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { dataConsistency, DEFAULT_DC_LAMBDA } from '../src/core/dataConsistency';
import { dataConsistencyLCurve } from '../src/core/dataConsistencyLCurve';
import { pickLambda } from '../src/core/lambdaChoice';
import { insideMask, nrmse } from '../src/core/metrics';
import { tkd } from '../src/core/tkd';
import type { Vec3, Volume } from '../src/core/volume';
import { readNifti } from '../src/io/readNifti';

const root = process.argv[2];
if (!root) throw new Error('usage: tsx bench/dc_rules.ts CASES_DIR (from training/dc_lambda.py --write)');
console.log('| case | model | net | dc default | dc corner (lambda) | dc inflection (lambda) | TKD |');
console.log('| --- | --- | --- | --- | --- | --- | --- |');
const sums = { net: [] as number[], def: [] as number[], corner: [] as number[], inflection: [] as number[] };
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
    const row = { net: e(net), def: at(DEFAULT_DC_LAMBDA), corner: at(c), inflection: at(i) };
    for (const k of Object.keys(sums) as (keyof typeof sums)[]) sums[k].push(row[k]);
    console.log(`| ${name} | ${id} | ${row.net.toFixed(1)} | ${row.def.toFixed(1)} | ${row.corner.toFixed(1)} (${c}) | ${row.inflection.toFixed(1)} (${i}) | ${t.toFixed(1)} |`);
  }
}
const mean = (a: number[]) => a.reduce((s, v) => s + v, 0) / a.length;
console.log(`mean NRMSE: network ${mean(sums.net).toFixed(1)}, default lambda ${DEFAULT_DC_LAMBDA} ${mean(sums.def).toFixed(1)}, corner ${mean(sums.corner).toFixed(1)}, inflection ${mean(sums.inflection).toFixed(1)}`);
