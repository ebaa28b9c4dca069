/**
 * The learned `qsm invert` methods reproduce PyTorch end to end: the tiny adaptive fixture, served as
 * models/adaptive-unet-tl through QSM_MODELS_DIR, inverts its parity input to its parity output.
 */
import { describe, it, expect, beforeAll } from 'vitest';
import { mkdtempSync, cpSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { mirrorB0X, mirrorVolumeX } from '../core/mirror';
import { reorientData, reorientDirection, reorientVolume, type AxisPlan } from '../core/orientation';
import { makeVolume, type Vec3 } from '../core/volume';
import { relativeError } from '../model/relativeError';
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
    // one pass (--no-mirror) is what PyTorch's parity output is
    const chi = await m.run(field, spec.sideInfo.slice(3) as Vec3, { patch: 32, backend: 'wasm', mirror: false }, (done) => progress.push(done));
    expect(relativeError(chi.data, want)).toBeLessThan(1e-4);
    expect(progress).toContain(1);
  });

  it('by default averages the pass with one on the x-mirrored field, b_x negated, mirrored back', async () => {
    const spec = JSON.parse(readFileSync(path.join(fixture, 'parity.json'), 'utf8')) as { shape: number[]; sideInfo: number[] };
    const [nz, ny, nx] = spec.shape;
    const field = makeVolume([nx, ny, nz], spec.sideInfo.slice(0, 3) as Vec3, undefined, f32('parity-input.bin'));
    const b = spec.sideInfo.slice(3) as Vec3;
    const m = methods.find((x) => x.id === 'adaptive-unet-tl')!;
    const one = { patch: 32, backend: 'wasm' as const, mirror: false };
    const plain = await m.run(field, b, one, () => {});
    const back = mirrorVolumeX(await m.run(mirrorVolumeX(field), mirrorB0X(b), one, () => {}));
    const want = plain.data.map((v, i) => 0.5 * (v + back.data[i]));
    const progress: number[] = [];
    const got = await m.run(field, b, { patch: 32, backend: 'wasm' }, (done) => progress.push(done));
    expect(relativeError(got.data, want)).toBeLessThan(1e-5);
    // the second pass is a different answer (the test can fail), and progress still reaches the end
    expect(relativeError(plain.data, want)).toBeGreaterThan(1e-3);
    expect(progress).toContain(1);
  });

  it('inverts a volume stored in another orientation on the grid it came in, as it inverts the RAS copy', async () => {
    const spec = JSON.parse(readFileSync(path.join(fixture, 'parity.json'), 'utf8')) as { shape: number[]; sideInfo: number[] };
    const [nz, ny, nx] = spec.shape;
    const ras = makeVolume([nx, ny, nz], [1, 1.2, 2], undefined, f32('parity-input.bin'));
    const b: Vec3 = [0.36, 0.21, 0.91];
    const m = methods.find((x) => x.id === 'adaptive-unet-tl')!;
    const want = await m.run(ras, b, { patch: 32, backend: 'wasm' }, () => {});
    // stored as sagittal slices, one axis reversed: the field, its grid and b all say so
    const plan: AxisPlan = { from: [1, 2, 0], flip: [false, true, false] };
    const stored = reorientVolume(ras, plan);
    const got = await m.run(stored, reorientDirection(b, plan), { patch: 32, backend: 'wasm' }, () => {});
    expect(got.dims).toEqual(stored.dims);
    expect(got.affine).toEqual(stored.affine);
    expect(relativeError(got.data, reorientData(want.data, want.dims, plan))).toBeLessThan(1e-6);
    // and the net does care how the brain is turned: the stored grid as if it were RAS gives another map
    const asIfRas = await m.run({ ...stored, affine: makeVolume(stored.dims, stored.voxelSize).affine }, reorientDirection(b, plan), { patch: 32, backend: 'wasm' }, () => {});
    expect(relativeError(asIfRas.data, got.data)).toBeGreaterThan(1e-2);
  });

  it('says which model is missing', async () => {
    const m = methods.find((x) => x.id === 'unet-tl')!;
    await expect(m.run(makeVolume([16, 16, 16]), [0, 0, 1], {}, () => {})).rejects.toThrow(/model unet-tl is not available: .*unet-tl\/model\.json does not exist/);
  });
});
