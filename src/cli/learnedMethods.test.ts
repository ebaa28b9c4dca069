/**
 * The learned `qsm invert` methods reproduce PyTorch end to end: the tiny adaptive fixture, served as
 * models/adaptive-unet-tl through QSM_MODELS_DIR, inverts its parity input to its parity output.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, cpSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { makeVolume, type Vec3 } from '../core/volume';
import type { MethodEntry } from './methodTypes';

const fixture = 'src/model/__fixtures__/tiny-adaptive';
const f32 = (file: string) => {
  const b = readFileSync(path.join(fixture, file));
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
};

describe('learned methods', () => {
  let methods: MethodEntry[];
  beforeAll(async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'qsm-models-'));
    cpSync(fixture, path.join(dir, 'adaptive-unet-tl'), { recursive: true });
    process.env.QSM_MODELS_DIR = dir;
    methods = (await import('./learnedMethods')).learnedMethods;
  });

  it('adaptive-unet-tl on WASM matches the PyTorch parity output', async () => {
    const spec = JSON.parse(readFileSync(path.join(fixture, 'parity.json'), 'utf8')) as { shape: number[]; sideInfo: number[] };
    const [nz, ny, nx] = spec.shape;
    const field = makeVolume([nx, ny, nz], spec.sideInfo.slice(0, 3) as Vec3, undefined, f32('parity-input.bin'));
    const want = f32('parity-output.bin');
    const m = methods.find((x) => x.id === 'adaptive-unet-tl')!;
    const progress: number[] = [];
    const chi = await m.run(field, spec.sideInfo.slice(3) as Vec3, { patch: 32, backend: 'wasm' }, (done) => progress.push(done));
    let num = 0;
    let den = 0;
    for (let i = 0; i < want.length; i++) {
      num += (chi.data[i] - want[i]) ** 2;
      den += want[i] ** 2;
    }
    expect(Math.sqrt(num / den)).toBeLessThan(1e-4);
    expect(progress).toContain(1);
  });

  it('says which model is missing', async () => {
    const m = methods.find((x) => x.id === 'unet-tl')!;
    await expect(m.run(makeVolume([16, 16, 16]), [0, 0, 1], {}, () => {})).rejects.toThrow(/model unet-tl is not available: .*unet-tl\/model\.json does not exist/);
  });
});
