/**
 * Issue 15, a newcomer's rough edges: role guessing of a reference-named and an unknown file, the viewer layout
 * (wrapping at a minimum width, enlarging one viewer), the diagnostics copy, and every finished method in every
 * view. Tiny volumes throughout.
 */
import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { dropFiles, nii, selectOnly, serveFixtureModel, smallDataset } from './workbench.helpers';

const MIN_VIEWER_PX = 260;

test('role guessing: a reference by its name, and an unknown name asks for a role instead of becoming the field', async ({ page }) => {
  const d = smallDataset(16, 10);
  await page.goto('/?autoload=0');

  // an unknown name alone: no field is guessed, so nothing can run, and the panel asks for a role
  await dropFiles(page, 'dropzone', [nii('scan_0042.nii.gz', d.field)]);
  await expect(page.getByTestId('role-scan_0042.nii.gz')).toHaveValue('unassigned');
  await expect(page.getByTestId('choose-role-scan_0042.nii.gz')).toBeVisible();
  await expect(page.getByTestId('choose-role-notice')).toContainText('1 file needs a role');
  await expect(page.getByText('No data yet')).toBeVisible();
  await expect(page.getByTestId('run-button')).toBeDisabled();
  await page.getByTestId('role-scan_0042.nii.gz').selectOption('ignore');
  await expect(page.getByTestId('choose-role-notice')).toHaveCount(0);
  await expect(page.getByTestId('choose-role-scan_0042.nii.gz')).toHaveCount(0);

  // the case: field, mask and a reference named "reference" (it was guessed "Field map for COSMOS")
  await dropFiles(page, 'dropzone', [
    nii('subj_field.nii.gz', d.field),
    nii('subj_mask.nii.gz', d.mask),
    nii('subj_reference.nii.gz', d.chi),
    nii('subj_gt.nii.gz', d.chi),
    nii('volume2.nii.gz', d.magnitude),
  ]);
  await expect(page.getByTestId('role-subj_field.nii.gz')).toHaveValue('field');
  await expect(page.getByTestId('role-subj_mask.nii.gz')).toHaveValue('mask');
  await expect(page.getByTestId('role-subj_reference.nii.gz')).toHaveValue('reference');
  await expect(page.getByTestId('role-subj_gt.nii.gz')).toHaveValue('reference');
  await expect(page.getByTestId('role-volume2.nii.gz')).toHaveValue('unassigned');
  await expect(page.getByTestId('choose-role-notice')).toBeVisible();
  // no COSMOS offer: only one field map is loaded
  await expect(page.getByTestId('cosmos-button')).toHaveCount(0);
  // the unassigned file is in no viewer until the user gives it a role
  await expect(page.getByTestId('panel-magnitude')).toHaveCount(0);
  await page.getByTestId('role-volume2.nii.gz').selectOption('magnitude');
  await expect(page.getByTestId('panel-magnitude')).toBeVisible();
  await expect(page.getByTestId('choose-role-notice')).toHaveCount(0);
});

/** Widths of the visible viewer panels, by test id. */
async function panelWidths(page: Page): Promise<Record<string, number>> {
  return page.locator('[data-testid^="panel-"]').evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.getAttribute('data-testid')!, e.getBoundingClientRect().width])),
  );
}

