import { expect, test, type Page } from '@playwright/test';
import { DEFAULT_EXAMPLE } from '../src/core/phantomExample';
import { exampleTruth } from './exampleData';
import { recordRequests, selectOnly, serveFixtureModel } from './workbench.helpers';

// Screenshots for the README are written only when asked (SCREENSHOTS=1), so a normal run leaves docs/ alone.
const shots = process.env.SCREENSHOTS === '1';
const MODEL_IDS = ['adaptive-unet-tl', 'adaptive-unet', 'unet-tl'] as const;

async function metric(page: Page, method: string, key: string): Promise<number> {
  const cell = page.getByTestId(`metrics-row-${method}`).locator(`td[data-metric="${key}"]`);
  return Number(await cell.getAttribute('data-value'));
}

/** True when a canvas holds more than one colour (it was drawn on). */
async function canvasHasContent(page: Page, testid: string): Promise<boolean> {
  return page.getByTestId(testid).evaluate((c: HTMLCanvasElement) => {
    const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const colours = new Set<number>();
    for (let i = 0; i < d.length; i += 16) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
    return colours.size > 20;
  });
}

test('a first visit sees the example phantom reconstructed by TKD, with metrics and scatter, all from its own origin', async ({ page, baseURL }) => {
  const requests = recordRequests(page);
  // hide any model weights: this test covers the first visit's classical path quickly; the model has its own test
  await page.route('**/models/**', (r) => r.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/');
  // the example loads and runs by itself on a first visit
  await expect(page.getByTestId('metrics-row-tkd')).toBeVisible({ timeout: 120_000 });
  await expect(page.getByTestId('status-tkd')).toHaveText('done');
  await expect(page.getByTestId('backend')).not.toHaveText(/starting/);

  // TKD against the ground truth of a mildly noisy phantom: a real, imperfect but clearly related reconstruction
  const nrmse = await metric(page, 'tkd', 'nrmse');
  const slope = await metric(page, 'tkd', 'slope');
  const r2 = await metric(page, 'tkd', 'r2');
  expect(nrmse).toBeGreaterThan(5);
  expect(nrmse).toBeLessThan(90);
  expect(slope).toBeGreaterThan(0.4);
  expect(slope).toBeLessThan(1.3);
  expect(r2).toBeGreaterThan(0.3);
  expect(await canvasHasContent(page, 'scatter-tkd')).toBe(true);

  // viewers: input, reference, each method, and a difference row
  await expect(page.getByTestId('panel-input')).toBeVisible();
  await expect(page.getByTestId('panel-chi-tkd')).toBeVisible();
  await expect(page.getByTestId('panel-diff-tkd')).toBeVisible();

  // crosshairs are synchronised: a click in the input panel moves the crosshair drawn in the TKD panel
  const tkdCanvas = page.getByTestId('panel-chi-tkd').locator('canvas');
  const before = await tkdCanvas.screenshot();
  const box = (await page.getByTestId('panel-input').locator('canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.3, box.y + box.height * 0.35);
  await expect.poll(async () => Buffer.compare(before, await tkdCanvas.screenshot()) !== 0, { timeout: 10_000 }).toBe(true);

  // the readout at the crosshair shows the data we hold, in NIfTI index order: the same seeded example built here
  // in Node has the same ground truth at that voxel
  const readout = page.getByTestId('readout');
  await expect(readout).toContainText('voxel (');
  const text = (await readout.textContent())!;
  const [i, j, k] = /voxel \((\d+), (\d+), (\d+)\)/.exec(text)!.slice(1).map(Number);
  const shown = Number(/Reference (-?\d+\.\d+)/.exec(text)![1]);
  const truth = exampleTruth(DEFAULT_EXAMPLE);
  const [nx, ny] = truth.dims;
  expect(truth.data[i + nx * (j + ny * k)], 'the click should land inside the brain').not.toBe(0);
  expect(shown).toBeCloseTo(truth.data[i + nx * (j + ny * k)], 4);

  // the view switch and the shared window are live controls
  await page.getByTestId('view-multiplanar').click();
  await expect(page.getByTestId('view-multiplanar')).toHaveAttribute('aria-checked', 'true');
  await page.getByTestId('view-axial').click();
  await page.getByTestId('window-max').fill('0.2');
  await expect(page.getByTestId('window-max')).toHaveValue('0.2');

  // sorting by NRMSE puts the lower error first
  await page.getByTestId('sort-nrmse').click();
  const order = await page.locator('[data-testid^="metrics-row-"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-testid')));
  const values = await Promise.all(order.map((id) => metric(page, id!.replace('metrics-row-', ''), 'nrmse')));
  expect([...values].sort((a, b) => a - b)).toEqual(values);

  // metrics follow the chosen reference: the simulated COSMOS differs from the ground truth, so do the numbers
  await page.getByTestId('reference-select').selectOption({ label: 'phantom_cosmos_Chimap.nii.gz' });
  // (the brain's comparisons, SSIM and HFEN filters on 90x120x48 voxels, take several seconds on a loaded machine)
  await expect(page.getByTestId('metrics-table')).toContainText('against phantom_cosmos_Chimap.nii.gz', { timeout: 60_000 });
  expect(await metric(page, 'tkd', 'nrmse')).not.toBe(nrmse);

  // a change to the acquisition marks the results stale, visibly
  await expect(page.getByTestId('stale-notice')).toHaveCount(0);
  await page.getByTestId('b0-y').fill('0.3');
  await expect(page.getByTestId('stale-notice')).toBeVisible();
  await expect(page.getByTestId('panel-chi-tkd').locator('.stale-badge')).toBeVisible();

  requests.assertSameOrigin(new URL(baseURL!).origin);
});

async function modelsInBuild(page: Page): Promise<Set<string>> {
  const found = new Set<string>();
  for (const id of MODEL_IDS) {
    const res = await page.request.get(`/models/${id}/model.json`);
    if (res.ok() && (res.headers()['content-type'] ?? '').includes('json')) found.add(id);
  }
  return found;
}

test('a model missing from the server is shown as unavailable and cannot be selected', async ({ page }) => {
  // Every model ships in the build now, so the missing one is made missing: its files answer 404.
  const missing = 'unet-tl';
  await page.route(`**/models/${missing}/**`, (route) => route.fulfill({ status: 404, body: 'not found' }));
  await page.goto('/?autoload=0');
  await expect(page.getByTestId(`method-info-${missing}`)).toContainText('model not available');
  await expect(page.getByTestId(`method-${missing}`)).toBeDisabled();
  for (const id of MODEL_IDS.filter((m) => m !== missing)) await expect(page.getByTestId(`method-${id}`)).toBeEnabled();
});

test('a model from the build runs on the example end to end', async ({ page, baseURL }) => {
  test.setTimeout(420_000);
  const requests = recordRequests(page);
  await page.goto('/?autoload=0');
  const found = await modelsInBuild(page);
  const available = MODEL_IDS.find((id) => found.has(id));
  test.skip(!available, 'no model in models/ yet (the unavailable state has its own test)');
  // a small example, and WASM: on this GPU-less machine SwiftShader's WebGPU ran the tiny fixture ~30x slower
  // than WASM (21 s vs 0.7 s at 32^3); the WebGPU path itself is covered by the fixture test below
  await page.getByTestId('example-size').selectOption('32');
  await selectOnly(page, [available!, 'tkd']);
  await page.getByTestId('backend-select').selectOption('wasm');
  await expect(page.getByTestId('backend')).toHaveText('wasm', { timeout: 60_000 });
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId(`metrics-row-${available}`)).toBeVisible({ timeout: 400_000 });
  await expect(page.getByTestId(`status-${available}`)).toHaveText('done');
  await expect(page.getByTestId(`metrics-row-${available}`).locator('td').last()).toHaveText('wasm');
  expect(await metric(page, available!, 'r2')).toBeGreaterThan(0);
  expect(await canvasHasContent(page, `scatter-${available}`)).toBe(true);
  requests.assertSameOrigin(new URL(baseURL!).origin);
});

