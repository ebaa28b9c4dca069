// `qsm invert --method tv|ndi`: their flags, the magnitude, the phase scale and the refusals, in-process.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { forwardField } from '../core/forwardModel';
import { computeMetrics } from '../core/metrics';
import { brainPhantom } from '../core/phantom';
import { makeVolume } from '../core/volume';
import { readNifti } from '../io/readNifti';
import { writeNifti } from '../io/writeNifti';
import { runCli as run } from './runCliForTest';

const dir = mkdtempSync(join(tmpdir(), 'qsm-iter-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const read = (name: string) => readNifti(readFileSync(p(name)), name).volume;

const ph = brainPhantom({ dims: [24, 24, 24], voxelSize: [2, 2, 2], seed: 5 });
beforeAll(() => {
  writeFileSync(p('field.nii'), writeNifti(forwardField(ph.chi, [0, 0, 1])));
  writeFileSync(p('mask.nii'), writeNifti(ph.mask));
  writeFileSync(p('mag.nii'), writeNifti(ph.magnitude));
  writeFileSync(p('small.nii'), writeNifti(makeVolume([8, 8, 8], [2, 2, 2])));
});
const base = () => ['invert', '--field', p('field.nii'), '--mask', p('mask.nii')];
const nrmse = (name: string) => computeMetrics(read(name), ph.chi, ph.mask).nrmse;

describe('qsm invert --method tv|ndi', () => {
  it('lists both', async () => {
    const r = await run('list');
    expect(r.out.join('\n')).toMatch(/tv .*total variation/);
    expect(r.out.join('\n')).toMatch(/ndi .*nonlinear dipole inversion/);
  });
  it('tv with its flags and a magnitude beats tkd, and says how many iterations it ran', async () => {
    const t = await run(...base(), '--method', 'tkd', '--out', p('tkd.nii'));
    const r = await run(...base(), '--method', 'tv', '--iterations', '15', '--tol', '0', '--tv-lambda', '2e-4', '--magnitude', p('mag.nii'), '--edge-fraction', '0.9', '--out', p('tv.nii'));
    expect([t.code, r.code], r.err).toEqual([0, 0]);
    expect(r.err).toMatch(/tv: 15 iterations \(stopped by the iteration limit; last change [\d.]+ %\), magnitude-weighted/);
    expect(nrmse('tv.nii')).toBeLessThan(nrmse('tkd.nii'));
  });
  it('ndi takes its phase scale from --b0 and --te, and says so', async () => {
    const r = await run(...base(), '--method', 'ndi', '--iterations', '10', '--b0', '3', '--te', '0.02', '--ndi-beta', '0.002', '--step', '4', '--out', p('ndi.nii'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/phase scale 16\.05 rad\/ppm \(B0 3 T, TE 0\.02 s\)/);
    expect(r.err).toMatch(/ndi: \d+ iterations/);
    expect(Number.isFinite(nrmse('ndi.nii'))).toBe(true);
    const d = await run(...base(), '--method', 'ndi', '--iterations', '2', '--out', p('ndi2.nii'));
    expect(d.err).toMatch(/assuming 3 T, 20 ms/);
  });
  it('tv --nonlinear uses the phase scale and says so', async () => {
    const r = await run(...base(), '--method', 'tv', '--nonlinear', '--iterations', '5', '--b0', '7', '--te', '0.01', '--out', p('tvnl.nii'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/phase scale 18\.73 rad\/ppm \(B0 7 T, TE 0\.01 s\)/);
    expect(r.err).toMatch(/tv: 5 iterations .*nonlinear data term/);
    const bad = await run(...base(), '--method', 'tv', '--phase-scale', '10', '--out', p('x.nii'));
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--phase-scale applies to ndi and to tv with --nonlinear/);
  });
  it('refuses flags of other methods, bad values and a magnitude off the grid', async () => {
    const a = await run(...base(), '--method', 'ndi', '--tv-lambda', '1e-3', '--out', p('x.nii'));
    expect(a.code).not.toBe(0);
    expect(a.err).toMatch(/--tv-lambda does not apply to method ndi/);
    const b = await run(...base(), '--method', 'tkd', '--iterations', '5', '--out', p('x.nii'));
    expect(b.err).toMatch(/--iterations does not apply to method tkd/);
    const c = await run(...base(), '--method', 'tv', '--iterations', '0', '--out', p('x.nii'));
    expect(c.code).not.toBe(0);
    expect(c.err).toMatch(/--iterations/);
    const m = await run(...base(), '--method', 'tv', '--magnitude', p('small.nii'), '--out', p('x.nii'));
    expect(m.code).not.toBe(0);
    expect(m.err).toMatch(/small\.nii/);
  });
});
