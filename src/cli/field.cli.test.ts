// `qsm field` in-process on the simulated head (32^3, 4 echoes): inputs as 4-D or per-echo files with BIDS sidecars,
// phase scaling, outputs, and one clear error (no output file) for each kind of bad input.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headPhantom } from '../core/phase/headPhantom';
import { erodeMask } from '../core/phase/morphology';
import { withData, type Vec3, type Volume } from '../core/volume';
import { readNifti } from '../io/readNifti';
import { writeNifti, writeNiftiSeries } from '../io/writeNifti';
import { runCli } from './runCliForTest';

const dir = mkdtempSync(join(tmpdir(), 'qsm-field-'));
const p = (name: string) => join(dir, name);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const N = 32;
const dims: Vec3 = [N, N, N], vs: Vec3 = [6, 6, 6];
const h = headPhantom({ dims, voxelSize: vs });

function write4d(path: string, vols: Volume[]): void {
  writeFileSync(path, writeNiftiSeries(vols));
}
const asInt12 = (v: Volume) => withData(v, Float32Array.from(v.data, (x) => Math.min(4095, Math.round(((x + Math.PI) / (2 * Math.PI)) * 4096))));
const readVol = (name: string) => readNifti(readFileSync(p(name)), name);

function nrmseInside(x: ArrayLike<number>, r: ArrayLike<number>, m: Uint8Array): number {
  let a = 0, b = 0;
  for (let i = 0; i < m.length; i++) if (m[i]) { a += (x[i] - r[i]) ** 2; b += r[i] ** 2; }
  return 100 * Math.sqrt(a / b);
}

beforeAll(() => {
  write4d(p('phase4d.nii'), h.phases.map(asInt12));
  write4d(p('mag4d.nii'), h.magnitudes);
  writeFileSync(p('phase4d.json'), JSON.stringify({ EchoTime: h.echoTimes, MagneticFieldStrength: 3 }));
  h.phases.forEach((ph, e) => {
    writeFileSync(p(`sub-01_echo-${e + 1}_part-phase.nii.gz`), writeNifti(ph, { gzip: true }));
    writeFileSync(p(`sub-01_echo-${e + 1}_part-phase.json`), JSON.stringify({ EchoTime: h.echoTimes[e] * 1000, MagneticFieldStrength: 3 }));
    writeFileSync(p(`sub-01_echo-${e + 1}_part-mag.nii.gz`), writeNifti(h.magnitudes[e], { gzip: true }));
  });
  writeFileSync(p('small.nii'), writeNifti(withData({ ...h.magnitudes[0], dims: [N, N, N - 1] }, new Float32Array(N * N * (N - 1)))));
  writeFileSync(p('phase_odd.nii'), writeNifti(withData(h.phases[0], Float32Array.from(h.phases[0].data, (x) => Math.round(((x + Math.PI) / (2 * Math.PI)) * 1000)))));
});

const perEcho = (part: string) => h.echoTimes.flatMap((_, e) => [`--${part === 'phase' ? 'phase' : 'magnitude'}`, p(`sub-01_echo-${e + 1}_part-${part}.nii.gz`)]);

