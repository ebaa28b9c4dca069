/**
 * The U-Nets (src/model) as `qsm invert` methods: weights from the repo's models/<id>/, tfjs on the WASM
 * backend in Node (falling back to the CPU backend), patch-wise with --patch / --overlap.
 */
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadModel, readerModelFiles, type QsmModel } from '../model/loadModel';
import { inferVolume } from '../model/inferVolume';
import { startBackend, type BackendName } from '../model/startBackend';
import type { MethodEntry } from './methodTypes';
import { defaultThreads, inferVolumeParallel, workersFor } from './parallelInference';

// QSM_MODELS_DIR points elsewhere (benchmarks, tests with fixture models)
const modelsDir = process.env.QSM_MODELS_DIR ?? fileURLToPath(new URL('../../models/', import.meta.url));
const wasmDir = fileURLToPath(new URL('../../node_modules/@tensorflow/tfjs-backend-wasm/dist/', import.meta.url));

const LEARNED: { id: string; summary: string }[] = [
  { id: 'adaptive-unet', summary: 'adaptive 3-D U-Net, synthetic pre-training (--patch, --overlap, --backend)' },
  { id: 'adaptive-unet-tl', summary: 'adaptive 3-D U-Net fine-tuned on brain data (--patch, --overlap, --backend)' },
  { id: 'unet-tl', summary: 'conventional 3-D U-Net fine-tuned on brain data (--patch, --overlap, --backend)' },
];

// production mode: no "install tfjs-node" banner on stderr (the CLI chooses WASM on purpose)
tf.enableProdMode();

/** what the stderr line says about mirror averaging (model/mirrorAverage.ts) */
function passes(mirrored: boolean, storedAs: string): string {
  const turned = storedAs === 'RAS' ? '' : `, voxel axes ${storedAs} turned to RAS for the net and back`;
  return (mirrored ? ', each averaged with its x-mirror pass (--no-mirror: one pass)' : ', one pass') + turned;
}

const loaded = new Map<string, Promise<QsmModel>>();

/** Where a learned method's weights are read from (models/<id>, or under QSM_MODELS_DIR). */
export function modelDir(id: string): string {
  return path.join(modelsDir, id);
}

function model(id: string): Promise<QsmModel> {
  const dir = modelDir(id);
  if (!existsSync(path.join(dir, 'model.json'))) return Promise.reject(new Error(`model ${id} is not available: ${dir}/model.json does not exist`));
  let m = loaded.get(id);
  if (!m) loaded.set(id, (m = loadModel(readerModelFiles(dir, readFile))));
  return m;
}

export const learnedMethods: MethodEntry[] = LEARNED.map(({ id, summary }) => ({
  id,
  kind: 'learned',
  summary,
  flags: ['patch', 'overlap', 'backend', 'threads', 'no-mirror'],
  run: async (field, b0Dir, p, onProgress) => {
    const order: BackendName[] = p.backend === 'cpu' ? ['cpu'] : ['wasm', 'cpu'];
    const m = await model(id);
    // several patches and threads: a pool of worker threads shares them; a pool that fails hands the run to this thread
    let poolFailure = '';
    if (workersFor(m, field, p.threads ?? defaultThreads(), p.patch, p.overlap) > 1) {
      try {
        const res = await inferVolumeParallel(m, field, b0Dir, {
          modelDir: modelDir(id), wasmDir, threads: p.threads ?? defaultThreads(), backend: order[0],
          patch: p.patch, overlap: p.overlap, mirror: p.mirror, mask: p.mask, signal: p.signal, onProgress,
        });
        process.stderr.write(`${id}: tfjs ${order[0]} backend on ${res.workers} worker threads (${res.perWorker.join(' + ')} patches), ${res.patches} patches of ${res.patchSize.join('x')}${passes(res.mirrored, res.storedAs)}\n`);
        return res.chi;
      } catch (e) {
        if (p.signal?.aborted) throw e;
        poolFailure = `worker threads failed (${(e as Error).message}), ran in one thread`;
      }
    }
    const res = await inferVolume(m, field, b0Dir, {
      patch: p.patch,
      overlap: p.overlap,
      mirror: p.mirror,
      mask: p.mask,
      order,
      start: (name) => startBackend(name, { wasmPaths: wasmDir }),
      signal: p.signal,
      onProgress,
    });
    const tiles = res.patches === 1 ? 'the whole volume in one pass' : `${res.patches} patches of ${res.patchSize.join('x')}`;
    process.stderr.write(`${id}: tfjs ${res.backend} backend, ${tiles}${passes(res.mirrored, res.storedAs)}${res.failures.length ? ` (fell back: ${res.failures.join('; ')})` : ''}${poolFailure ? ` (${poolFailure})` : ''}\n`);
    return res.chi;
  },
}));
