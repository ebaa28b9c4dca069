/** A dropped magnitude image: its own viewer beside the input field, in the synchronised crosshair and readout. */
import { expect, test, type Page } from '@playwright/test';
import { makeVolume } from '../src/core/volume';
import { dropFiles, nii, smallDataset } from './workbench.helpers';

/**
 * Of the lit grey pixels in the middle half of a PNG screenshot (decoded in the page; away from the colour bar
 * and the background, which is not grey), the fraction drawn at full white.
 */
async function saturatedFraction(page: Page, png: Buffer): Promise<number> {
  return page.evaluate(async (b64) => {
    const img = await createImageBitmap(await (await fetch(`data:image/png;base64,${b64}`)).blob());
    const c = new OffscreenCanvas(img.width, img.height);
    const g = c.getContext('2d')!;
    g.drawImage(img, 0, 0);
    const d = g.getImageData(img.width / 4, img.height / 4, img.width / 2, img.height / 2).data;
    let lit = 0;
    let white = 0;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i] !== d[i + 1] || d[i + 1] !== d[i + 2] || d[i] === 0) continue;
      lit++;
      if (d[i] === 255) white++;
    }
    return white / lit;
  }, png.toString('base64'));
}

test('a dropped magnitude image gets its own viewer on the field grid, with its value in the readout', async ({ page }) => {
  const d = smallDataset(32, 15);
  // on a scanner's scale (the phantom's is about 0..1): the viewer must window it from the data, not assume 0..1
  const magnitude = { ...d.magnitude, data: d.magnitude.data.map((v) => 3000 * v) };
  await page.goto('/?autoload=0');
  await dropFiles(page, 'dropzone', [nii('sub-01_localfield.nii.gz', d.field), nii('sub-01_part-mag_T2starw.nii.gz', magnitude)]);
  await expect(page.getByTestId('role-sub-01_part-mag_T2starw.nii.gz')).toHaveValue('magnitude');
  const panel = page.getByTestId('panel-magnitude');
  await expect(panel).toContainText('Magnitude: sub-01_part-mag_T2starw.nii.gz');

  // a click in the magnitude viewer moves the crosshair; the readout shows the magnitude we dropped at that voxel
  const box = (await panel.locator('canvas').boundingBox())!;
  await page.mouse.click(box.x + box.width * 0.4, box.y + box.height * 0.45);
  const readout = page.getByTestId('readout');
  await expect(readout).toContainText('voxel (');
  const text = (await readout.textContent())!;
  const [i, j, k] = /voxel \((\d+), (\d+), (\d+)\)/.exec(text)!.slice(1).map(Number);
  const [nx, ny] = magnitude.dims;
  const truth = magnitude.data[i + nx * (j + ny * k)];
  expect(truth, 'the click should land inside the head').toBeGreaterThan(0);
  expect(Number(/Magnitude (\d+\.\d+)/.exec(text)![1])).toBeCloseTo(truth, 2);
  // windowed on its own range (0 to the 99th percentile) few pixels saturate; on a 0..1 window the head is white
  const white = await saturatedFraction(page, await panel.locator('canvas').screenshot());
  console.log(`magnitude viewer: ${(100 * white).toFixed(1)}% of the lit pixels at full white`);
  expect(white).toBeLessThan(0.1);

  // the role decides: set to 'ignore' the viewer goes; a magnitude on another grid is named by the grid check, not shown
  await page.getByTestId('role-sub-01_part-mag_T2starw.nii.gz').selectOption('ignore');
  await expect(panel).toHaveCount(0);
  await dropFiles(page, 'dropzone', [nii('other_magnitude.nii.gz', makeVolume([30, 32, 32], [1.5, 1.5, 1.5]))]);
  await expect(page.getByTestId('role-other_magnitude.nii.gz')).toHaveValue('magnitude');
  await expect(page.getByTestId('grid-check')).toContainText('other_magnitude.nii.gz is 30x32x32');
  await expect(panel).toHaveCount(0);
});
