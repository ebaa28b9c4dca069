/** The backend choice in the Methods panel: forcing one, going back to automatic, and what the header shows. */
import { expect, test } from '@playwright/test';
import { selectOnly, serveFixtureModel } from './workbench.helpers';

test('choosing automatic after forcing a backend goes back to the automatic choice, and the header shows the backend that ran', async ({ page }) => {
  test.setTimeout(240_000);
  await serveFixtureModel(page, 'adaptive-unet-tl');
  await page.goto('/?autoload=0');
  const header = page.getByTestId('backend');
  await expect(header).toHaveText(/^(webgpu|webgl|wasm)$/, { timeout: 60_000 });
  const automatic = (await header.textContent())!;
  if (automatic === 'wasm') {
    // SwiftShader here: automatic passes over its WebGPU and WebGL for WASM, and the Methods panel says why
    await expect(page.getByText(/WebGPU adapter is a software renderer \(SwiftShader\)/)).toBeVisible();
  }
  // force one that automatic did not pick: WebGPU still runs when asked for, software adapter or not
  const forced = automatic === 'webgpu' ? 'wasm' : 'webgpu';

  await page.getByTestId('backend-select').selectOption(forced);
  await expect(header).toHaveText(forced, { timeout: 60_000 });
  await page.getByTestId('backend-select').selectOption('');
  // before the fix the worker kept the forced backend and the header said so
  await expect(header).toHaveText(automatic, { timeout: 60_000 });

  // a run after the switch back: the tiny fixture on a 32^3 example
  await page.getByTestId('example-size').selectOption('32');
  await selectOnly(page, ['adaptive-unet-tl']);
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId('status-adaptive-unet-tl')).toHaveText('done', { timeout: 200_000 });
  const ran = await page.getByTestId('metrics-row-adaptive-unet-tl').locator('td').last().textContent();
  // the automatic order ran it (a fallback inside it may move on from its first backend, but never back to the forced one first)
  expect(ran).not.toBe(forced);
  await expect(header).toHaveText(ran!);
});
