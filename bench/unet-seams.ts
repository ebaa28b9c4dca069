/**
 * How far patch-wise inference departs from one whole-volume pass, and what either costs in accuracy, on
 * the seeded brain phantom (src/core buildExample: field from a ground-truth chi, tilted B0, noise).
 * Prints, inside the brain mask, NRMSE(tiled vs whole) and NRMSE against the ground truth for each setting.
 *
 *   npx tsx bench/unet-seams.ts [models/<id>] [edge=96]   (default model: the tiny random fixture)
 */
import { readFile } from 'node:fs/promises';
import { buildExample } from '../src/core/phantomExample';
import type { Volume } from '../src/core/volume';
import { inferVolume } from '../src/model/inferVolume';
import { loadModel, readerModelFiles } from '../src/model/loadModel';
import { useBackend } from '../src/model/testUtils';

/** NRMSE (percent) of a against ref inside the mask */
function nrmse(a: Float32Array, ref: Float32Array, mask: Volume): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++)
    if (mask.data[i] > 0) {
      num += (a[i] - ref[i]) ** 2;
      den += ref[i] ** 2;
    }
  return 100 * Math.sqrt(num / den);
}

async function main() {
  const dir = process.argv[2] ?? 'src/model/__fixtures__/tiny-adaptive';
  const edge = Number(process.argv[3] ?? 96);
  await useBackend('wasm');
  const model = await loadModel(readerModelFiles(dir, readFile));
  const ex = buildExample({ edge, voxelSize: [1, 1, 1], tiltDeg: 15, noiseStd: 0.002, seed: 3, cosmosOrientations: 3 });
  const run = (patch: number, overlap: number) =>
    inferVolume(model, ex.field, ex.b0Dir, { patch, overlap, mirror: false, mask: ex.mask, order: ['wasm'], start: async () => {} });
  const t0 = performance.now();
  const whole = await run(0, 0);
  console.log(`${model.meta.id} on the ${ex.field.dims.join('x')} phantom (tilt 15 deg), WASM`);
  console.log(`whole volume: ${((performance.now() - t0) / 1000).toFixed(1)} s, NRMSE vs truth ${nrmse(whole.chi.data, ex.groundTruth.data, ex.mask).toFixed(1)} %`);
  for (const [patch, overlap] of [[48, 0.25], [48, 0.5], [64, 0.25], [64, 0.5]]) {
    const t = performance.now();
    const tiled = await run(patch, overlap);
    console.log(`patch ${patch} overlap ${overlap}: ${tiled.patches} patches, ${((performance.now() - t) / 1000).toFixed(1)} s, ` +
      `NRMSE vs whole ${nrmse(tiled.chi.data, whole.chi.data, ex.mask).toFixed(2)} %, vs truth ${nrmse(tiled.chi.data, ex.groundTruth.data, ex.mask).toFixed(1)} %`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
