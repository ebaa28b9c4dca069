// The qsm command end to end: real processes on small generated files in a temp folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tkd } from '../core/tkd';
import type { Vec3, Volume } from '../core/volume';
import { readNifti } from '../io/readNifti';
import { writeNifti } from '../io/writeNifti';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'qsm-cli-'));
const p = (name: string) => join(dir, name);

function qsm(...args: string[]) {
  const r = spawnSync('npx', ['tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const N = 40;
const R = 5;
const CHI = 0.1;
const C = N / 2;
// voxel axes rotated 90 deg about world x: voxel y points along world z, so B0 lies along voxel +y
const AFFINE = [1, 0, 0, -20, 0, 0, -1, 20, 0, 1, 0, -20, 0, 0, 0, 1];

function sphere(): Volume {
  const data = new Float32Array(N * N * N);
  for (let k = 0; k < N; k++) for (let j = 0; j < N; j++) for (let i = 0; i < N; i++) {
    if ((i - C) ** 2 + (j - C) ** 2 + (k - C) ** 2 <= R * R) data[i + N * (j + N * k)] = CHI;
  }
  return { data, dims: [N, N, N], voxelSize: [1, 1, 1], affine: AFFINE };
}

const read = (name: string) => readNifti(readFileSync(p(name)), name).volume;
const at = (v: Volume, i: number, j: number, k: number) => v.data[i + v.dims[0] * (j + v.dims[1] * k)];

beforeAll(() => writeFileSync(p('chi.nii.gz'), writeNifti(sphere())));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('qsm forward, then invert --method tkd', () => {
  let forward: ReturnType<typeof qsm>;
  let invert: ReturnType<typeof qsm>;
  // two real `npx tsx` processes: seconds on an idle machine, far more than the 10 s default on a loaded one
  beforeAll(() => {
    forward = qsm('forward', '--chi', p('chi.nii.gz'), '--out', p('field.nii.gz'));
    invert = qsm('invert', '--field', p('field.nii.gz'), '--method', 'tkd', '--out', p('tkd.nii.gz'));
  }, 120_000);

  it('forward takes B0 from the header and gives the dipole field of a sphere', () => {
    expect(forward.code).toBe(0);
    expect(forward.stderr).toMatch(/B0 direction \(0\.000, 1\.000, 0\.000\) from header, tilt 90\.0 deg/);
    const f = read('field.nii.gz');
    expect(f.affine).toEqual(AFFINE.map((x) => expect.closeTo(x, 5)));
    // outside a sphere: chi/3 (R/r)^3 (3 cos^2 - 1); at r = 2R along B0 (voxel y) +2chi/24, across it -chi/24
    expect(at(f, C, C + 2 * R, C)).toBeCloseTo((2 * CHI) / 24, 3);
    expect(at(f, C + 2 * R, C, C)).toBeCloseTo(-CHI / 24, 3);
    expect(at(f, C, C, C + 2 * R)).toBeCloseTo(-CHI / 24, 3);
  });

  it('invert gives what core tkd gives on the same field, on the same grid', () => {
    expect(invert.code).toBe(0);
    expect(invert.stderr).toMatch(/assuming ppm/);
    expect(invert.stderr).toMatch(/invert tkd: done in [\d.]+ s/);
    expect(invert.stderr).not.toContain('\r'); // not a terminal: no redrawn bar
    const field = read('field.nii.gz');
    const mine = tkd(field, [0, 1, 0] as Vec3);
    const got = read('tkd.nii.gz');
    expect(got.dims).toEqual([N, N, N]);
    expect(got.affine).toEqual(AFFINE.map((x) => expect.closeTo(x, 5)));
    let worst = 0;
    for (let i = 0; i < got.data.length; i++) worst = Math.max(worst, Math.abs(got.data[i] - mine.data[i]));
    expect(worst).toBeLessThan(1e-7);
  });

  it('metrics --json prints exactly the seven metrics', () => {
    const r = qsm('metrics', '--pred', p('tkd.nii.gz'), '--ref', p('chi.nii.gz'), '--json');
    expect(r.code).toBe(0);
    const m = JSON.parse(r.stdout);
    expect(Object.keys(m)).toEqual(['nrmse', 'psnr', 'ssim', 'hfen', 'slope', 'intercept', 'r2']);
    for (const v of Object.values(m)) expect(Number.isFinite(v)).toBe(true);
    // TKD recovers the sphere, with its known underestimation
    expect(m.slope).toBeGreaterThan(0.5);
    expect(m.slope).toBeLessThan(1.05);
  });
});

describe('bad input', () => {
  function expectOneLineFailure(r: ReturnType<typeof qsm>, code: number, pattern: RegExp, out?: string) {
    expect(r.code).toBe(code);
    const lines = r.stderr.split('\n').filter((l) => l.length > 0 && !l.startsWith('note:'));
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(pattern);
    if (out) {
      expect(existsSync(out)).toBe(false);
      expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    }
  }

  it('a truncated field: one line naming the file, exit 1, no output', () => {
    const whole = writeNifti(sphere());
    writeFileSync(p('short.nii'), whole.subarray(0, whole.length - 100));
    const out = p('never.nii.gz');
    expectOneLineFailure(qsm('invert', '--field', p('short.nii'), '--method', 'tkd', '--out', out), 1, /^qsm invert: .*short\.nii: truncated file/, out);
  });

  it('an unknown flag: one line, exit 2', () => {
    expectOneLineFailure(qsm('forward', '--chi', p('chi.nii.gz'), '--out', p('x.nii.gz'), '--b0-dir', '0,0,1'), 2, /^qsm forward: unknown flag --b0-dir/, p('x.nii.gz'));
  });
});
