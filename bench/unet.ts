/**
 * Our tfjs engine (WASM backend, Node) against PyTorch on the CPU, same model, same volume, in one run, at
 * the same thread count: one thread (a whole-volume pass each) and N threads (ours: the CLI's worker-thread
 * pool, one slab per worker, src/cli/parallelInference.ts; PyTorch: a whole-volume pass on N intra-op
 * threads). Prints the times, the ratios and the load average.
 *
 *   npm run bench:unet [-- --size 112,128,112] [--model models/adaptive-unet-tl] [--threads N (default: every core)]
 *
 * The model is models/adaptive-unet-tl when present, else a random base-16 adaptive U-Net exported by
 * training/export.py into a temp dir. The default 112x128x112 grid at 1.5 mm covers a whole brain
 * (168 x 192 x 168 mm); a 1 mm brain grid needs ~3x the memory of WASM's 4 GB heap in one pass.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { makeVolume, type Vec3 } from '../src/core/volume';
import { loadModel, readerModelFiles } from '../src/model/loadModel';
import { inferVolume } from '../src/model/inferVolume';
import { nodeWasmPaths, relativeError, seededValues, useBackend } from '../src/model/testUtils';
import { inferVolumeParallel } from '../src/cli/parallelInference';

const PY = '/usr/bin/python3';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

/** smooth dipole-like structure plus noise, ppm scale */
function syntheticField(dims: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const noise = seededValues(nx * ny * nz, 5);
  const out = new Float32Array(nx * ny * nz);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) out[i] = 0.03 * Math.sin(x / 6) * Math.cos(y / 9) * Math.sin(z / 5 + 1) + 0.003 * noise[i];
  return out;
}

async function main() {
  const dims = arg('size', '112,128,112').split(',').map(Number) as Vec3;
  if (dims.length !== 3 || dims.some((d) => !(d > 0) || d % 16 !== 0)) throw new Error('--size: three multiples of 16 (PyTorch runs the grid unpadded)');
  const voxelSize: Vec3 = [1.5, 1.5, 1.5];
  const b0Dir: Vec3 = [0, Math.sin(0.2), Math.cos(0.2)];
  const tmp = mkdtempSync(path.join(tmpdir(), 'bench-unet-'));
  try {
    let modelDir = arg('model', 'models/adaptive-unet-tl');
    if (!existsSync(path.join(modelDir, 'model.json'))) {
      modelDir = path.join(tmp, 'model');
      console.log(`models/adaptive-unet-tl absent: exporting a random base-16 adaptive U-Net to ${modelDir}`);
      const r = spawnSync(PY, ['training/export.py', '--random', '--arch', 'adaptive-unet', '--base-channels', '16', '--dtype', 'float32', '--id', 'bench-random', '--out', modelDir], { stdio: 'inherit' });
      if (r.status !== 0) throw new Error('training/export.py failed');
    }
    const field = syntheticField(dims);
    const fieldFile = path.join(tmp, 'field.bin');
    writeFileSync(fieldFile, field);

    await useBackend('wasm');
    const model = await loadModel(readerModelFiles(modelDir, readFile));
    const volume = makeVolume(dims, voxelSize, undefined, field);
    const run = () => inferVolume(model, volume, b0Dir, { patch: 0, mirror: false, order: ['wasm'], start: async () => {} });
    await inferVolume(model, makeVolume([16, 16, 16], voxelSize), b0Dir, { patch: 0, mirror: false, order: ['wasm'], start: async () => {} }); // warm-up
    const t0 = performance.now();
    const ours = await run();
    const oursSeconds = (performance.now() - t0) / 1000;
    const wasmHeap = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length;

    const threads = Number(arg('threads', String(availableParallelism())));
    const load0 = loadavg()[0];
    const t1 = performance.now();
    const pooled = await inferVolumeParallel(model, volume, b0Dir, { modelDir, wasmDir: nodeWasmPaths, threads, backend: 'wasm', mirror: false });
    const pooledSeconds = (performance.now() - t1) / 1000;

    const s = [...voxelSize, ...b0Dir.map((b) => b / Math.hypot(...b0Dir))];
    const outFile = path.join(tmp, 'chi.bin');
    const torch = [...new Set([threads, 1])].map((n) => {
      const py = spawnSync(PY, ['bench/unet_torch.py', '--model', modelDir, '--field', fieldFile, '--shape', [dims[2], dims[1], dims[0]].join(','),
        '--side', s.join(','), '--out', outFile, '--threads', String(n)], { encoding: 'utf8' });
      if (py.status !== 0) throw new Error(`bench/unet_torch.py failed: ${py.stderr}`);
      return JSON.parse(py.stdout.trim().split('\n').pop()!) as { seconds: number; threads: number };
    });
    const torchChi = new Float32Array(readFileSync(outFile).buffer.slice(0));
    const torchAt = (n: number) => torch.find((t) => t.threads === n)!.seconds;

    const gvox = (dims[0] * dims[1] * dims[2]) / 1e6;
    console.log(`model ${model.meta.id} (${model.meta.architecture}, base ${model.meta.baseChannels}, ${model.storage}), volume ${dims.join('x')} (${gvox.toFixed(2)} M voxels); load average ${load0.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end, ${availableParallelism()} cores`);
    console.log(`1 thread:  tfjs WASM whole volume ${oursSeconds.toFixed(2)} s${wasmHeap ? ` (WASM heap ${(wasmHeap / 2 ** 30).toFixed(2)} GiB)` : ''}, PyTorch ${torchAt(1).toFixed(2)} s, ratio tfjs / pytorch = ${(oursSeconds / torchAt(1)).toFixed(2)}`);
    console.log(`${threads} threads: tfjs WASM on ${pooled.workers} worker threads (${pooled.patches} slabs of ${pooled.patchSize.join('x')}) ${pooledSeconds.toFixed(2)} s including their start, PyTorch ${torchAt(threads).toFixed(2)} s, ratio tfjs / pytorch = ${(pooledSeconds / torchAt(threads)).toFixed(2)}; tfjs speed-up over 1 thread ${(oursSeconds / pooledSeconds).toFixed(2)}x`);
    console.log(`outputs against PyTorch's (${threads} threads): whole volume ${relativeError(ours.chi.data, torchChi).toExponential(2)}, slabs ${relativeError(pooled.chi.data, torchChi).toExponential(2)} (relative difference)`);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
