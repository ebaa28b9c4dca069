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
  flags: ['patch', 'overlap', 'backend'],
  run: async (field, b0Dir, p, onProgress) => {
    const order: BackendName[] = p.backend === 'cpu' ? ['cpu'] : ['wasm', 'cpu'];
    const res = await inferVolume(await model(id), field, b0Dir, {
      patch: p.patch,
      overlap: p.overlap,
      mask: p.mask,
      order,
      start: (name) => startBackend(name, { wasmPaths: wasmDir }),
      signal: p.signal,
      onProgress,
    });
    const tiles = res.patches === 1 ? 'the whole volume in one pass' : `${res.patches} patches of ${res.patchSize.join('x')}`;
    process.stderr.write(`${id}: tfjs ${res.backend} backend, ${tiles}${res.failures.length ? ` (fell back: ${res.failures.join('; ')})` : ''}\n`);
    return res.chi;
  },
}));
