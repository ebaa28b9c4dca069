/**
 * `qsm invert` learned methods on worker threads (issue 13): the tiny adaptive fixture (as
 * models/adaptive-unet-tl) on a field of several patches gives the same map on 2 worker threads as in one
 * thread, says so on stderr, and --threads is checked like the other method flags.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { reorientData, reorientDirection, reorientVolume, type AxisPlan } from '../core/orientation';
import { makeVolume, type Vec3, type Volume } from '../core/volume';
import { writeNifti } from '../io/writeNifti';
import { seededValues } from '../model/testUtils';
import type { MethodEntry } from './methodTypes';

const dir = mkdtempSync(join(tmpdir(), 'qsm-threads-'));
const dims: Vec3 = [64, 48, 40];
const field = makeVolume(dims, [1, 1, 1], undefined, seededValues(dims[0] * dims[1] * dims[2], 11).map((v) => 0.02 * v));
let methods: MethodEntry[];
let run: (...argv: string[]) => Promise<{ code: number; out: string[]; err: string }>;

beforeAll(async () => {
  cpSync('src/model/__fixtures__/tiny-adaptive', join(dir, 'models', 'adaptive-unet-tl'), { recursive: true });
  process.env.QSM_MODELS_DIR = join(dir, 'models');
  methods = (await import('./learnedMethods')).learnedMethods;
  run = (await import('./runCliForTest')).runCli;
  writeFileSync(join(dir, 'field.nii'), writeNifti(field));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function invert(threads: number, input: Volume = field, b0: Vec3 = [0.2, 0, 1]): Promise<{ chi: Float32Array; stderr: string }> {
  const lines: string[] = [];
  const spy = vi.spyOn(process.stderr, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
  try {
    const m = methods.find((x) => x.id === 'adaptive-unet-tl')!;
    const chi = await m.run(input, b0, { patch: 32, overlap: 0.25, backend: 'wasm', threads }, () => {});
    return { chi: chi.data, stderr: lines.join('') };
  } finally {
    spy.mockRestore();
  }
}

describe('learned methods on worker threads', () => {
  it('2 worker threads give the map one thread gives', async () => {
    const one = await invert(1);
    const two = await invert(2);
    expect(one.stderr).toMatch(/adaptive-unet-tl: tfjs wasm backend, 12 patches of 32x32x32/);
    expect(two.stderr).toMatch(/adaptive-unet-tl: tfjs wasm backend on 2 worker threads \(\d+ \+ \d+ patches\), 12 patches of 32x32x32/);
    let num = 0;
    let den = 0;
    for (let i = 0; i < one.chi.length; i++) {
      num += (two.chi[i] - one.chi[i]) ** 2;
      den += one.chi[i] ** 2;
    }
    expect(den).toBeGreaterThan(0);
    expect(Math.sqrt(num / den)).toBeLessThan(1e-6);
  }, 120_000);

  it('turns a field stored LPS to RAS for the workers and puts the map back', async () => {
    const plan: AxisPlan = { from: [0, 1, 2], flip: [true, true, false] };
    const one = await invert(1);
    const two = await invert(2, reorientVolume(field, plan), reorientDirection([0.2, 0, 1], plan));
    expect(two.stderr).toMatch(/on 2 worker threads .*voxel axes LPS turned to RAS/);
    const want = reorientData(one.chi, dims, plan);
    expect(Array.from(two.chi).every((v, i) => Math.abs(v - want[i]) <= 1e-6 * (1 + Math.abs(want[i])))).toBe(true);
  }, 120_000);

  it('--threads is a positive integer, for learned methods only', async () => {
    const base = ['invert', '--field', join(dir, 'field.nii'), '--out', join(dir, 'out.nii')];
    const zero = await run(...base, '--method', 'adaptive-unet-tl', '--threads', '0');
    expect(zero.code).not.toBe(0);
    expect(zero.err).toMatch(/--threads/);
    const tkd = await run(...base, '--method', 'tkd', '--threads', '2');
    expect(tkd.code).toBe(2);
    expect(tkd.err).toMatch(/--threads does not apply to method tkd/);
  });
});
