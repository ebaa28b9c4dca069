import { expect, test } from '@playwright/test';
import { closedFormL2, DEFAULT_CFL2_LAMBDA } from '../src/core/closedFormL2';
import { lCurve } from '../src/core/lCurve';
import { buildExample, PHANTOM_EXAMPLE } from '../src/core/phantomExample';
import { readNifti } from '../src/io/readNifti';
import { selectOnly, unit } from './workbench.helpers';

test('closed-form L2 with the L-curve corner: the lambda core picks for the example is used, plotted, recorded and kept current', async ({ page }) => {
  // the same seeded example in Node, with the mask binarised and B0 normalised as the workbench prepares its input
  const ex = buildExample(PHANTOM_EXAMPLE);
  const mask = { ...ex.mask, data: Float32Array.from(ex.mask.data, (v) => (v > 0 ? 1 : 0)) };
  const curve = lCurve(ex.field, unit(ex.b0Dir), { mask });
  const expected = Number(curve.corner.toPrecision(3));

  await page.goto('/?autoload=0');
  // the 48^3 ellipsoids, as PHANTOM_EXAMPLE above (the panel's default is the larger brain)
  await page.getByTestId('example-size').selectOption('48');
  await selectOnly(page, ['cfl2']);
  await page.getByTestId('cfl2-lambda-mode').selectOption('corner');
  // under an L-curve rule there is no fixed value to type
  await expect(page.getByTestId('cfl2-lambda')).toHaveCount(0);
  await page.getByTestId('example-button').click();
  await expect(page.getByTestId('status-cfl2')).toHaveText('done', { timeout: 120_000 });

  // the lambda shown is core's corner for this volume, not the fixed default, and the viewer's title says it too
  const shown = Number(await page.getByTestId('cfl2-lambda-used').getAttribute('data-value'));
  expect(shown).toBe(expected);
  expect(shown).not.toBe(DEFAULT_CFL2_LAMBDA);
  await expect(page.getByTestId('cfl2-lambda-used')).toContainText(`λ = ${expected} mm² (L-curve corner)`);
  await expect(page.getByTestId('panel-chi-cfl2')).toContainText(`Closed-form L2, λ = ${expected}`);

  // the plot: every grid point, the corner marked as the one used (at core's unrounded corner), the inflection not
  await expect(page.getByTestId('lcurve-plot')).toBeVisible();
  await expect(page.getByTestId('lcurve-point')).toHaveCount(curve.points.length);
  const corner = page.getByTestId('lcurve-corner');
  await expect(corner).toHaveAttribute('data-chosen', 'true');
  expect(Number(await corner.getAttribute('data-lambda'))).toBeCloseTo(curve.corner, 12);
  if (curve.inflection !== undefined) await expect(page.getByTestId('lcurve-inflection')).toHaveAttribute('data-chosen', 'false');
  await expect(page.getByTestId('lcurve-edge')).toHaveCount(curve.cornerAtEdge ? 1 : 0);
  // the marker sits between the grid points that bracket the corner on the drawn curve
  const xs = await page.getByTestId('lcurve-point').evaluateAll((cs) => cs.map((c) => Number(c.getAttribute('cx'))));
  const cx = Number(await corner.getAttribute('cx'));
  const k = curve.points.findIndex((p) => p.lambda > curve.corner);
  expect(cx).toBeGreaterThanOrEqual(Math.min(xs[k - 1], xs[k]));
  expect(cx).toBeLessThanOrEqual(Math.max(xs[k - 1], xs[k]));

  // the exported map records the lambda the way `qsm invert --lambda auto` does
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-cfl2').click()]);
  const { readFile } = await import('node:fs/promises');
  const saved = readNifti(new Uint8Array(await readFile((await download.path())!)), download.suggestedFilename());
  expect(saved.facts.description).toContain(`lambda=${expected} (L-curve corner)`);
  // and it is the map of that lambda: core's closed-form L2 at it, far closer than at the default
  const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
  const atChosen = closedFormL2(ex.field, unit(ex.b0Dir), expected, mask).data;
  const atDefault = closedFormL2(ex.field, unit(ex.b0Dir), DEFAULT_CFL2_LAMBDA, mask).data;
  // (measured: identical at the chosen lambda, 0.033 ppm apart at the default)
  const tolerance = 1e-5;
  expect(maxDiff(saved.volume.data, atChosen)).toBeLessThan(tolerance);
  expect(maxDiff(saved.volume.data, atDefault)).toBeGreaterThan(100 * tolerance);

  // another lambda rule makes the result stale; going back to the one it was made with makes it current again
  await expect(page.getByTestId('stale-notice')).toHaveCount(0);
  await page.getByTestId('cfl2-lambda-mode').selectOption('inflection');
  await expect(page.getByTestId('stale-notice')).toBeVisible();
  await expect(page.getByTestId('panel-chi-cfl2').locator('.stale-badge')).toBeVisible();
  await page.getByTestId('cfl2-lambda-mode').selectOption('corner');
  await expect(page.getByTestId('stale-notice')).toHaveCount(0);
});
