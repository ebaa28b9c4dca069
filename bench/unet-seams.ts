/**
 * How far patch-wise inference departs from one whole-volume pass, per patch size and overlap, on a
 * smooth synthetic 80^3 field. Run: npx tsx bench/unet-seams.ts [models/<id>]  (default: the tiny fixture)
 */
import { readFile } from 'node:fs/promises';
import type { Vec3 } from '../src/core/volume';
import { runPatchwise } from '../src/model/patchInference';
import { loadModel, readerModelFiles } from '../src/model/loadModel';
import { unetPatchNet } from '../src/model/unetPatchNet';
import { seededValues, useBackend } from '../src/model/testUtils';
const dims: Vec3 = [80, 80, 80];
const n = dims[0] * dims[1] * dims[2];
const noise = seededValues(n, 11);
const field = new Float32Array(n);
for (let z = 0, i = 0; z < dims[2]; z++) for (let y = 0; y < dims[1]; y++) for (let x = 0; x < dims[0]; x++, i++) field[i] = 0.05 * Math.sin(x / 5) * Math.cos(y / 7) * Math.sin(z / 4 + 1) + 0.005 * noise[i];
/** NRMSE (percent) over voxels at least m from every face */
function nrmse(a: Float32Array, ref: Float32Array, m: number) {
  let num = 0, den = 0;
  for (let z = m; z < dims[2] - m; z++) for (let y = m; y < dims[1] - m; y++) for (let x = m; x < dims[0] - m; x++) { const i = x + dims[0] * (y + dims[1] * z); num += (a[i] - ref[i]) ** 2; den += ref[i] ** 2; }
  return 100 * Math.sqrt(num / den); }
(async () => {
  await useBackend('wasm');
  const dir = process.argv[2] ?? 'src/model/__fixtures__/tiny-adaptive';
  const model = await loadModel(readerModelFiles(dir, readFile));
  const side = [1, 1, 1.5, 0.2, 0.1, 0.97];
  const opts = (patch: number, overlap: number) => ({ multiple: 16, patch, overlap, order: ['wasm' as const], start: async () => {}, build: () => unetPatchNet(model, side, 'wasm') });
  const whole = await runPatchwise(field, dims, opts(0, 0));
  for (const [p, o] of [[32, 0.5], [32, 0.75], [48, 0.5], [64, 0.5], [64, 0.75]]) {
    const t = await runPatchwise(field, dims, opts(p, o));
    console.log(`patch ${p} overlap ${o}: ${t.patches} patches, interior(8) NRMSE ${nrmse(t.data, whole.data, 8).toFixed(2)} %, interior(16) ${nrmse(t.data, whole.data, 16).toFixed(2)} %`);
  }
})();
