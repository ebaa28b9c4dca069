// `qsm bids` in-process on the tiny phantom dataset (makeTestDataset.ts): derivatives and their sidecars, from a
// local field and from multi-echo phase, resume, the broken subject reported with a non-zero exit, participant and
// session filters, and the tiny fixture network (served as adaptive-unet-tl through QSM_MODELS_DIR) with data
// consistency.
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MASKED_DC_DEFAULTS } from '../../core/dataConsistencyMasked';
import { NDI_DEFAULTS } from '../../core/ndi';
import { localFieldFromPhase } from '../../core/phase/localFieldPipeline';
import { readNifti } from '../../io/readNifti';
import { makeTestDataset, rawPhaseSubject, TEST_B0, TEST_ECHO_TIMES } from './makeTestDataset';

const root = mkdtempSync(join(tmpdir(), 'qsm-bids-'));
const bids = join(root, 'bids');
const models = join(root, 'models');
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Run = (...argv: string[]) => Promise<{ code: number; out: string[]; err: string }>;
let run: Run;

beforeAll(async () => {
  makeTestDataset(bids, { rawPhase: true });
  cpSync('src/model/__fixtures__/tiny-adaptive', join(models, 'adaptive-unet-tl'), { recursive: true });
  process.env.QSM_MODELS_DIR = models; // read when the learned methods load, so before the import
  run = (await import('../runCliForTest')).runCli;
});

const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
const vol = (path: string) => readNifti(readFileSync(path), path).volume;
const files = (dir: string): string[] =>
  readdirSync(dir).flatMap((n) => (statSync(join(dir, n)).isDirectory() ? files(join(dir, n)).map((f) => `${n}/${f}`) : [n])).sort();

