/**
 * Where one U-Net forward pass spends its time, per tfjs kernel, on a Node backend.
 * Run: npx tsx bench/unet-profile.ts MODEL_DIR [edge=64] [wasm|cpu]
 * (a random base-16 model: /usr/bin/python3 training/export.py --random --arch adaptive-unet --dtype float32 --out DIR)
 */
import * as tf from '@tensorflow/tfjs';
import { readFile } from 'node:fs/promises';
import { useBackend } from '../src/model/testUtils';
import { loadModel, readerModelFiles } from '../src/model/loadModel';
import { buildUNet } from '../src/model/unet';
import { kernelsFor } from '../src/model/kernelChoice';
import type { BackendName } from '../src/model/startBackend';

async function main() {
  const [dir, edgeArg, backendArg] = process.argv.slice(2);
  if (!dir) throw new Error('usage: bench/unet-profile.ts MODEL_DIR [edge] [backend]');
  const edge = Number(edgeArg ?? 64);
  const backend = (backendArg ?? 'wasm') as BackendName;
  await useBackend(backend);
  const model = await loadModel(readerModelFiles(dir, readFile));
  const net = buildUNet(model, [1, 1, 1, 0, 0, 1], kernelsFor(backend));
  const x = tf.randomNormal([1, edge, edge, edge, 1]) as tf.Tensor5D;
  const warm = net.predict(x);
  await warm.data();
  warm.dispose();
  const t0 = performance.now();
  const prof = await tf.profile(async () => {
    const y = net.predict(x);
    await y.data();
    y.dispose();
  });
  console.log(`${backend}, ${edge}^3, ${JSON.stringify(kernelsFor(backend))}: ${(performance.now() - t0).toFixed(0)} ms, peak ${(prof.peakBytes / 2 ** 20).toFixed(0)} MiB`);
  const byKernel = new Map<string, number>();
  for (const k of prof.kernels) byKernel.set(k.name, (byKernel.get(k.name) ?? 0) + (k.kernelTimeMs as number));
  for (const [k, ms] of [...byKernel].sort((a, b) => b[1] - a[1])) console.log(`  ${k.padEnd(20)} ${ms.toFixed(0).padStart(6)} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