test('viewer layout: seven viewers wrap at a readable width, and one enlarges on click and back', async ({ page }) => {
  const d = smallDataset(16, 10);
  await page.goto('/?autoload=0');
  await dropFiles(page, 'dropzone', [
    nii('sub-01_localfield.nii.gz', d.field),
    nii('sub-01_mask.nii.gz', d.mask),
    nii('sub-01_magnitude.nii.gz', d.magnitude),
    nii('sub-01_Chimap.nii.gz', d.chi),
  ]);
  await selectOnly(page, ['tkd', 'cfl2']);
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('panel-diff-cfl2')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('panel-diff-tkd')).toBeVisible();
  // input, magnitude, reference, TKD, L2 + two differences
  await expect(page.locator('[data-testid^="panel-"]')).toHaveCount(7);

  for (const width of [1280, 1400]) {
    await page.setViewportSize({ width, height: 800 });
    await expect.poll(async () => Math.min(...Object.values(await panelWidths(page))), { message: `narrowest viewer at ${width} px` }).toBeGreaterThanOrEqual(MIN_VIEWER_PX);
    const rows = page.locator('.viewer-row');
    const columns = Number(await rows.first().getAttribute('data-columns'));
    expect(columns).toBeLessThan(5);
    // both blocks on the same columns: each difference sits in its method's column
    expect(await rows.nth(1).getAttribute('data-columns')).toBe(String(columns));
    const x = async (id: string) => (await page.getByTestId(id).boundingBox())!.x;
    expect(Math.abs((await x('panel-diff-tkd')) - (await x('panel-chi-tkd')))).toBeLessThan(2);
    expect(Math.abs((await x('panel-diff-cfl2')) - (await x('panel-chi-cfl2')))).toBeLessThan(2);
  }

  // enlarge TKD: it spans the grid, its canvas is the same one (no reload); a second click puts it back
  const canvas = page.getByTestId('panel-chi-tkd').locator('canvas');
  await canvas.evaluate((c) => ((c as HTMLCanvasElement & { marked?: boolean }).marked = true));
  const before = (await panelWidths(page))['panel-chi-tkd'];
  const gridWidth = (await page.locator('.viewer-row').first().boundingBox())!.width;
  await page.getByTestId('enlarge-chi-tkd').click();
  await expect(page.getByTestId('panel-chi-tkd')).toHaveAttribute('data-enlarged', 'true');
  await expect(page.getByTestId('enlarge-chi-tkd')).toHaveAttribute('aria-pressed', 'true');
  await expect.poll(async () => (await panelWidths(page))['panel-chi-tkd']).toBeGreaterThan(gridWidth - 4);
  expect(await canvas.evaluate((c) => (c as HTMLCanvasElement & { marked?: boolean }).marked)).toBe(true);
  await expect.poll(async () => (await canvas.boundingBox())!.height, { message: 'the enlarged canvas is taller' }).toBeGreaterThan(before * 1.3);
  // only one at a time: enlarging another puts TKD back
  await page.getByTestId('enlarge-chi-cfl2').click();
  await expect(page.getByTestId('panel-chi-cfl2')).toHaveAttribute('data-enlarged', 'true');
  await expect(page.getByTestId('panel-chi-tkd')).not.toHaveAttribute('data-enlarged', 'true');
  await page.getByTestId('enlarge-chi-cfl2').click();
  await expect(page.getByTestId('panel-chi-cfl2')).not.toHaveAttribute('data-enlarged', 'true');
  await expect.poll(async () => Math.abs((await panelWidths(page))['panel-chi-cfl2'] - before)).toBeLessThan(2);
});