describe('qsm bids', () => {
  const out = join(root, 'out');
  const a1 = join(out, 'sub-01', 'anat');
  const a2 = join(out, 'sub-02', 'ses-1', 'anat');
  const a4 = join(out, 'sub-04', 'anat');
  const methods = ['--method', 'tkd', 'cfl2', 'adaptive-unet-tl', '--dc', '--threads', '1'];

  it('writes BIDS derivatives for the good subjects and reports the broken one with exit 1', async () => {
    const r = await run('bids', bids, out, 'participant', ...methods);
    expect(r.code).toBe(1);
    const stems = ['localfield', 'desc-brain_mask', 'desc-tkd_Chimap', 'desc-cfl2_Chimap', 'desc-adaptiveunettl_Chimap', 'desc-adaptiveunettldc_Chimap'];
    const want = (prefix: string) => stems.flatMap((s) => [`${prefix}_${s}.json`, `${prefix}_${s}.nii.gz`]).sort();
    expect(files(a1)).toEqual(want('sub-01'));
    expect(files(a2)).toEqual(want('sub-02_ses-1'));
    expect(files(a4)).toEqual(want('sub-04'));
    expect(existsSync(join(out, 'sub-03'))).toBe(false);
    expect(r.out).toEqual([
      'sub-01: ok (6 written, 0 already done)',
      'sub-02_ses-1: ok (6 written, 0 already done)',
      expect.stringMatching(/^sub-03: failed \(0 written, 0 already done\): .*truncated file/),
      'sub-04: ok (6 written, 0 already done)',
    ]);
    // every failure is listed at the end, then one error line
    expect(r.err).toMatch(/failed: sub-03: .*sub-03_localfield\.nii: truncated file/);
    expect(r.err).toMatch(/qsm bids: 1 failed \(sub-03\)/);
    // no temporary file is left behind
    expect(files(out).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('records the method, its parameters, the weights and the software in the sidecars', () => {
    const dd = json(join(out, 'dataset_description.json'));
    const version = (json('package.json') as { version: string }).version;
    expect(dd).toMatchObject({ DatasetType: 'derivative', BIDSVersion: expect.any(String), GeneratedBy: [{ Name: 'qsm-workbench', Version: version }] });
    expect(json(join(a1, 'sub-01_desc-tkd_Chimap.json'))).toMatchObject({
      Method: 'tkd', MethodParameters: { Threshold: 0.19 }, Units: 'ppm', MagneticFieldStrength: TEST_B0, SoftwareVersion: version,
      Sources: ['bids:raw:sub-01/anat/sub-01_localfield.nii.gz', 'bids:raw:sub-01/anat/sub-01_mask.nii.gz'],
    });
    expect(json(join(a1, 'sub-01_desc-cfl2_Chimap.json'))).toMatchObject({ Method: 'cfl2', MethodParameters: { Lambda: 0.05 } });
    const sha = createHash('sha256');
    for (const f of ['model.json', 'weights.bin']) sha.update(readFileSync(join(models, 'adaptive-unet-tl', f)));
    const dcSide = json(join(a1, 'sub-01_desc-adaptiveunettldc_Chimap.json'));
    expect(dcSide).toMatchObject({ Method: 'adaptive-unet-tl', ModelId: 'adaptive-unet-tl', ModelSha256: sha.digest('hex'), DataConsistency: { Kind: 'masked', Lambda: MASKED_DC_DEFAULTS.lambda } });
    expect(json(join(a1, 'sub-01_desc-adaptiveunettl_Chimap.json')).DataConsistency).toBeUndefined();
    expect(dcSide.Threads).toBe(1); // recorded (it sets the slabs) but not compared on resume
    expect(json(join(a1, 'sub-01_desc-tkd_Chimap.json')).Threads).toBeUndefined();
    // from phase: the pipeline is recorded in every output, so a run with another one does not take them for done
    const pipeline = { Unwrap: 'romeo', PhaseOffset: 'smooth', BackgroundRemoval: 'tfi' };
    expect(json(join(a4, 'sub-04_localfield.json'))).toMatchObject({ FieldPipeline: pipeline, EchoTime: TEST_ECHO_TIMES, MagneticFieldStrength: TEST_B0, Units: 'ppm', BackgroundRemovalUsed: 'tfi' });
    expect(json(join(a4, 'sub-04_localfield.json')).TfiToPdfRatio).toBeLessThan(2.5);
    expect(json(join(a4, 'sub-04_localfield.json')).Sources).toHaveLength(2 * TEST_ECHO_TIMES.length);
    expect(json(join(a4, 'sub-04_desc-tkd_Chimap.json'))).toMatchObject({ FieldPipeline: pipeline, Method: 'tkd' });
  });

  it('computes the phase subject\'s local field with qsm field\'s pipeline, from its echoes, echo times and field strength', () => {
    const got = vol(join(a4, 'sub-04_localfield.nii.gz'));
    const mask = vol(join(a4, 'sub-04_desc-brain_mask.nii.gz'));
    const head = rawPhaseSubject();
    const want = localFieldFromPhase(
      { phases: head.phases, magnitudes: head.magnitudes, echoTimes: TEST_ECHO_TIMES, b0Tesla: TEST_B0, b0Dir: [0, 0, 1] },
      { unwrap: 'romeo', background: 'tfi' },
    );
    expect(Array.from(mask.data)).toEqual(Array.from(want.localMask));
    let worst = 0, inside = 0;
    for (let i = 0; i < got.data.length; i++) {
      worst = Math.max(worst, Math.abs(got.data[i] - want.localPpm[i]));
      inside += mask.data[i];
    }
    expect(worst).toBeLessThan(1e-6);
    expect(inside).toBeGreaterThan(1000);
  });

  it('writes maps on the input grid: the Hz field in ppm, susceptibility zero outside the mask', () => {
    const hz = vol(join(bids, 'sub-02', 'ses-1', 'anat', 'sub-02_ses-1_localfield.nii.gz'));
    const ppm = vol(join(a2, 'sub-02_ses-1_localfield.nii.gz'));
    expect(ppm.dims).toEqual(hz.dims);
    const k = 42.5775 * TEST_B0;
    expect(ppm.data.every((x, i) => Math.abs(x * k - hz.data[i]) <= 1e-4 * (1 + Math.abs(hz.data[i])))).toBe(true);
    const mask = vol(join(a2, 'sub-02_ses-1_desc-brain_mask.nii.gz'));
    const chi = vol(join(a2, 'sub-02_ses-1_desc-tkd_Chimap.nii.gz'));
    let inside = 0;
    for (let i = 0; i < chi.data.length; i++) {
      if (mask.data[i] === 0) expect(chi.data[i]).toBe(0);
      else inside += Math.abs(chi.data[i]);
    }
    expect(inside).toBeGreaterThan(0);
  });

  it('a second run skips every finished output and redoes only a missing one', async () => {
    const tkd = join(a1, 'sub-01_desc-tkd_Chimap.nii.gz');
    const before = statSync(tkd).mtimeMs;
    const again = await run('bids', bids, out, 'participant', ...methods);
    expect(again.code).toBe(1); // sub-03 is still broken
    expect(again.out).toContain('sub-01: ok (0 written, 6 already done)');
    expect(again.out).toContain('sub-02_ses-1: ok (0 written, 6 already done)');
    expect(again.out).toContain('sub-04: ok (0 written, 6 already done)');
    expect(statSync(tkd).mtimeMs).toBe(before);
    rmSync(join(a2, 'sub-02_ses-1_desc-cfl2_Chimap.json')); // as if killed between image and sidecar
    const third = await run('bids', bids, out, 'participant', '--participant-label', '02', ...methods);
    expect(third.code).toBe(0);
    expect(third.out).toEqual(['sub-02_ses-1: ok (1 written, 5 already done)']);
  });

  it('refuses to take an output made with other parameters for done', async () => {
    const r = await run('bids', bids, out, 'participant', '--participant-label', '01', '--method', 'adaptive-unet-tl', '--dc', '--dc-lambda', '0.03');
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/desc-adaptiveunettldc_Chimap\.nii\.gz exists with other parameters: DataConsistency \{"Kind":"masked","Lambda":0\.0075,"MaxIterations":30,"Tolerance":0\.001\} \(asked: \{"Kind":"masked","Lambda":0\.03,"MaxIterations":30,"Tolerance":0\.001\}\)/);
    const bg = await run('bids', bids, out, 'participant', '--participant-label', '04', '--method', 'tkd', '--bg', 'vsharp');
    expect(bg.code).toBe(1);
    expect(bg.err).toMatch(/sub-04_localfield\.nii\.gz exists with other parameters: FieldPipeline \{"BackgroundRemoval":"tfi","PhaseOffset":"smooth","Unwrap":"romeo"\} \(asked: \{"BackgroundRemoval":"vsharp","PhaseOffset":"smooth","Unwrap":"romeo"\}\)/);
  });

  it('runs only the participants and sessions asked for', async () => {
    const o = join(root, 'only');
    const r = await run('bids', bids, o, 'participant', '--participant_label', 'sub-02', '01', '--method', 'tkd');
    expect(r.code).toBe(0);
    expect(files(o).filter((f) => f.endsWith('_Chimap.nii.gz'))).toEqual(['sub-01/anat/sub-01_desc-tkd_Chimap.nii.gz', 'sub-02/ses-1/anat/sub-02_ses-1_desc-tkd_Chimap.nii.gz']);
    const s = await run('bids', bids, join(root, 'ses'), 'participant', '--participant-label', '01', '02', '--session', '1', '--method', 'tkd');
    expect(s.code).toBe(0);
    expect(s.out).toEqual(['sub-01: skipped: no sessions (asked for ses-1)', 'sub-02_ses-1: ok (3 written, 0 already done)']);
    const missing = await run('bids', bids, join(root, 'missing'), 'participant', '--participant-label', '09', '--method', 'tkd');
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/failed: sub-09: sub-09 is not in /);
  });

  it('records the iterative methods\' parameters, passed to them explicitly', async () => {
    const o = join(root, 'ndi');
    const r = await run('bids', bids, o, 'participant', '--participant-label', '01', '--method', 'ndi');
    expect(r.code).toBe(0);
    expect(r.err).toMatch(/ndi: \d+ iterations \(stopped by/);
    const side = json(join(o, 'sub-01', 'anat', 'sub-01_desc-ndi_Chimap.json'));
    // sub-01's local field is in ppm with no echo time, so the core's phase scale (3 T, 20 ms) is used
    expect(side.MethodParameters).toEqual({ Alpha: NDI_DEFAULTS.alpha, Beta: NDI_DEFAULTS.beta, Step: NDI_DEFAULTS.tau, Iterations: NDI_DEFAULTS.maxIter, Tol: NDI_DEFAULTS.tol, PhaseScale: NDI_DEFAULTS.phaseScale });
  });

  it('says what is wrong with the command line (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [[bids, out, 'group'], /analysis level "group": only participant is supported/],
      [[bids, out], /expected BIDS_DIR OUT_DIR participant before the flags/],
      [[bids, out, 'participant', '--method', 'tkd', '--dc'], /--dc applies to learned methods only/],
      [[bids, out, 'participant', '--method', 'nope'], /unknown method "nope"/],
      [[bids, out, 'participant', '--participant-label'], /--participant-label needs at least one value/],
    ];
    for (const [argv, msg] of cases) {
      const r = await run('bids', ...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(msg);
    }
    const same = await run('bids', bids, bids, 'participant');
    expect(same.code).toBe(1);
    expect(same.err).toMatch(/OUT_DIR must not be BIDS_DIR/);
  });
});
