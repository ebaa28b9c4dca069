// Data consistency in the workbench: each network's output is shown raw and corrected by the field, as two results in
// every view (viewers, differences, metrics, scatter plots, exports); the lambda used is shown and recorded, and
// editing it marks only the corrected result stale.
import { expect, test, type Page } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { MASKED_DC_DEFAULTS } from '../src/core/dataConsistencyMasked';
import { readNifti } from '../src/io/readNifti';
import { selectOnly } from './workbench.helpers';

const NET = 'adaptive-unet-tl';
const DC = `${NET}-dc`;

async function metric(page: Page, id: string, key: string): Promise<number> {
  return Number(await page.getByTestId(`metrics-row-${id}`).locator(`td[data-metric="${key}"]`).getAttribute('data-value'));
}

test('a network with and without data consistency, side by side in every view', async ({ page }) => {
  test.setTimeout(420_000);
  await page.goto('/?autoload=0');
  const res = await page.request.get(`/models/${NET}/model.json`);
  test.skip(!res.ok(), `${NET} is not in this build`);
  await page.getByTestId('example-size').selectOption('32');
  await selectOnly(page, [NET]);
  // WASM: SwiftShader's WebGPU is ~30x slower on this GPU-less machine (workbench-example.spec.ts)
  await page.getByTestId('backend-select').selectOption('wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await expect(page.getByTestId('dc-enabled')).toBeChecked();
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId(`metrics-row-${DC}`)).toBeVisible({ timeout: 400_000 });
  await expect(page.getByTestId(`status-${NET}`)).toHaveText('done');

  // both results in every view
  for (const id of [NET, DC]) {
    await expect(page.getByTestId(`metrics-row-${id}`)).toBeVisible();
    await expect(page.getByTestId(`panel-chi-${id}`)).toBeVisible();
    await expect(page.getByTestId(`panel-diff-${id}`)).toBeVisible();
    await expect(page.getByTestId(`scatter-${id}`)).toBeVisible();
    await expect(page.getByTestId(`download-diff-${id}`)).toBeEnabled();
  }
  await expect(page.getByTestId(`metrics-row-${DC}`)).toContainText('Adaptive U-Net (TL) + DC');
  // the default: the masked form at its default lambda
  const LAMBDA = MASKED_DC_DEFAULTS.lambda;
  await expect(page.getByTestId('dc-form')).toHaveValue('masked');
  await expect(page.getByTestId(`dc-lambda-used-${DC}`)).toHaveAttribute('data-value', String(LAMBDA));
  await expect(page.getByTestId(`dc-lambda-used-${DC}`)).toContainText(new RegExp(`λ = ${LAMBDA} \\(fixed; masked, \\d+ CG iterations\\)`));
  // the field corrects the network where it speaks: the corrected map is closer to the truth
  expect(await metric(page, DC, 'nrmse')).toBeLessThan(await metric(page, NET, 'nrmse'));

  // the export records what was done, as the CLI's --dc does
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId(`download-${DC}`).click()]);
  expect(download.suggestedFilename()).toBe(`phantom_field_desc-${DC}_Chimap.nii.gz`);
  const read = readNifti(new Uint8Array(await readFile((await download.path())!)), 'dc.nii.gz');
  expect(read.facts.description).toContain(`by adaptive-unet-tl-dc dc masked lambda=${LAMBDA} from phantom_field`);

  // editing lambda makes the corrected result stale, not the network's own
  await page.getByTestId('dc-lambda').fill(String(2 * LAMBDA));
  await expect(page.getByTestId(`panel-chi-${DC}`).locator('.stale-badge')).toBeVisible();
  await expect(page.getByTestId(`panel-chi-${NET}`).locator('.stale-badge')).toHaveCount(0);

  // lambda chosen per field on the data-consistency L-curve, which is the closed form's
  await page.getByTestId('dc-lambda-mode').selectOption('corner');
  await expect(page.getByTestId('dc-form')).toHaveValue('closed');
  await expect(page.getByTestId('dc-form')).toBeDisabled();
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId(`dc-lambda-used-${DC}`)).toContainText('L-curve corner; closed form', { timeout: 400_000 });
  await expect(page.getByTestId(`panel-chi-${DC}`).locator('.stale-badge')).toHaveCount(0);

  // turning data consistency off leaves the corrected result visibly stale
  await page.getByTestId('dc-enabled').uncheck();
  await expect(page.getByTestId(`panel-chi-${DC}`).locator('.stale-badge')).toBeVisible();
});
