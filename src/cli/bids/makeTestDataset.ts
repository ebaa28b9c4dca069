/**
 * A tiny BIDS dataset for the `qsm bids` tests and the Snakemake check, made with the project's own brain
 * phantom and forward model (24^3 voxels of 2 mm, B0 along z):
 *   sub-01/anat/            local field in ppm + mask (no sessions)
 *   sub-02/ses-1/anat/      local field in Hz (Units and MagneticFieldStrength in its sidecar) + desc-brain mask
 *   sub-03/anat/            broken: a truncated local field
 *   sub-04/anat/            (with rawPhase) three echoes of wrapped phase + magnitude with sidecars, no local field
 *                           (core/phase/headPhantom.ts: air, a sinus and a sphere outside the brain, noise)
 *
 *   npx tsx src/cli/bids/makeTestDataset.ts DIR [--raw-phase]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { forwardField } from '../../core/forwardModel';
import { brainPhantom } from '../../core/phantom';
import { headPhantom, type HeadPhantom } from '../../core/phase/headPhantom';
import { withData, type Vec3, type Volume } from '../../core/volume';
import { writeNifti } from '../../io/writeNifti';

export const TEST_DIMS: Vec3 = [24, 24, 24];
export const TEST_B0 = 3;
export const TEST_ECHO_TIMES = [0.004, 0.008, 0.012];
const GAMMA_MHZ_PER_T = 42.5775;

export interface TestDatasetOptions {
  /** also write sub-04 with multi-echo phase and magnitude only */
  rawPhase?: boolean;
}

/** sub-04's simulated multi-echo GRE head (core/phase/headPhantom.ts): wrapped phase, background fields, and the true local field. */
export function rawPhaseSubject(): HeadPhantom {
  return headPhantom({ dims: TEST_DIMS, voxelSize: [2, 2, 2], echoTimes: TEST_ECHO_TIMES, b0Tesla: TEST_B0, seed: 4 });
}

function subject(seed: number): { field: Volume; mask: Volume; magnitude: Volume } {
  const p = brainPhantom({ dims: TEST_DIMS, voxelSize: [2, 2, 2], seed });
  const field = forwardField(p.chi, [0, 0, 1]);
  return { field: withData(field, field.data.map((x, i) => (p.mask.data[i] > 0 ? x : 0))), mask: p.mask, magnitude: p.magnitude };
}

const json = (path: string, value: unknown) => writeFileSync(path, JSON.stringify(value, null, 2) + '\n');
const nii = (path: string, vol: Volume, datatype: 'float32' | 'uint8' = 'float32') => writeFileSync(path, writeNifti(vol, { gzip: true, datatype }));

export function makeTestDataset(dir: string, o: TestDatasetOptions = {}): string[] {
  const subjects = ['01', '02', '03', ...(o.rawPhase ? ['04'] : [])];
  mkdirSync(dir, { recursive: true });
  json(join(dir, 'dataset_description.json'), { Name: 'qsm bids test: brain phantoms', BIDSVersion: '1.9.0', DatasetType: 'raw' });
  writeFileSync(join(dir, 'participants.tsv'), ['participant_id', ...subjects.map((s) => `sub-${s}`)].join('\n') + '\n');

  const a1 = join(dir, 'sub-01', 'anat');
  mkdirSync(a1, { recursive: true });
  const s1 = subject(1);
  nii(join(a1, 'sub-01_localfield.nii.gz'), s1.field);
  json(join(a1, 'sub-01_localfield.json'), { Units: 'ppm', MagneticFieldStrength: TEST_B0 });
  nii(join(a1, 'sub-01_mask.nii.gz'), s1.mask, 'uint8');

  const a2 = join(dir, 'sub-02', 'ses-1', 'anat');
  mkdirSync(a2, { recursive: true });
  const s2 = subject(2);
  const hzPerPpm = GAMMA_MHZ_PER_T * TEST_B0;
  nii(join(a2, 'sub-02_ses-1_localfield.nii.gz'), withData(s2.field, s2.field.data.map((x) => x * hzPerPpm)));
  json(join(a2, 'sub-02_ses-1_localfield.json'), { Units: 'Hz', MagneticFieldStrength: TEST_B0 });
  nii(join(a2, 'sub-02_ses-1_desc-brain_mask.nii.gz'), s2.mask, 'uint8');

  const a3 = join(dir, 'sub-03', 'anat');
  mkdirSync(a3, { recursive: true });
  const whole = writeNifti(subject(3).field, { gzip: false });
  writeFileSync(join(a3, 'sub-03_localfield.nii'), whole.subarray(0, Math.floor(whole.length / 2))); // cut mid-image
  json(join(a3, 'sub-03_localfield.json'), { Units: 'ppm', MagneticFieldStrength: TEST_B0 });

  if (o.rawPhase) {
    const a4 = join(dir, 'sub-04', 'anat');
    mkdirSync(a4, { recursive: true });
    const head = rawPhaseSubject();
    for (const [e, te] of head.echoTimes.entries()) {
      const stem = join(a4, `sub-04_echo-${e + 1}`);
      nii(`${stem}_part-phase_MEGRE.nii.gz`, head.phases[e]);
      nii(`${stem}_part-mag_MEGRE.nii.gz`, head.magnitudes[e]);
      for (const part of ['phase', 'mag']) json(`${stem}_part-${part}_MEGRE.json`, { EchoTime: te, MagneticFieldStrength: TEST_B0 });
    }
  }
  return subjects;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [dir, ...rest] = process.argv.slice(2);
  if (!dir || rest.some((a) => a !== '--raw-phase')) {
    process.stderr.write('usage: npx tsx src/cli/bids/makeTestDataset.ts DIR [--raw-phase]\n');
    process.exitCode = 2;
  } else {
    const subjects = makeTestDataset(dir, { rawPhase: rest.includes('--raw-phase') });
    process.stdout.write(`wrote ${dir}: ${subjects.map((s) => `sub-${s}`).join(', ')}\n`);
  }
}
