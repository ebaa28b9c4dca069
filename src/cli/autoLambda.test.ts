// `qsm invert --method cfl2 --lambda auto|auto-inflection` in-process: the L-curve's choice reaches stderr, the
// inversion and the output's description, and the recorded value reproduces the run.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closedFormL2 } from '../core/closedFormL2';
import { forwardField } from '../core/forwardModel';
import { lCurve } from '../core/lCurve';
import { brainPhantom } from '../core/phantom';
import { seededRng } from '../core/phantomRandom';
import { withData, type Vec3 } from '../core/volume';
import { readNifti } from '../io/readNifti';
import { writeNifti } from '../io/writeNifti';
import { usage } from './main';
import { runCli } from './runCliForTest';

const dir = mkdtempSync(join(tmpdir(), 'qsm-autolambda-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

// B0 along voxel z (the header's diagonal affine); a little noise inside the brain
const B0: Vec3 = [0, 0, 1];
const phantom = brainPhantom({ dims: [24, 24, 24], voxelSize: [2, 2, 2], seed: 5 });
const rng = seededRng(9);
const clean = forwardField(phantom.chi, B0);
const field = withData(clean, clean.data.map((v, i) => (phantom.mask.data[i] > 0 ? v + 0.002 * rng.normal() : 0)));
const read = (name: string) => readNifti(readFileSync(p(name)), name);
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i])), 0);
const number = '([0-9.e-]+)';

beforeAll(() => {
  writeFileSync(p('field.nii'), writeNifti(field));
  writeFileSync(p('mask.nii'), writeNifti(phantom.mask));
});

describe('--lambda auto', () => {
  const curve = lCurve(field, B0, { mask: phantom.mask });

  it('uses the L-curve corner, says so on stderr and records it in the output', async () => {
    const r = await run('invert', '--field', p('field.nii'), '--mask', p('mask.nii'), '--method', 'cfl2', '--lambda', 'auto', '--out', p('auto.nii'));
    expect(r.code).toBe(0);
    const m = r.err.match(new RegExp(`L-curve over 25 lambdas 0\\.0001\\.\\.1: corner ${number}, inflection ${number}, using lambda = ${number} \\(corner\\)`));
    expect(m).not.toBeNull();
    const used = Number(m![3]);
    expect(Math.abs(used / curve.corner - 1)).toBeLessThan(5e-3);
    expect(Math.abs(Number(m![2]) / curve.inflection! - 1)).toBeLessThan(5e-3);
    const out = read('auto.nii');
    expect(out.facts.description).toBe(`qsm invert cfl2 lambda=${m![3]} (L-curve corner)`);
    expect(maxDiff(out.volume.data, closedFormL2(field, B0, used, phantom.mask).data)).toBeLessThan(1e-6);
  });

  it('auto-inflection uses the zero-curvature point', async () => {
    const r = await run('invert', '--field', p('field.nii'), '--mask', p('mask.nii'), '--method', 'cfl2', '--lambda', 'auto-inflection', '--out', p('infl.nii'));
    expect(r.code).toBe(0);
    const m = r.err.match(new RegExp(`using lambda = ${number} \\(inflection\\)`));
    expect(m).not.toBeNull();
    expect(Math.abs(Number(m![1]) / curve.inflection! - 1)).toBeLessThan(5e-3);
    expect(read('infl.nii').facts.description).toBe(`qsm invert cfl2 lambda=${m![1]} (L-curve inflection)`);
  });

  it('a given or default lambda is recorded too', async () => {
    await run('invert', '--field', p('field.nii'), '--method', 'cfl2', '--lambda', '0.02', '--out', p('given.nii'));
    await run('invert', '--field', p('field.nii'), '--method', 'cfl2', '--out', p('default.nii'));
    expect(read('given.nii').facts.description).toBe('qsm invert cfl2 lambda=0.02');
    expect(read('default.nii').facts.description).toBe('qsm invert cfl2 lambda=0.05');
  });

  it('refuses other words, and auto for methods without --lambda', async () => {
    const bad = await run('invert', '--field', p('field.nii'), '--method', 'cfl2', '--lambda', 'automatic', '--out', p('x.nii'));
    expect(bad).toMatchObject({ code: 1, err: expect.stringMatching(/--lambda: expected a number, auto or auto-inflection, got "automatic"/) });
    const neg = await run('invert', '--field', p('field.nii'), '--method', 'cfl2', '--lambda', '-1', '--out', p('x.nii'));
    expect(neg).toMatchObject({ code: 1, err: expect.stringMatching(/--lambda: -1 is below the minimum 0/) });
    const tkd = await run('invert', '--field', p('field.nii'), '--method', 'tkd', '--lambda', 'auto', '--out', p('x.nii'));
    expect(tkd).toMatchObject({ code: 2, err: expect.stringMatching(/--lambda does not apply to method tkd/) });
  });

  it('is in the help text', () => {
    expect(usage()).toMatch(/--lambda L\|auto\|auto-inflection +closed-form L2 weight .*L-curve corner/);
  });
});
