// The iterative baselines in the workbench (issue 12): tv and ndi run on the example beside TKD, each with its
// metrics row, viewer and difference; TV is closer to the truth than TKD; editing an iterative method's setting
// marks only its own result stale. The run times are printed (the browser's time for the README).
import { expect, test, type Page } from '@playwright/test';
import { selectOnly } from './workbench.helpers';

async function metric(page: Page, id: string, key: string): Promise<number> {
  return Number(await page.getByTestId(`metrics-row-${id}`).locator(`td[data-metric="${key}"]`).getAttribute('data-value'));
}

test('tv and ndi run on the example and show their metrics rows', async ({ page }) => {
  test.setTimeout(300_000);
  await page.route('**/models/**', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/?autoload=0');
  await page.getByTestId('example-size').selectOption('32');
  await selectOnly(page, ['tkd', 'tv', 'ndi']);
  await expect(page.getByTestId('method-info-tv')).toContainText('total variation');
  await expect(page.getByTestId('tv-iterations')).toBeVisible();
  await expect(page.getByTestId('ndi-iterations')).toBeVisible();
  await page.getByTestId('example-button').click();
  for (const id of ['tkd', 'tv', 'ndi']) {
    await expect(page.getByTestId(`metrics-row-${id}`)).toBeVisible({ timeout: 240_000 });
    await expect(page.getByTestId(`status-${id}`)).toHaveText('done');
    await expect(page.getByTestId(`panel-chi-${id}`)).toBeVisible();
    await expect(page.getByTestId(`panel-diff-${id}`)).toBeVisible();
  }
  await expect(page.getByTestId('metrics-row-tv')).toContainText('TV (ADMM)');
  await expect(page.getByTestId('metrics-row-ndi')).toContainText('NDI');
  const tkd = await metric(page, 'tkd', 'nrmse'), tv = await metric(page, 'tv', 'nrmse'), ndi = await metric(page, 'ndi', 'nrmse');
  console.log(`example 32: NRMSE tkd ${tkd.toFixed(1)} %, tv ${tv.toFixed(1)} %, ndi ${ndi.toFixed(1)} %; seconds tkd ${await metric(page, 'tkd', 'seconds')}, `
    + `tv ${await metric(page, 'tv', 'seconds')}, ndi ${await metric(page, 'ndi', 'seconds')}`);
  expect(tv).toBeLessThan(tkd);
  expect(Number.isFinite(ndi) && ndi > 0).toBe(true);

  // an iterative method's own setting makes only its result stale
  await page.getByTestId('tv-iterations').fill('7');
  await expect(page.getByTestId('panel-chi-tv').locator('.stale-badge')).toBeVisible();
  await expect(page.getByTestId('panel-chi-ndi').locator('.stale-badge')).toHaveCount(0);
  await expect(page.getByTestId('panel-chi-tkd').locator('.stale-badge')).toHaveCount(0);
});
