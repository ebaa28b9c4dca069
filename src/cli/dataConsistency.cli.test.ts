/**
 * `qsm invert --method <learned> --dc`: the tiny adaptive fixture stands in for models/adaptive-unet-tl. The data-
 * consistency output equals core's step applied to the raw network output written by --out-net, the lambda used is
 * on stderr and in the description, and misused flags are refused before anything runs.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataConsistency, DEFAULT_DC_LAMBDA } from '../core/dataConsistency';
import { dataConsistencyLCurve } from '../core/dataConsistencyLCurve';
import { MASKED_DC_DEFAULTS, maskedDataConsistency } from '../core/dataConsistencyMasked';
import { forwardField } from '../core/forwardModel';
import { pickLambda } from '../core/lambdaChoice';
import { brainPhantom } from '../core/phantom';
import type { Volume } from '../core/volume';
import { readNifti } from '../io/readNifti';
import { writeNifti } from '../io/writeNifti';

const dir = mkdtempSync(join(tmpdir(), 'qsm-dc-'));
const p = (name: string) => join(dir, name);
const readAll = (name: string) => readNifti(readFileSync(p(name)), name);
const maxDiff = (a: Volume, b: Volume) => a.data.reduce((m, x, i) => Math.max(m, Math.abs(x - b.data[i])), 0);
const maxAbs = (a: Volume) => a.data.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
const ph = brainPhantom({ dims: [24, 24, 16], voxelSize: [1.5, 1.5, 2] });
const b0: [number, number, number] = [0, 0, 1];
const field = forwardField(ph.chi, b0);
let run: (...argv: string[]) => Promise<{ code: number; out: string[]; err: string }>;

beforeAll(async () => {
  const models = join(dir, 'models');
  cpSync('src/model/__fixtures__/tiny-adaptive', join(models, 'adaptive-unet-tl'), { recursive: true });
  process.env.QSM_MODELS_DIR = models;
  run = (await import('./runCliForTest')).runCli;
  writeFileSync(p('field.nii'), writeNifti(field));
  writeFileSync(p('mask.nii'), writeNifti(ph.mask));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qsm invert --dc', () => {
  const base = () => ['invert', '--field', p('field.nii'), '--mask', p('mask.nii'), '--method', 'adaptive-unet-tl', '--backend', 'cpu'];

  it('default: the masked form of the network output at its default lambda, recorded in the description', async () => {
    const r = await run(...base(), '--dc', '--out-net', p('net.nii'), '--out', p('dc.nii'));
    expect(r.code).toBe(0);
    const net = readAll('net.nii'), dc = readAll('dc.nii');
    const done = maskedDataConsistency(field, net.volume, b0, ph.mask);
    expect(r.err).toContain(`data consistency: masked (the field inside the mask), lambda = ${MASKED_DC_DEFAULTS.lambda} (default), ${done.iterations} conjugate-gradient iterations`);
    expect(net.facts.description).toBe('qsm invert adaptive-unet-tl');
    expect(dc.facts.description).toBe(`qsm invert adaptive-unet-tl + dc masked lambda=${MASKED_DC_DEFAULTS.lambda}`);
    expect(maxDiff(dc.volume, done.chi)).toBeLessThan(1e-6 * maxAbs(done.chi) + 1e-9);
    expect(maxDiff(dc.volume, net.volume)).toBeGreaterThan(0.1 * maxAbs(done.chi));
  });

  it('--dc-form closed: core dataConsistency of the network output at its default lambda', async () => {
    const r = await run(...base(), '--dc', '--dc-form', 'closed', '--out-net', p('net4.nii'), '--out', p('dc4.nii'));
    expect(r.code).toBe(0);
    expect(r.err).toContain(`data consistency: closed form, lambda = ${DEFAULT_DC_LAMBDA} (default)`);
    const net = readAll('net4.nii'), dc = readAll('dc4.nii');
    expect(dc.facts.description).toBe(`qsm invert adaptive-unet-tl + dc lambda=${DEFAULT_DC_LAMBDA}`);
    const want = dataConsistency(field, net.volume, b0, { lambda: DEFAULT_DC_LAMBDA, mask: ph.mask });
    expect(maxDiff(dc.volume, want)).toBeLessThan(1e-6 * maxAbs(want) + 1e-9);
    expect(maxDiff(dc.volume, net.volume)).toBeGreaterThan(0.1 * maxAbs(want));
  });

  it('auto: the L-curve corner of the network residual, printed and recorded', async () => {
    const r = await run(...base(), '--dc', '--dc-lambda', 'auto', '--out-net', p('net2.nii'), '--out', p('dc2.nii'));
    expect(r.code).toBe(0);
    const net = readAll('net2.nii').volume;
    const lambda = pickLambda(dataConsistencyLCurve(field, net, b0, { mask: ph.mask }), 'corner').value;
    expect(r.err).toMatch(/data-consistency L-curve over 25 lambdas 0\.0001\.\.1: corner /);
    expect(r.err).toContain(`data consistency: closed form, lambda = ${String(lambda)} (L-curve corner)`);
    expect(readAll('dc2.nii').facts.description).toBe(`qsm invert adaptive-unet-tl + dc lambda=${String(lambda)} (L-curve corner)`);
  });

  it('hard: the field where |D| > t', async () => {
    const r = await run(...base(), '--dc', '--dc-hard', '0.2', '--out-net', p('net3.nii'), '--out', p('dc3.nii'));
    expect(r.code).toBe(0);
    const dc = readAll('dc3.nii');
    expect(dc.facts.description).toBe('qsm invert adaptive-unet-tl + dc hard t=0.2');
    const want = dataConsistency(field, readAll('net3.nii').volume, b0, { kind: 'hard', threshold: 0.2, mask: ph.mask });
    expect(maxDiff(dc.volume, want)).toBeLessThan(1e-6 * maxAbs(want) + 1e-9);
  });

  it('refuses misused flags before running anything', async () => {
    const tkd = ['invert', '--field', p('field.nii'), '--method', 'tkd', '--out', p('x.nii')];
    expect(await run(...tkd, '--dc')).toMatchObject({ code: 2, err: expect.stringMatching(/--dc applies to learned methods only, not tkd/) });
    expect(await run(...base(), '--dc-lambda', '0.1', '--out', p('x.nii'))).toMatchObject({ code: 2, err: expect.stringMatching(/--dc-lambda needs --dc/) });
    expect(await run(...base(), '--dc', '--dc-lambda', '0', '--out', p('x.nii'))).toMatchObject({ code: 1, err: expect.stringMatching(/--dc-lambda: must be > 0/) });
    expect(await run(...base(), '--dc', '--dc-lambda', 'best', '--out', p('x.nii'))).toMatchObject({ code: 1, err: expect.stringMatching(/--dc-lambda: expected a number, auto or auto-inflection/) });
    expect(await run(...base(), '--dc', '--dc-lambda', '0.1', '--dc-hard', '0.2', '--out', p('x.nii'))).toMatchObject({ code: 2, err: expect.stringMatching(/exclude each other/) });
    expect(await run(...base(), '--dc', '--dc-form', 'masked', '--dc-lambda', 'auto', '--out', p('x.nii'))).toMatchObject({ code: 2, err: expect.stringMatching(/the masked form has none/) });
    expect(await run(...base(), '--dc', '--dc-form', 'exact', '--out', p('x.nii'))).toMatchObject({ code: 2, err: expect.stringMatching(/--dc-form: expected masked or closed/) });
    expect(await run(...base(), '--dc-form', 'closed', '--out', p('x.nii'))).toMatchObject({ code: 2, err: expect.stringMatching(/--dc-form needs --dc/) });
    expect(await run(...base(), '--dc', '--out-net', p('net.img'), '--out', p('x.nii'))).toMatchObject({ code: 1, err: expect.stringMatching(/--out-net .*net\.img: must end in \.nii/) });
    expect(existsSync(p('x.nii'))).toBe(false);
  });
});