describe('qsm field', () => {
  it('4-D integer phase with a sidecar: scaling detected, local field in ppm on the input grid, uint8 mask, total field', async () => {
    const r = await runCli('field', '--phase', p('phase4d.nii'), '--magnitude', p('mag4d.nii'), '--out', p('local.nii.gz'), '--out-mask', p('mask.nii.gz'), '--out-total', p('total.nii'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/integers, taken as 0\.\.4095/);
    expect(r.err).toMatch(/4 echoes, TE 4\.00, 8\.00, 12\.00, 16\.00 ms \(.*phase4d\.json\), B0 3 T/);
    expect(r.err).toMatch(/mask: done in/);
    expect(r.err).toMatch(/total field \(romeo, 4 echoes, offset smooth\): done in/);
    expect(r.err).toMatch(/note: the smoothed phase offset departs from the per-voxel intercepts by [0-9.]+x their noise/);
    expect(r.err).toMatch(/background removal \(tfi\): done in/);
    const local = readVol('local.nii.gz'), mask = readVol('mask.nii.gz'), total = readVol('total.nii');
    expect(mask.facts.datatype).toBe('uint8');
    expect(local.volume.dims).toEqual(dims);
    local.volume.affine.forEach((x, i) => expect(x).toBeCloseTo(h.phases[0].affine[i], 5));
    const m = Uint8Array.from(mask.volume.data);
    const ev = erodeMask(Uint8Array.from(h.brain.mask.data), dims, vs, 18);
    const both = Uint8Array.from(ev, (v, i) => (v && m[i] ? 1 : 0));
    expect(nrmseInside(total.volume.data, h.totalField.data, both)).toBeLessThan(5);
    const err = nrmseInside(local.volume.data, h.localField.data, both);
    expect(err).toBeLessThan(70);
  });
  it('one 3-D file per echo (BIDS names, TE in ms in the sidecars), laplacian + vsharp', async () => {
    const r = await runCli('field', ...perEcho('phase'), ...perEcho('mag'), '--unwrap', 'laplacian', '--bg', 'vsharp', '--out', p('local2.nii'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/radians/);
    expect(r.err).toMatch(/taken to be in milliseconds/);
    expect(readVol('local2.nii').volume.dims).toEqual(dims);
  });
  it('--phase-offset fit keeps the per-voxel intercept, and says so; an unknown choice is refused', async () => {
    const r = await runCli('field', '--phase', p('phase4d.nii'), '--magnitude', p('mag4d.nii'), '--phase-offset', 'fit', '--out-total', p('total_fit.nii'), '--out', p('local_fit.nii'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/total field \(romeo, 4 echoes, offset fit\): done in/);
    // the two differ only by the offset's noise: the same field to well within the phantom's noise
    const fit = readVol('total_fit.nii').volume.data, smooth = readVol('total.nii').volume.data;
    const m = Uint8Array.from(readVol('mask.nii.gz').volume.data);
    expect(nrmseInside(fit, smooth, m)).toBeGreaterThan(0);
    expect(nrmseInside(fit, smooth, m)).toBeLessThan(5);
    const bad = await runCli('field', '--phase', p('phase4d.nii'), '--magnitude', p('mag4d.nii'), '--phase-offset', 'mcpc', '--out', p('local_bad.nii'));
    expect(bad.code).not.toBe(0);
    expect(bad.err).toMatch(/--phase-offset/);
    expect(existsSync(p('local_bad.nii'))).toBe(false);
  });
  it('--te and --b0 instead of sidecars; --phase-range for an unusual integer range; --mask', async () => {
    writeFileSync(p('mask_given.nii'), writeNifti(h.brain.mask));
    const r = await runCli('field', '--phase', p('phase_odd.nii'), '--magnitude', p('sub-01_echo-1_part-mag.nii.gz'), '--te', '0.004', '--b0', '3',
      '--phase-range', '0,999', '--mask', p('mask_given.nii'), '--bg', 'vsharp', '--out', p('local3.nii'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/one echo: the phase offset cannot be fitted/);
    expect(r.err).toMatch(/--phase-range says 0\.\.999/);
  });
  it('--bg tfi writes the local field and, with --out-chi, TFI\'s susceptibility in and around the brain', async () => {
    const r = await runCli('field', '--phase', p('phase4d.nii'), '--magnitude', p('mag4d.nii'), '--bg', 'tfi', '--tfi-lambda', '5e-5', '--out', p('local_tfi.nii'), '--out-chi', p('chi_tfi.nii'), '--out-mask', p('mask_tfi.nii'));
    expect(r.code, r.err).toBe(0);
    expect(r.err).toMatch(/background removal \(tfi\): done in/);
    expect(r.err).toMatch(/chi_tfi\.nii \(TFI susceptibility, ppm, in and around the brain\)/);
    expect(r.err).toMatch(/note: TFI's local field is [0-9.]+x PDF's in the mask/);
    const local = readVol('local_tfi.nii').volume, chi = readVol('chi_tfi.nii').volume, m = Uint8Array.from(readVol('mask_tfi.nii').volume.data);
    expect(chi.dims).toEqual(dims);
    // chi is non-zero outside the brain too: TFI models the background sources there
    let outside = 0;
    for (let i = 0; i < m.length; i++) if (!m[i] && chi.data[i] !== 0) outside++;
    expect(outside).toBeGreaterThan(1000);
    const ev = erodeMask(Uint8Array.from(h.brain.mask.data), dims, vs, 18);
    expect(nrmseInside(local.data, h.localField.data, Uint8Array.from(ev, (v, i) => (v && m[i] ? 1 : 0)))).toBeLessThan(70);
  });
});

describe('qsm field: bad input is one clear line, exit 1, no output file', () => {
  const cases: [string, string[], RegExp][] = [
    ['mismatched grids', ['--phase', p('sub-01_echo-1_part-phase.nii.gz'), '--magnitude', p('small.nii'), '--te', '0.004', '--b0', '3'], /small\.nii (\(echo 1\) )?is 32x32x31 but .* is 32x32x32: they must be on the same voxel grid/],
    ['echo count vs TEs', ['--phase', p('phase4d.nii'), '--magnitude', p('mag4d.nii'), '--te', '0.004,0.008,0.012'], /4 echoes but 3 echo times \(0\.004, 0\.008, 0\.012 s from --te\)/],
    ['phase vs magnitude echoes', ['--phase', p('phase4d.nii'), '--magnitude', p('sub-01_echo-1_part-mag.nii.gz')], /4 phase echoes but 1 magnitude echoes/],
    ['integer phase without a recognisable scaling', ['--phase', p('phase_odd.nii'), '--magnitude', p('sub-01_echo-1_part-mag.nii.gz'), '--te', '0.004', '--b0', '3'], /neither radians within \+-pi nor integers in 0\.\.4095 or -4096\.\.4095; give the phase range explicitly/],
    ['a missing TE', ['--phase', p('phase_odd.nii'), '--magnitude', p('sub-01_echo-1_part-mag.nii.gz'), '--b0', '3'], /no echo times: give --te/],
    ['a missing B0', ['--phase', p('phase_odd.nii'), '--magnitude', p('sub-01_echo-1_part-mag.nii.gz'), '--te', '0.004'], /no field strength: give --b0/],
    ['TE in ms on the command line', ['--phase', p('phase_odd.nii'), '--magnitude', p('sub-01_echo-1_part-mag.nii.gz'), '--te', '4', '--b0', '3'], /--te is in seconds; 4 s is not plausible/],
    ['--out-chi without --bg tfi', ['--phase', p('phase4d.nii'), '--magnitude', p('mag4d.nii'), '--bg', 'pdf', '--out-chi', p('bad_chi.nii')], /--out-chi needs --bg tfi: only total-field inversion fits a susceptibility map \(background removal is pdf\)/],
    ['--tfi-lambda without --bg tfi', ['--phase', p('phase4d.nii'), '--magnitude', p('mag4d.nii'), '--bg', 'vsharp', '--tfi-lambda', '1e-4'], /--tfi-lambda needs --bg tfi \(background removal is vsharp\)/],
    ['an unknown unwrapping method', ['--phase', p('phase4d.nii'), '--magnitude', p('mag4d.nii'), '--unwrap', 'prelude'], /--unwrap: expected laplacian or romeo, got "prelude"/],
  ];
  for (const [name, args, message] of cases) {
    it(name, async () => {
      const r = await runCli('field', ...args, '--out', p('bad.nii'), '--out-mask', p('bad_mask.nii'));
      expect(r.code).toBe(1);
      expect(r.err, r.err).toMatch(message);
      expect(r.err.trim().split('\n').filter((l) => l.startsWith('qsm field:'))).toHaveLength(1);
      expect(existsSync(p('bad.nii'))).toBe(false);
      expect(existsSync(p('bad_mask.nii'))).toBe(false);
    });
  }
});