test('diagnostics: copied to the clipboard with versions, backend, adapter limits and renderer; shown to copy by hand when the clipboard is blocked', async ({ page, context, baseURL }) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: baseURL });
  await page.goto('/?autoload=0');
  const backend = page.getByTestId('backend');
  await expect(backend).toHaveText(/^(webgpu|webgl|wasm)$/, { timeout: 60_000 });
  await page.getByTestId('copy-diagnostics').click();
  await expect(page.getByTestId('copy-diagnostics')).toHaveText(/Copied/);
  await expect(page.getByTestId('diagnostics-status')).toHaveText(/copied/);
  const text = await page.evaluate(() => navigator.clipboard.readText());
  const version = JSON.parse(readFileSync('package.json', 'utf8')).version;
  expect(text).toContain(`QSM Workbench ${version}, tfjs 4.`);
  expect(text).toContain(`backend: ${await backend.textContent()}`);
  // this Chromium runs WebGPU on SwiftShader (playwright.config.ts) and WebGL on ANGLE/SwiftShader
  expect(text).toMatch(/WebGPU adapter: .*swiftshader/i);
  expect(text).toMatch(/maxBufferSize: \d+/);
  expect(text).toMatch(/maxStorageBufferBindingSize: \d+/);
  expect(text).toMatch(/WebGL: WebGL .*renderer .*SwiftShader/i);
  expect(text).toContain('crossOriginIsolated: true');
  expect(text).toMatch(/hardwareConcurrency: \d+/);
  expect(text).toContain(`userAgent: ${await page.evaluate(() => navigator.userAgent)}`);
  // the confirmation goes away again
  await expect(page.getByTestId('copy-diagnostics')).toHaveText('Copy diagnostics', { timeout: 10_000 });

  // a blocked clipboard: the text is shown, selected, to copy by hand
  await page.evaluate(() => {
    navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
  });
  await page.getByTestId('copy-diagnostics').click();
  const box = page.getByTestId('diagnostics-text');
  await expect(box).toBeVisible();
  await expect(page.getByRole('dialog', { name: 'Diagnostics' })).toContainText('Write permission denied');
  expect(await box.inputValue()).toContain(`QSM Workbench ${version}`);
  expect(await box.evaluate((t: HTMLTextAreaElement) => t.selectionEnd - t.selectionStart)).toBe((await box.inputValue()).length);
});

test('every finished method appears in every view: viewer, difference map, metrics row, scatter plot, difference download; no viewer loses its WebGL context', async ({ page }) => {
  // the three networks are the tiny random fixture (plumbing only), so the five run quickly on a 32^3 example
  test.setTimeout(300_000);
  const ids = ['adaptive-unet', 'adaptive-unet-tl', 'unet-tl', 'tkd', 'cfl2'];
  for (const id of ids.slice(0, 3)) await serveFixtureModel(page, id);
  const contextWarnings: string[] = [];
  page.on('console', (m) => /too many active webgl contexts/i.test(m.text()) && contextWarnings.push(m.text()));
  await page.goto('/?autoload=0');
  await page.getByTestId('example-size').selectOption('32');
  await selectOnly(page, ids);
  await page.getByTestId('example-button').click();
  for (const id of ids) await expect(page.getByTestId(`status-${id}`)).toHaveText('done', { timeout: 240_000 });
  for (const id of ids) {
    await expect(page.getByTestId(`panel-chi-${id}`), id).toBeVisible();
    await expect(page.getByTestId(`metrics-row-${id}`), id).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId(`panel-diff-${id}`), id).toBeVisible();
    await expect(page.getByTestId(`scatter-${id}`), id).toBeVisible();
    await expect(page.getByTestId(`download-diff-${id}`), id).toBeEnabled();
  }
  // and whatever else finished (variants a method adds) is in every view too: as many rows as maps, differences, scatters
  const maps = await page.locator('[data-testid^="panel-chi-"]').count();
  expect(maps).toBeGreaterThanOrEqual(ids.length);
  await expect(page.getByTestId('metrics-table').locator('tbody tr')).toHaveCount(maps);
  await expect(page.locator('[data-testid^="panel-diff-"]')).toHaveCount(maps);
  await expect(page.locator('canvas[data-testid^="scatter-"]')).toHaveCount(maps);
  await expect(page.locator('button[data-testid^="download-diff-"]:disabled')).toHaveCount(0);

  // more viewers than browsers keep WebGL contexts for (16 in Chromium; 3 inputs + 2 per method here): none is lost,
  // those off screen wait without a context and start, at the shared crosshair, when scrolled to
  const panels = page.locator('[data-testid^="panel-"]');
  expect(await panels.count()).toBeGreaterThan(12);
  const contexts = () => page.locator('.viewer-panel canvas').evaluateAll((cs) => cs.map((c) => (c as HTMLCanvasElement).getContext('webgl2')?.isContextLost() ?? 'none'));
  expect((await contexts()).length).toBeLessThanOrEqual(12);
  expect(await contexts()).not.toContain(true);
  const last = page.locator('[data-testid^="panel-diff-"]').last();
  await expect(last).toHaveAttribute('data-live', 'false');
  await page.getByTestId('panel-input').locator('canvas').click();
  await expect(page.getByTestId('readout')).toContainText('voxel (');
  await last.scrollIntoViewIfNeeded();
  await expect(last).toHaveAttribute('data-live', 'true');
  await expect(last.locator('canvas')).toBeVisible();
  await expect(page.getByTestId('panel-input')).toHaveAttribute('data-live', 'false');
  await page.evaluate(() => window.scrollTo(0, 0));
  await expect(page.getByTestId('panel-input')).toHaveAttribute('data-live', 'true');
  expect(await contexts()).not.toContain(true);
  expect(contextWarnings).toEqual([]);
});

