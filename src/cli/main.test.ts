// Command behaviour in-process (main() with a captured context): units, masks, cosmos, and their errors.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardField } from '../core/forwardModel';
import { diagonalAffine, withData, type Vec3, type Volume } from '../core/volume';
import { readNifti } from '../io/readNifti';
import { writeNifti } from '../io/writeNifti';
import { runCli } from './runCliForTest';

const dir = mkdtempSync(join(tmpdir(), 'qsm-main-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const run = runCli;

const N = 24;
function blobs(): Volume {
  // two spheres of different susceptibility, off-centre so every orientation sees structure
  const data = new Float32Array(N ** 3);
  for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) {
    if ((i - 8) ** 2 + (j - 10) ** 2 + (k - 12) ** 2 <= 16) data[i + N * (j + N * k)] = 0.1;
    if ((i - 16) ** 2 + (j - 14) ** 2 + (k - 11) ** 2 <= 9) data[i + N * (j + N * k)] = -0.05;
  }
  return { data, dims: [N, N, N], voxelSize: [1, 1, 1], affine: diagonalAffine([1, 1, 1]) };
}
const chi = blobs();
const fieldPpm = forwardField(chi, [0, 0, 1]);
const read = (name: string) => readNifti(readFileSync(p(name)), name).volume;
const maxDiff = (a: Volume, b: Volume) => a.data.reduce((m, x, i) => Math.max(m, Math.abs(x - b.data[i])), 0);

beforeAll(() => {
  writeFileSync(p('field.nii'), writeNifti(fieldPpm));
  writeFileSync(p('chi.nii'), writeNifti(chi));
  const hz = 42.5775 * 3;
  writeFileSync(p('field_hz.nii'), writeNifti(withData(fieldPpm, fieldPpm.data.map((x) => x * hz))));
  writeFileSync(p('field_hz.json'), JSON.stringify({ MagneticFieldStrength: 3, Units: 'Hz' }));
  const rad = 2 * Math.PI * 42.5775 * 7 * 0.02;
  writeFileSync(p('field_rad.nii.gz'), writeNifti(withData(fieldPpm, fieldPpm.data.map((x) => x * rad)), { gzip: true }));
  writeFileSync(p('field_nosidecar_hz.nii'), readFileSync(p('field_hz.nii')));
});

describe('units', () => {
  it('Hz with a sidecar gives the same result as ppm', async () => {
    const a = await run('invert', '--field', p('field.nii'), '--method', 'tkd', '--out', p('a.nii'));
    const b = await run('invert', '--field', p('field_hz.nii'), '--method', 'tkd', '--out', p('b.nii'));
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(b.err).toMatch(/field units hz from .*field_hz\.json/);
    expect(b.err).toMatch(/converting hz to ppm with B0 3 T/);
    expect(maxDiff(read('a.nii'), read('b.nii'))).toBeLessThan(1e-6);
  });
  it('radians with --b0 and --te (.gz, no sidecar)', async () => {
    const r = await run('invert', '--field', p('field_rad.nii.gz'), '--method', 'tkd', '--units', 'rad', '--b0', '7', '--te', '0.02', '--out', p('c.nii'));
    expect(r.code).toBe(0);
    await run('invert', '--field', p('field.nii'), '--method', 'tkd', '--out', p('a.nii'));
    expect(maxDiff(read('a.nii'), read('c.nii'))).toBeLessThan(1e-6);
  });
  it('Hz without a field strength is refused', async () => {
    const r = await run('invert', '--field', p('field_nosidecar_hz.nii'), '--method', 'tkd', '--units', 'hz', '--out', p('d.nii'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/qsm invert: converting a field map in hz to ppm needs the field strength B0/);
    expect(existsSync(p('d.nii'))).toBe(false);
  });
  it('an echo time in ms on the command line is refused, not guessed', async () => {
    const r = await run('invert', '--field', p('field_rad.nii.gz'), '--method', 'tkd', '--units', 'rad', '--b0', '7', '--te', '20', '--out', p('e.nii'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/--te is in seconds; 20 s is not plausible \(did you mean 0\.02\?\)/);
  });
});

describe('masks and grids', () => {
  it('a mask on another grid is refused, naming both files', async () => {
    writeFileSync(p('small_mask.nii'), writeNifti({ data: new Float32Array(8).fill(1), dims: [2, 2, 2], voxelSize: [1, 1, 1], affine: diagonalAffine([1, 1, 1]) }));
    const r = await run('invert', '--field', p('field.nii'), '--method', 'cfl2', '--mask', p('small_mask.nii'), '--out', p('f.nii'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/small_mask\.nii is 2x2x2 but .*field\.nii is 24x24x24/);
  });
  it('a mask zeroes the result outside', async () => {
    const m = new Float32Array(N ** 3);
    m.fill(1, 0, N ** 3 / 2);
    writeFileSync(p('half.nii'), writeNifti(withData(fieldPpm, m)));
    const r = await run('invert', '--field', p('field.nii'), '--method', 'cfl2', '--lambda', '0.1', '--mask', p('half.nii'), '--out', p('g.nii'));
    expect(r.code).toBe(0);
    const g = read('g.nii');
    expect(g.data.subarray(N ** 3 / 2).every((x) => x === 0)).toBe(true);
    expect(g.data.subarray(0, N ** 3 / 2).some((x) => x !== 0)).toBe(true);
  });
  it('NaN voxels are refused, or zeroed with --nonfinite zero', async () => {
    const f = fieldPpm.data.slice();
    f[5] = NaN;
    writeFileSync(p('nan.nii'), writeNifti(withData(fieldPpm, f)));
    const bad = await run('invert', '--field', p('nan.nii'), '--method', 'tkd', '--out', p('h.nii'));
    expect(bad.code).toBe(1);
    expect(bad.err).toMatch(/nan\.nii: 1 of 13824 voxels are NaN or Inf/);
    const ok = await run('invert', '--field', p('nan.nii'), '--method', 'tkd', '--nonfinite', 'zero', '--out', p('h.nii'));
    expect(ok.code).toBe(0);
    expect(ok.err).toMatch(/replaced 1 NaN\/Inf voxels by 0/);
  });
});

describe('cosmos', () => {
  const dirs: Vec3[] = [[0, 0, 1], [0, Math.sin(0.5), Math.cos(0.5)], [Math.sin(0.5), 0, Math.cos(0.5)]];
  beforeAll(() => dirs.forEach((d, o) => writeFileSync(p(`cf${o}.nii`), writeNifti(forwardField(chi, d)))));

  it('recovers chi from three orientations given with --b0dir, better than TKD from one', async () => {
    const args = dirs.flatMap((d, o) => ['--field', p(`cf${o}.nii`), '--b0dir', d.join(',')]);
    expect((await run('cosmos', ...args, '--out', p('cosmos.nii'))).code).toBe(0);
    await run('invert', '--field', p('cf0.nii'), '--method', 'tkd', '--out', p('tkd0.nii'));
    const m = async (pred: string) => JSON.parse((await run('metrics', '--pred', p(pred), '--ref', p('chi.nii'), '--json')).out[0]);
    const cos = await m('cosmos.nii');
    const tkd = await m('tkd0.nii');
    expect(cos.nrmse).toBeLessThan(tkd.nrmse / 2);
  });
  it('refuses fields whose headers all give one direction', async () => {
    const r = await run('cosmos', '--field', p('cf0.nii'), '--field', p('cf1.nii'), '--out', p('x.nii'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/every header gives the same B0 direction/);
  });
  it('wants one --b0dir per --field', async () => {
    const r = await run('cosmos', '--field', p('cf0.nii'), '--field', p('cf1.nii'), '--b0dir', '0,0,1', '--out', p('x.nii'));
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/2 --field but 1 --b0dir/);
  });
});

describe('command line', () => {
  it('list names the classical methods', async () => {
    const r = await run('list');
    expect(r.out.map((l) => l.split(/\s+/)[0])).toEqual(expect.arrayContaining(['tkd', 'cfl2']));
  });
  it('unknown method, misplaced and out-of-range flags exit 2 or 1 with one line', async () => {
    expect(await run('invert', '--field', p('field.nii'), '--method', 'magic', '--out', p('x.nii'))).toMatchObject({ code: 2, err: expect.stringMatching(/unknown method "magic" \(known: .*tkd, cfl2, tv, ndi\)/) });
    expect(await run('invert', '--field', p('field.nii'), '--method', 'cfl2', '--threshold', '0.1', '--out', p('x.nii'))).toMatchObject({ code: 2, err: expect.stringMatching(/--threshold does not apply to method cfl2/) });
    expect(await run('invert', '--field', p('field.nii'), '--method', 'tkd', '--threshold', '0.9', '--out', p('x.nii'))).toMatchObject({ code: 1, err: expect.stringMatching(/--threshold: 0\.9 is above the maximum/) });
    expect(await run('invert', '--field', p('field.nii'), '--method', 'tkd', '--out', p('x.img'))).toMatchObject({ code: 1, err: expect.stringMatching(/--out .*x\.img: must end in \.nii or \.nii\.gz/) });
    expect(await run('forward', '--chi', p('chi.nii'))).toMatchObject({ code: 2, err: expect.stringMatching(/missing --out/) });
    expect(await run('frobnicate')).toMatchObject({ code: 2, err: expect.stringMatching(/unknown command "frobnicate"/) });
  });
  it('--b0dir overrides the header and is normalised', async () => {
    const r = await run('forward', '--chi', p('chi.nii'), '--b0dir', '0,0,2', '--out', p('fw.nii'));
    expect(r.err).toMatch(/B0 direction \(0\.000, 0\.000, 1\.000\) from --b0dir/);
    expect(maxDiff(read('fw.nii'), fieldPpm)).toBeLessThan(1e-7);
  });
});
