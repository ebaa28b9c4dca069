// From dropped scanner phase and magnitude (four echoes, BIDS names and sidecars) to a susceptibility map: the
// pipeline panel finds the echoes and their echo times, computes the local field with every intermediate viewable and
// downloadable, and the local field feeds the inversions, whose TKD equals core's pipeline + TKD run in Node.
import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { insideMask, nrmse } from '../src/core/metrics';
import { headPhantom } from '../src/core/phase/headPhantom';
import { localFieldFromPhase } from '../src/core/phase/localFieldPipeline';
import { tkd } from '../src/core/tkd';
import { withData, type Vec3 } from '../src/core/volume';
import { readNifti } from '../src/io/readNifti';
import { dropFiles, json, nii, selectOnly } from './workbench.helpers';

const dims: Vec3 = [40, 40, 40], vs: Vec3 = [4, 4, 4];

test('scanner phase and magnitude -> local field -> TKD, with every intermediate', async ({ page }) => {
  test.setTimeout(300_000);
  const h = headPhantom({ dims, voxelSize: vs });
  const files = h.phases.flatMap((p, e) => [
    nii(`sub-01_echo-${e + 1}_part-phase_MEGRE.nii.gz`, p),
    nii(`sub-01_echo-${e + 1}_part-mag_MEGRE.nii.gz`, h.magnitudes[e]),
    json(`sub-01_echo-${e + 1}_part-phase_MEGRE.json`, { EchoTime: h.echoTimes[e], MagneticFieldStrength: h.b0Tesla }),
  ]);
  files.push(nii('sub-01_Chimap.nii.gz', h.brain.chi));
  await page.goto('/?autoload=0');
  await selectOnly(page, ['tkd']);
  await dropFiles(page, 'dropzone', files);

  const panel = page.getByTestId('pipeline-panel');
  await expect(panel).toBeVisible({ timeout: 60_000 });
  for (let e = 1; e <= 4; e++) await expect(page.getByTestId(`echo-row-${e}`)).toContainText(`${(h.echoTimes[e - 1] * 1000).toFixed(2)} (sidecar)`);
  await expect(page.getByTestId('pipeline-b0')).toHaveText('3 T');
  await expect(page.getByTestId('pipeline-scaling')).toContainText('radians');
  await expect(page.getByTestId('pipeline-problems')).toHaveCount(0);

  // Cancel reaches the worker while TFI iterates (it yields between iterations): the run stops, nothing is kept
  await page.getByTestId('pipeline-run').click();
  await expect(page.getByTestId('pipeline-panel')).toContainText('TFI conjugate gradients', { timeout: 120_000 });
  await page.getByTestId('pipeline-cancel').click();
  await expect(page.getByTestId('progress-pipeline')).toHaveCount(0, { timeout: 10_000 });
  await expect(page.getByTestId('pipeline-outputs')).toHaveCount(0);
  await expect(page.getByTestId('pipeline-run')).toBeEnabled();

  await page.getByTestId('pipeline-run').click();
  await expect(page.getByTestId('pipeline-outputs')).toBeVisible({ timeout: 240_000 });
  // TFI (the default background removal) also shows and offers its own chi, in and around the brain
  await expect(page.getByTestId('pipeline-bg')).toHaveValue('tfi');
  await expect(page.getByTestId('pipeline-tfi-note')).toContainText(/TFI's local field is [0-9.]+× PDF's/);
  for (const id of ['pipeline-unwrapped', 'pipeline-total', 'pipeline-mask', 'pipeline-tfi-chi']) await expect(page.getByTestId(`panel-${id}`)).toBeVisible();
  await expect(page.getByTestId('panel-input')).toContainText('sub-01_desc-local_fieldmap.nii.gz');
  await expect(page.getByTestId('pipeline-offset')).toHaveValue('smooth');
  await expect(page.getByTestId('pipeline-offset-note')).toContainText(/departs from the per-voxel intercepts by [0-9.]+x their noise/);

  // the intermediates download with names that say what they are, on the phase's grid
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pipeline-download-totalPpm').click()]);
  expect(dl.suggestedFilename()).toBe('sub-01_desc-total_fieldmap.nii.gz');
  const total = readNifti(new Uint8Array(await readFile((await dl.path())!)), 'total.nii.gz');
  expect(total.volume.dims).toEqual(dims);
  const [dm] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pipeline-download-brainMask').click()]);
  expect(readNifti(new Uint8Array(await readFile((await dm.path())!)), 'mask.nii.gz').facts.datatype).toBe('uint8');
  const [dc] = await Promise.all([page.waitForEvent('download'), page.getByTestId('pipeline-download-tfiChi').click()]);
  expect(dc.suggestedFilename()).toBe('sub-01_desc-TFI_Chimap.nii.gz');

  // the local field feeds the inversion; TKD on it is close to TKD on the true local field
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('metrics-row-tkd')).toBeVisible({ timeout: 120_000 });
  const shown = Number(await page.getByTestId('metrics-row-tkd').locator('td[data-metric="nrmse"]').getAttribute('data-value'));
  // the same pipeline in Node (core, the CLI's defaults) gives the same map: the browser path adds nothing of its own
  const node = localFieldFromPhase({ phases: h.phases, magnitudes: h.magnitudes, echoTimes: h.echoTimes, b0Tesla: h.b0Tesla, b0Dir: h.b0Dir }, { unwrap: 'romeo' });
  const localMask = withData(h.brain.mask, Float32Array.from(node.localMask));
  const expected = nrmse(tkd(withData(h.localField, node.localPpm), h.b0Dir, 0.19, localMask).data, h.brain.chi.data, insideMask(localMask.data.length, localMask));
  expect(Math.abs(shown - expected)).toBeLessThan(0.5);
  // how close the recovered field is to the truth is core's test (src/core/phase/headPhantom.test.ts); here, on this
  // coarse 4 mm head, TKD on it measured 82 % against 48 % on the true local field in the same mask with PDF (session 11;
  // TFI is now the default): related, not equal
  const ideal = nrmse(tkd(h.localField, h.b0Dir, 0.19, localMask).data, h.brain.chi.data, insideMask(localMask.data.length, localMask));
  expect(shown).toBeLessThan(Math.max(100, ideal + 40));

  // changing a step's choice marks the pipeline's outputs stale
  await page.getByTestId('pipeline-bg').selectOption('pdf');
  await expect(page.getByTestId('pipeline-stale')).toBeVisible();
});