test('cancel stops a run at once: the running and queued methods end cancelled and the controls come back', async ({ page }) => {
  // TKD and closed-form L2 finish in tens of milliseconds here, faster than any click: hold each 'start' message
  // to the inference worker for 2 s so the cancel lands while a method is running, whatever the machine's speed
  await page.addInitScript(() => {
    const Original = window.Worker;
    window.Worker = class extends Original {
      private readonly inference: boolean;
      constructor(url: string | URL, opts?: WorkerOptions) {
        super(url, opts);
        this.inference = String(url).includes('inference');
      }
      postMessage(msg: unknown, transfer?: Transferable[] | StructuredSerializeOptions) {
        const send = () => super.postMessage(msg, transfer as Transferable[]);
        if (this.inference && (msg as { type?: string })?.type === 'start') setTimeout(send, 2000);
        else send();
      }
    } as typeof Worker;
  });
  await page.goto('/?autoload=0');
  await page.getByTestId('example-size').selectOption('32');
  await selectOnly(page, ['tkd', 'cfl2']);
  // the example runs the selected methods (TKD first, then closed-form L2) as soon as it is built
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId('status-tkd')).toHaveText('starting', { timeout: 60_000 });
  await expect(page.getByTestId('status-cfl2')).toHaveText('queued');
  await page.getByTestId('cancel-button').click();
  await expect(page.getByTestId('status-tkd')).toHaveText('cancelled');
  await expect(page.getByTestId('status-cfl2')).toHaveText('cancelled');
  await expect(page.getByTestId('run-button')).toBeEnabled();
  await expect(page.getByTestId('metrics-row-tkd')).toHaveCount(0);
  // the workbench still works after a cancel, and a late answer to the cancelled run changes nothing
  await page.getByTestId('run-button').click();
  await expect(page.getByTestId('status-cfl2')).toHaveText('done', { timeout: 60_000 });
  await expect(page.getByTestId('metrics-row-cfl2')).toBeVisible();
});