// Issue 15 item 2, reproduced: own files dropped while the first visit's example run is still going. The run
// kept writing the example's results (48^3) into the new dataset; each showed as a map whose comparison failed
// ("metrics: grids differ (48x48x48 vs 16x16x16)"), so it had no metrics row, scatter, difference or difference
// download. The run on the replaced data must leave nothing behind, and a run on the new data shows every method.
test('own data dropped while the first visit still runs the example: no leftover map, then every method in every view', async ({ page }) => {
  test.setTimeout(300_000);
  // hold the networks' weights until the own files are in, so the example's run is surely still going then
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const ids = ['adaptive-unet', 'adaptive-unet-tl', 'unet-tl', 'tkd', 'cfl2'];
  for (const id of ids.slice(0, 3)) {
    await serveFixtureModel(page, id);
    // routes run last-registered first: the gate, then the fixture
    let asked = 0;
    await page.route(`**/models/${id}/model.json`, async (route) => {
      // the first request is the page's availability check; the worker's load of the weights waits
      if (asked++ > 0) await gate;
      await route.fallback();
    });
  }
  const d = smallDataset(16, 10);
  await page.goto('/');
  await expect(page.getByTestId('panel-input')).toContainText('phantom_field', { timeout: 120_000 });
  await expect(page.locator('[data-testid^="status-"]', { hasText: 'loading model' })).toHaveCount(1, { timeout: 60_000 });
  await dropFiles(page, 'dropzone', [nii('subj_field.nii.gz', d.field), nii('subj_mask.nii.gz', d.mask), nii('subj_reference.nii.gz', d.chi)]);
  await expect(page.getByTestId('panel-input')).toContainText('subj_field', { timeout: 60_000 });
  release();
  await expect(page.getByTestId('run-button')).toBeEnabled({ timeout: 200_000 });
  // give a run that was not stopped time to land its results
  await page.waitForTimeout(3000);
  const leftovers = await page.locator('[data-testid^="panel-chi-"]').evaluateAll((e) => e.map((x) => x.getAttribute('data-testid')!.replace('panel-chi-', '')));
  for (const id of leftovers) await expect(page.getByTestId(`metrics-row-${id}`), `${id} is shown as a map`).toBeVisible({ timeout: 30_000 });
  await expect(page.getByTestId('error').filter({ hasText: 'grids differ' })).toHaveCount(0);

  await selectOnly(page, ids);
  await page.getByTestId('run-button').click();
  for (const id of ids) await expect(page.getByTestId(`status-${id}`)).toHaveText('done', { timeout: 240_000 });
  for (const id of ids) {
    await expect(page.getByTestId(`metrics-row-${id}`), id).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId(`panel-diff-${id}`), id).toBeAttached();
    await expect(page.getByTestId(`scatter-${id}`), id).toBeVisible();
    await expect(page.getByTestId(`download-diff-${id}`), id).toBeEnabled();
  }
  await expect(page.getByTestId('error')).toHaveCount(0);
});
