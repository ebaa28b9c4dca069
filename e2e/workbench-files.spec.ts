import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { forwardField } from '../src/core/forwardModel';
import { exampleGeometry } from '../src/core/phantomGeometry';
import { brainPhantom } from '../src/core/phantom';
import { makeVolume } from '../src/core/volume';
import { readNifti } from '../src/io/readNifti';
import { dropFiles, json, nii, recordRequests, selectOnly, smallDataset } from './workbench.helpers';

const shots = process.env.SCREENSHOTS === '1';

test('own files: dropped and picked, roles guessed, grids checked, TKD runs, download re-loads with the input geometry, a broken file leaves everything intact', async ({ page, baseURL }) => {
  const requests = recordRequests(page);
  const d = smallDataset(32, 15);
  await page.goto('/?autoload=0');

  // field, mask and sidecar through a real drop event
  await dropFiles(page, 'dropzone', [
    nii('sub-01_localfield.nii.gz', d.field),
    nii('sub-01_mask.nii.gz', d.mask),
    json('sub-01_localfield.json', { MagneticFieldStrength: 3, EchoTime: 0.02, Units: 'ppm' }),
  ]);
  await expect(page.getByTestId('role-sub-01_localfield.nii.gz')).toHaveValue('field');
  await expect(page.getByTestId('role-sub-01_mask.nii.gz')).toHaveValue('mask');
  await expect(page.getByTestId('role-sub-01_localfield.json')).toContainText('sidecar');
  // the acquisition panel shows what the header and sidecar said
  await expect(page.getByTestId('field-strength')).toHaveValue('3');
  await expect(page.getByTestId('echo-time')).toHaveValue('20');
  await expect(page.getByTestId('voxel-z')).toHaveValue('1.5');
  await expect(page.getByTestId('tilt')).toHaveText('15.0°');

  // the reference through the file picker
  await page.getByTestId('file-input').setInputFiles([nii('sub-01_Chimap.nii.gz', d.chi)]);
  await expect(page.getByTestId('role-sub-01_Chimap.nii.gz')).toHaveValue('reference');
  await expect(page.getByTestId('grid-check')).toContainText("on the field map's grid");

  // a mask of another size is named in the grid check
  await page.getByTestId('file-input').setInputFiles([nii('other_mask.nii.gz', makeVolume([30, 32, 32], [1.5, 1.5, 1.5]))]);
  await expect(page.getByTestId('grid-check')).toContainText('other_mask.nii.gz is 30x32x32 but sub-01_localfield.nii.gz is 32x32x32');
  await page.getByTestId('role-other_mask.nii.gz').selectOption('ignore');
  await page.getByTestId('role-sub-01_mask.nii.gz').selectOption('mask');

  await selectOnly(page, ['tkd']);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('metrics-row-tkd')).toBeVisible({ timeout: 60_000 });
  const nrmse = Number(await page.getByTestId('metrics-row-tkd').locator('td[data-metric="nrmse"]').getAttribute('data-value'));
  expect(nrmse).toBeLessThan(80);
  if (shots) {
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.locator('.sidebar').evaluate((e) => e.scrollTo(0, 0));
    await page.screenshot({ path: 'docs/workbench-own-data.png' });
  }

  // the downloaded map has the input's dims and affine and the reconstruction in it
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-tkd').click()]);
  expect(download.suggestedFilename()).toBe('sub-01_localfield_desc-tkd_Chimap.nii.gz');
  const back = readNifti(new Uint8Array(await readFile((await download.path())!)), download.suggestedFilename());
  expect(back.volume.dims).toEqual(d.field.dims);
  back.volume.affine.forEach((v, i) => expect(v).toBeCloseTo(d.field.affine[i], 5));
  let inside = 0;
  let sumsq = 0;
  d.mask.data.forEach((m, i) => {
    if (m > 0) {
      inside++;
      sumsq += back.volume.data[i] ** 2;
    }
  });
  expect(Math.sqrt(sumsq / inside)).toBeGreaterThan(0.01);

  const [diffDownload] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-diff-tkd').click()]);
  const diff = readNifti(new Uint8Array(await readFile((await diffDownload.path())!)), diffDownload.suggestedFilename());
  expect(diff.volume.dims).toEqual(d.field.dims);
  expect(diff.volume.data[1000]).toBeCloseTo(d.mask.data[1000] > 0 ? back.volume.data[1000] - d.chi.data[1000] : 0, 5);

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-metrics').click()]);
  const text = await readFile((await csv.path())!, 'utf8');
  expect(text.split('\n')[0]).toContain('nrmse_percent');
  expect(text).toContain('sub-01_localfield.nii.gz,sub-01_Chimap.nii.gz,tkd,');

  // a broken file: a clear message naming it, and nothing loaded or computed is lost
  await dropFiles(page, 'dropzone', [{ name: 'broken_field.nii.gz', mimeType: 'application/gzip', buffer: Buffer.from('this is not a nifti file at all') }]);
  await expect(page.getByTestId('error')).toContainText('broken_field.nii.gz');
  await expect(page.getByTestId('role-sub-01_localfield.nii.gz')).toHaveValue('field');
  await expect(page.getByTestId('metrics-row-tkd')).toBeVisible();
  await expect(page.getByTestId('panel-chi-tkd')).toBeVisible();

  requests.assertSameOrigin(new URL(baseURL!).origin);
});

test('COSMOS reference from three dropped field maps, each with its own B0 direction in the header', async ({ page }) => {
  const edge = 32;
  const base = exampleGeometry(edge, [1.5, 1.5, 1.5], 0);
  const p = brainPhantom({ dims: base.dims, voxelSize: base.voxelSize, affine: base.affine, seed: 5 });
  // the same head grid seen at three tilts: each header's affine gives its own B0 direction
  const files = [0, 20, -20].map((tilt, o) => {
    const g = exampleGeometry(edge, [1.5, 1.5, 1.5], tilt);
    const field = forwardField({ ...p.chi, affine: g.affine }, g.b0Dir);
    return nii(`sub-01_acq-orient${o + 1}_localfield.nii.gz`, field);
  });
  await page.goto('/?autoload=0');
  await dropFiles(page, 'dropzone', [...files, nii('sub-01_mask.nii.gz', p.mask)]);
  await expect(page.getByTestId('role-sub-01_acq-orient2_localfield.nii.gz')).toHaveValue('cosmos-field');
  await page.getByTestId('cosmos-button').click();
  await expect(page.getByTestId('reference-select').or(page.getByText('Reference: cosmos_3orient_Chimap.nii.gz'))).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('role-cosmos_3orient_Chimap.nii.gz')).toHaveValue('reference');

  // TKD against this COSMOS: a well-conditioned 3-orientation COSMOS of noise-free data is close to the truth,
  // so TKD's agreement with it must be in the range TKD has against ground truth
  await selectOnly(page, ['tkd']);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('metrics-row-tkd')).toBeVisible({ timeout: 60_000 });
  const r2 = Number(await page.getByTestId('metrics-row-tkd').locator('td[data-metric="r2"]').getAttribute('data-value'));
  expect(r2).toBeGreaterThan(0.3);
});
