import { expect, test, type Page } from '@playwright/test';
import { recordRequests, selectOnly } from './workbench.helpers';

// The README screenshot is written only when asked (SCREENSHOTS=1); a normal run writes it under test-results/.
const shots = process.env.SCREENSHOTS === '1';

async function metric(page: Page, method: string, key: string): Promise<number> {
  const cell = page.getByTestId(`metrics-row-${method}`).locator(`td[data-metric="${key}"]`);
  return Number(await cell.getAttribute('data-value'));
}

test('the brain example: built in the page from the bundled anatomy, reconstructed by TKD, with viewers and metrics', async ({ page, baseURL }) => {
  test.setTimeout(300_000);
  const requests = recordRequests(page);
  await page.goto('/?autoload=0');
  // the panel offers the brain first: an axial slab at 1.5 mm, as the first visit loads it
  await expect(page.getByTestId('example-size')).toHaveValue('anatomy');
  await expect(page.getByTestId('example-preset')).toHaveValue('axial');
  await expect(page.getByTestId('example-preset').locator('option:checked')).toHaveText('Axial slab, 1.5 mm, 48 slices');
  await selectOnly(page, ['tkd']);
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId('metrics-row-tkd')).toBeVisible({ timeout: 240_000 });
  await expect(page.getByTestId('status-tkd')).toHaveText('done');

  await expect(page.getByText('90×120×48 · 1.5×1.5×1.5 mm').first()).toBeVisible();
  // every viewer of the dataset: input field, magnitude, reference, TKD and its difference
  for (const id of ['panel-input', 'panel-magnitude', 'panel-chi-tkd', 'panel-diff-tkd']) await expect(page.getByTestId(id)).toBeVisible();
  await expect(page.locator('[data-testid^="panel-ref-"]')).toHaveCount(1);

  // TKD against the ground truth of a brain with veins and noise: clearly related, clearly imperfect
  // (measured in Node on the same example: NRMSE 50 %, slope 0.78, R^2 0.75)
  const nrmse = await metric(page, 'tkd', 'nrmse');
  expect(nrmse).toBeGreaterThan(30);
  expect(nrmse).toBeLessThan(75);
  expect(await metric(page, 'tkd', 'slope')).toBeGreaterThan(0.6);
  expect(await metric(page, 'tkd', 'slope')).toBeLessThan(1.0);
  expect(await metric(page, 'tkd', 'r2')).toBeGreaterThan(0.5);

  // the anatomy came from the app's own origin, once
  expect(requests.urls.filter((u) => u.includes('/example/fs_anatomy_labels.nii.gz'))).toHaveLength(1);
  requests.assertSameOrigin(new URL(baseURL!).origin);

  // the README's screenshot with SCREENSHOTS=1
  await page.waitForTimeout(1500);
  await page.screenshot({ path: shots ? 'docs/workbench-brain-example.png' : test.info().outputPath('brain-example.png') });
});

test('without the anatomy file the brain example fails with one clear message, and the ellipsoids still load', async ({ page }) => {
  await page.route('**/example/fs_anatomy_labels.nii.gz', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/?autoload=0');
  await selectOnly(page, ['tkd']);
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId('error')).toContainText(/anatomy .*missing from this build \(HTTP 404\)/, { timeout: 60_000 });
  await expect(page.getByTestId('example-button')).toBeEnabled();
  await page.getByTestId('example-size').selectOption('32');
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId('metrics-row-tkd')).toBeVisible({ timeout: 60_000 });
});
