/**
 * tfjs reproduces PyTorch: every parity fixture (each folder of src/model/__fixtures__, and of models/ once trained
 * models exist) run through our forward pass, compared with the output PyTorch wrote (training/export.py).
 * Relative error ||a - b|| / ||b|| < 1e-4 for float32 weights, < 1e-2 for float16 storage.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { loadModel, readerModelFiles } from './loadModel';
import { buildUNet } from './unet';
import { kernelsFor } from './kernelChoice';
import { relativeError, useBackend } from './testUtils';

function modelDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((d) => path.join(root, d))
    .filter((d) => existsSync(path.join(d, 'model.json')) && existsSync(path.join(d, 'parity.json')));
}

const fixtures = modelDirs('src/model/__fixtures__');
const trained = modelDirs('models');
// more exports to check, e.g. a checkpoint exported to a temp dir: QSM_PARITY_DIRS=/tmp/a,/tmp/b
const extra = (process.env.QSM_PARITY_DIRS ?? '').split(',').filter(Boolean);
for (const id of ['adaptive-unet', 'adaptive-unet-tl', 'unet-tl'])
  if (!trained.some((d) => path.basename(d) === id)) console.log(`parity: models/${id} absent, skipped`);

async function f32(file: string): Promise<Float32Array> {
  const b = await readFile(file);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

async function parityError(dir: string, backend: 'cpu' | 'wasm'): Promise<{ err: number; storage: string }> {
  await useBackend(backend);
  const model = await loadModel(readerModelFiles(dir, readFile));
  const spec = JSON.parse(await readFile(path.join(dir, 'parity.json'), 'utf8')) as { shape: number[]; sideInfo: number[] };
  const input = await f32(path.join(dir, 'parity-input.bin'));
  const expected = await f32(path.join(dir, 'parity-output.bin'));
  const net = buildUNet(model, spec.sideInfo, kernelsFor(backend));
  const x = tf.tensor5d(input, [1, ...spec.shape, 1] as [number, number, number, number, number]);
  const y = net.predict(x);
  const got = (await y.data()) as Float32Array;
  tf.dispose([x, y]);
  net.dispose();
  return { err: relativeError(got, expected), storage: model.storage };
}

describe.each(['wasm', 'cpu'] as const)('parity with PyTorch on %s', (backend) => {
  beforeAll(async () => useBackend(backend));
  it.each([...fixtures, ...trained, ...extra])('%s', async (dir) => {
    const { err, storage } = await parityError(dir, backend);
    console.log(`parity ${backend} ${dir} (${storage}): relative error ${err.toExponential(2)}`);
    expect(err).toBeLessThan(storage === 'float32' ? 1e-4 : 1e-2);
  });
});
