/** The loader decodes the fixtures and rejects broken exports with messages that say what is wrong. */
import { describe, it, expect, beforeAll } from 'vitest';
import { readFile } from 'node:fs/promises';
import { loadModel, readerModelFiles, type ModelFiles } from './loadModel';
import { expectedWeights } from './architecture';
import { useBackend } from './testUtils';

const dir = 'src/model/__fixtures__/tiny-unet';

/** The tiny-unet fixture with its model.json edited and its shard optionally cut. */
async function edited(edit: (json: Record<string, unknown>) => void, cutBytes = 0): Promise<ModelFiles> {
  const json = JSON.parse(await readFile(`${dir}/model.json`, 'utf8'));
  edit(json);
  const shard = await readFile(`${dir}/weights.bin`);
  return {
    readText: async () => JSON.stringify(json),
    readBytes: async () => shard.buffer.slice(shard.byteOffset, shard.byteOffset + shard.byteLength - cutBytes) as ArrayBuffer,
    describe: (n) => `mem/${n}`,
  };
}
type Manifest = { weights: { name: string; shape: number[] }[] }[];

describe('loadModel', () => {
  beforeAll(() => useBackend('cpu'));

  it('loads every weight the architecture names, with its shape', async () => {
    const model = await loadModel(readerModelFiles(dir, readFile));
    const want = expectedWeights(model.meta);
    expect([...model.weights.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [name, w] of model.weights) {
      expect(w.shape).toEqual(want.get(name));
      expect(w.values.length).toBe(w.shape.reduce((a, b) => a * b, 1));
    }
    expect(model.storage).toBe('float32');
  });

  it('decodes float16 storage to values within float16 rounding of the float32 export', async () => {
    const f16 = await loadModel(readerModelFiles('src/model/__fixtures__/tiny-adaptive-f16', readFile));
    expect(f16.storage).toBe('float16');
    // a decoded float16 normal number has 10 mantissa bits: the low 13 of float32's 23 are zero
    const w = f16.weights.get('enc0.conv2.weight')!.values;
    const bits = new Uint32Array(w.buffer, w.byteOffset, w.length);
    const normal = Array.from(w.keys()).filter((i) => Math.abs(w[i]) >= 2 ** -14);
    expect(normal.length).toBeGreaterThan(w.length / 2);
    expect(normal.filter((i) => (bits[i] & 0x1fff) !== 0)).toEqual([]);
  });

  it('names a missing weight and a wrong shape', async () => {
    const files = await edited((j) => {
      const ws = (j.weightsManifest as Manifest)[0].weights;
      ws.find((w) => w.name === 'dec1.conv2.bias')!.name = 'dec1.conv2.b';
      ws.find((w) => w.name === 'up0.weight')!.shape = [2, 2, 2, 8, 4];
    });
    const err = await loadModel(files).catch((e: Error) => e.message);
    expect(err).toMatch(/missing weight dec1\.conv2\.bias/);
    expect(err).toMatch(/unexpected weight dec1\.conv2\.b\b/);
    expect(err).toMatch(/up0\.weight has shape \[2, 2, 2, 8, 4\], expected \[2, 2, 2, 4, 8\]/);
  });

  it('rejects a truncated shard and a foreign format', async () => {
    await expect(loadModel(await edited(() => {}, 4))).rejects.toThrow(/shards hold \d+ bytes, the manifest needs \d+/);
    await expect(loadModel(await edited((j) => (j.format = 'keras')))).rejects.toThrow(/mem\/model\.json: format is "keras"/);
  });
});
