// workflow/Snakefile run locally (--cores 2) on the tiny dataset: one job per subject, the good subjects'
// derivatives written and marked done, the broken subject's job failed with its reason in its log, and a rerun
// redoing only the failed job. Needs Debian's snakemake (scripts/install-system.sh installs it): skipped with a
// note where it is absent, except in CI (CI=true), where its absence is a failure.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTestDataset } from './makeTestDataset';

const found = spawnSync('snakemake', ['--version'], { encoding: 'utf8' });
const hasSnakemake = found.status === 0;
const inCI = process.env.CI === 'true';
if (!hasSnakemake && !inCI) console.warn('snakemake.test.ts: skipped: snakemake is not installed (apt-get install snakemake; CI installs it)');

const root = mkdtempSync(join(tmpdir(), 'qsm-snakemake-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function snakemake(): { status: number | null; log: string } {
  const r = spawnSync(
    'snakemake',
    ['-s', resolve('workflow/Snakefile'), '--cores', '2', '--keep-going', '--directory', join(root, 'work'),
      '--config', `bids_dir=${join(root, 'bids')}`, `out_dir=${join(root, 'out')}`, 'methods=tkd,cfl2'],
    { encoding: 'utf8', timeout: 240_000 },
  );
  return { status: r.status, log: `${r.stdout}\n${r.stderr}` };
}

describe.skipIf(!hasSnakemake && !inCI)('Snakemake workflow', () => {
  it('runs each subject as a job and reports the broken one', () => {
    expect(hasSnakemake, 'CI=true but snakemake is not installed (scripts/install-system.sh installs it)').toBe(true);
    makeTestDataset(join(root, 'bids'));
    const first = snakemake();
    expect(first.status, first.log).toBe(1);
    const logs = join(root, 'work', 'qsm_logs');
    expect(existsSync(join(logs, 'sub-01.done'))).toBe(true);
    expect(existsSync(join(logs, 'sub-02.done'))).toBe(true);
    expect(existsSync(join(logs, 'sub-03.done'))).toBe(false);
    expect(readFileSync(join(logs, 'sub-03.log'), 'utf8')).toMatch(/failed: sub-03: .*truncated file/);
    for (const f of ['sub-01/anat/sub-01_desc-tkd_Chimap.nii.gz', 'sub-01/anat/sub-01_desc-cfl2_Chimap.json', 'sub-02/ses-1/anat/sub-02_ses-1_desc-cfl2_Chimap.nii.gz', 'dataset_description.json']) {
      expect(existsSync(join(root, 'out', f)), f).toBe(true);
    }
    const second = snakemake();
    expect(second.status).toBe(1);
    expect(second.log.match(/^rule participant:/gm)?.length, second.log).toBe(1); // only sub-03 again
  }, 600_000); // two workflow runs, each 15-30 s on two busy cores
});
