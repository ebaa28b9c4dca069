// BIDS names, acquisitions grouped from them, and the BIDS App command line: names only, no images.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseBidsArgs } from './bidsArgs';
import { checkRawPhase } from './rawPhase';
import { discoverSubject, listSubjects, parseBidsName } from './discover';

const root = mkdtempSync(join(tmpdir(), 'qsm-discover-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const touch = (...parts: string[]) => {
  mkdirSync(join(root, ...parts.slice(0, -1)), { recursive: true });
  writeFileSync(join(root, ...parts), '');
};

describe('BIDS names', () => {
  it('splits entities, suffix and extension', () => {
    expect(parseBidsName('sub-01_ses-pre_echo-2_part-phase_MEGRE.nii.gz')).toEqual({
      entities: [['sub', '01'], ['ses', 'pre'], ['echo', '2'], ['part', 'phase']], suffix: 'MEGRE', extension: '.nii.gz',
    });
    expect(parseBidsName('sub-01_localfield.nii')?.suffix).toBe('localfield');
    for (const bad of ['sub-01_localfield.json', 'localfield.nii.gz', 'ses-1_sub-01_T1w.nii', 'sub-01_bad-_T1w.nii.gz']) expect(parseBidsName(bad)).toBeUndefined();
  });
});

describe('discovery', () => {
  touch('sub-01', 'anat', 'sub-01_run-1_localfield.nii.gz');
  touch('sub-01', 'anat', 'sub-01_run-1_desc-brain_mask.nii.gz');
  touch('sub-01', 'anat', 'sub-01_run-1_desc-other_mask.nii.gz');
  touch('sub-01', 'anat', 'sub-01_T1w.nii.gz');
  for (const e of [2, 1]) for (const part of ['phase', 'mag']) touch('sub-01', 'anat', `sub-01_run-2_echo-${e}_part-${part}_MEGRE.nii.gz`);
  touch('sub-02', 'ses-a', 'anat', 'sub-02_ses-a_localfield.nii');
  touch('sub-02', 'ses-b', 'anat', 'sub-02_ses-b_echo-1_part-phase_MEGRE.nii');
  touch('sub-02', 'ses-b', 'anat', 'sub-02_ses-b_echo-1_part-mag_T2starw.nii');
  touch('sub-03', 'anat', 'sub-03_T1w.nii.gz');

  it('groups files by every entity but echo, part and desc', () => {
    expect(listSubjects(root)).toEqual(['01', '02', '03']);
    const s1 = discoverSubject(root, '01');
    expect(s1.acquisitions.map((a) => a.key)).toEqual(['sub-01_run-1', 'sub-01_run-2']);
    const [run1, run2] = s1.acquisitions;
    expect(run1.localField).toMatch(/sub-01_run-1_localfield\.nii\.gz$/);
    expect(run1.mask).toMatch(/sub-01_run-1_desc-brain_mask\.nii\.gz$/); // desc-other is not a brain mask
    expect(run1.problems).toEqual([]);
    expect(run2.echoes.map((e) => e.echo)).toEqual([1, 2]);
    expect(run2.echoes[0].phase).toMatch(/echo-1_part-phase_MEGRE/);
    expect(run2.echoes[0].magnitude).toMatch(/echo-1_part-mag_MEGRE/);
    expect(run2.rawSuffix).toBe('MEGRE');
  });

  it('finds sessions, filters them, and names problems', () => {
    const s2 = discoverSubject(root, '02');
    expect(s2.acquisitions.map((a) => `${a.folder} ${a.key}`)).toEqual(['sub-02/ses-a/anat sub-02_ses-a', 'sub-02/ses-b/anat sub-02_ses-b']);
    expect(s2.acquisitions[1].problems[0]).toMatch(/two suffixes \(T2starw and MEGRE\)/);
    expect(discoverSubject(root, '02', { sessions: ['a'] }).acquisitions.map((a) => a.key)).toEqual(['sub-02_ses-a']);
    expect(discoverSubject(root, '02', { sessions: ['c'] })).toMatchObject({ skipped: true, problem: 'no session ses-c (it has ses-a, ses-b)' });
    expect(discoverSubject(root, '03').problem).toMatch(/no \*_localfield\.nii\[\.gz\] and no \*_part-phase_\* images in sub-03\/anat/);
    expect(discoverSubject(root, '04').problem).toMatch(/sub-04 is not in/);
  });
});

describe('phase inputs', () => {
  const run2 = () => discoverSubject(root, '01').acquisitions[1];
  const side = (e: number, value: unknown) => writeFileSync(join(root, 'sub-01', 'anat', `sub-01_run-2_echo-${e}_part-phase_MEGRE.json`), JSON.stringify(value));
  it('needs a sidecar with EchoTime per echo, a field strength, and increasing echo times', () => {
    expect(() => checkRawPhase(run2(), root)).toThrow(/echo 1: no JSON sidecar beside sub-01\/anat\/sub-01_run-2_echo-1_part-phase_MEGRE\.nii\.gz/);
    side(1, { EchoTime: 0.01 });
    side(2, { EchoTime: 0.005 });
    expect(() => checkRawPhase(run2(), root)).toThrow(/no MagneticFieldStrength in the sidecars of sub-01_run-2's echoes/);
    side(1, { EchoTime: 0.01, MagneticFieldStrength: 3 });
    expect(() => checkRawPhase(run2(), root)).toThrow(/echo times must increase with the echo number: echo 2 has 0.005 s after 0.01 s/);
    side(2, { EchoTime: 0.02 });
    expect(checkRawPhase(run2(), root)).toMatchObject({ b0Tesla: 3, echoes: [{ echo: 1, echoTime: 0.01 }, { echo: 2, echoTime: 0.02 }] });
  });
});

describe('the BIDS App command line', () => {
  const specs = {
    'participant-label': { kind: 'value' as const, repeat: true, help: 'L' },
    method: { kind: 'value' as const, repeat: true, help: 'ID' },
    session: { kind: 'value' as const, repeat: true, help: 'S' },
    dc: { kind: 'boolean' as const, help: 'dc' },
    'dc-lambda': { kind: 'value' as const, help: 'L' },
  };
  it('takes lists up to the next flag, aliases and commas', () => {
    const a = parseBidsArgs(['in', 'out', 'participant', '--participant_label', '01', 'sub-02', '--method=tkd,cfl2', '--dc', '--dc-lambda', '0.02', '--session-label', '1'], specs);
    expect([a.bidsDir, a.outDir, a.level]).toEqual(['in', 'out', 'participant']);
    expect(a.flags.strings('participant-label')).toEqual(['01', 'sub-02']);
    expect(a.flags.strings('method')).toEqual(['tkd', 'cfl2']);
    expect(a.flags.strings('session')).toEqual(['1']);
    expect(a.flags.has('dc')).toBe(true);
    expect(a.flags.string('dc-lambda')).toBe('0.02');
  });
  it('refuses misplaced arguments', () => {
    expect(() => parseBidsArgs(['in', 'out', 'participant', '--dc', 'x'], specs)).toThrow(/unexpected argument "x"/);
    expect(() => parseBidsArgs(['in', 'participant', '--dc'], specs)).toThrow(/expected BIDS_DIR OUT_DIR participant/);
    expect(() => parseBidsArgs(['in', 'out', 'participant', '--nope'], specs)).toThrow(/unknown flag --nope/);
  });
});