test('README screenshot: the tilted anisotropic example in the multiplanar view', async ({ page }) => {
  test.skip(!shots, 'only with SCREENSHOTS=1');
  await page.goto('/?autoload=0');
  await page.getByTestId('example-preset').selectOption('tilted');
  await selectOnly(page, ['tkd', 'cfl2']);
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId('metrics-row-cfl2')).toBeVisible({ timeout: 60_000 });
  await page.getByTestId('view-multiplanar').click();
  await page.waitForTimeout(1000);
  await page.screenshot({ path: 'docs/workbench-tilted-multiplanar.png' });
});

test('the model path through the UI, with the tiny random parity fixture standing in for a product model', async ({ page }) => {
  // Plumbing only (method list -> inference worker -> tfjs -> result, metrics, export): the fixture is
  // randomly initialised, so its numbers mean nothing; product models are covered by the test above.
  test.setTimeout(240_000);
  await serveFixtureModel(page, 'adaptive-unet-tl');
  await page.goto('/?autoload=0');
  await expect(page.getByTestId('method-info-adaptive-unet-tl')).toContainText('randomly initialised');
  await page.getByTestId('example-size').selectOption('32');
  await selectOnly(page, ['adaptive-unet-tl']);
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId('status-adaptive-unet-tl')).toHaveText('done', { timeout: 200_000 });
  await expect(page.getByTestId('metrics-row-adaptive-unet-tl')).toBeVisible();
  const backend = await page.getByTestId('metrics-row-adaptive-unet-tl').locator('td').last().textContent();
  expect(['webgpu', 'webgl', 'wasm', 'cpu']).toContain(backend);
  await expect(page.getByTestId('backend')).toHaveText(backend!);
  await expect(page.getByTestId('panel-chi-adaptive-unet-tl')).toBeVisible();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-adaptive-unet-tl').click()]);
  expect(download.suggestedFilename()).toBe('phantom_field_desc-adaptive-unet-tl_Chimap.nii.gz');
});

test('README screenshots: the first visit as a new user sees it, every network with and without data consistency', async ({ page }) => {
  test.skip(!shots, 'only with SCREENSHOTS=1');
  test.setTimeout(900_000);
  await page.goto('/');
  // the paper's comparison: three networks, each also with data consistency, beside TKD and closed-form L2
  const ids = ['adaptive-unet', 'adaptive-unet-dc', 'adaptive-unet-tl', 'adaptive-unet-tl-dc', 'unet-tl', 'unet-tl-dc', 'tkd', 'cfl2'];
  for (const id of ids) await expect(page.getByTestId(`metrics-row-${id}`)).toBeVisible({ timeout: 800_000 });
  await page.waitForTimeout(2000);
  await page.screenshot({ path: 'docs/workbench-example.png' });
  await page.getByTestId('sort-nrmse').click();
  await page.locator('#metrics-heading').evaluate((h) => h.scrollIntoView({ block: 'start' }));
  await page.waitForTimeout(500);
  await page.screenshot({ path: 'docs/workbench-metrics.png' });
});
