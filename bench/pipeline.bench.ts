/**
 * Issue 11: scanner phase -> local field in the browser (the workbench's compute worker) against the same pipeline in
 * Node in the same run, on the simulated four-echo head at BENCH_EDGE^3 (default 160, 1.2 mm), with the CLI's
 * defaults (ROMEO-style unwrapping, TFI; BENCH_BG=pdf or vsharp for another background removal). Files are picked
 * through the file input, as a user would.
 *
 *   [BENCH_BG=pdf] npx playwright test --config bench/playwright.config.ts pipeline
 */
import { expect, test } from '@playwright/test';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { headPhantom } from '../src/core/phase/headPhantom';
import { BACKGROUND_METHODS, localFieldFromPhase, type BackgroundMethod } from '../src/core/phase/localFieldPipeline';
import type { Vec3 } from '../src/core/volume';
import { writeNifti } from '../src/io/writeNifti';

const edge = Number(process.env.BENCH_EDGE ?? 160);
const bg = (process.env.BENCH_BG ?? 'tfi') as BackgroundMethod;
if (!BACKGROUND_METHODS.includes(bg)) throw new Error(`BENCH_BG: expected ${BACKGROUND_METHODS.join(' or ')}, got ${bg}`);

test('phase -> local field: browser worker vs Node', async ({ page }) => {
  const dims: Vec3 = [edge, edge, edge], vs: Vec3 = [1.2, 1.2, 1.2];
  const h = headPhantom({ dims, voxelSize: vs });
  const dir = mkdtempSync(path.join(tmpdir(), 'qsm-pipeline-bench-'));
  const files: string[] = [];
  h.phases.forEach((p, e) => {
    for (const [part, vol] of [['phase', p], ['mag', h.magnitudes[e]]] as const) {
      const name = path.join(dir, `sub-01_echo-${e + 1}_part-${part}_MEGRE`);
      writeFileSync(`${name}.nii`, writeNifti(vol));
      writeFileSync(`${name}.json`, JSON.stringify({ EchoTime: h.echoTimes[e], MagneticFieldStrength: h.b0Tesla }));
      files.push(`${name}.nii`, `${name}.json`);
    }
  });

  const t0 = performance.now();
  localFieldFromPhase({ phases: h.phases, magnitudes: h.magnitudes, echoTimes: h.echoTimes, b0Tesla: h.b0Tesla, b0Dir: h.b0Dir }, { unwrap: 'romeo', background: bg });
  const node = (performance.now() - t0) / 1000;

  await page.goto('/?autoload=0');
  await page.getByTestId('file-input').setInputFiles(files);
  await expect(page.getByTestId('echo-row-4')).toBeVisible({ timeout: 300_000 });
  await page.getByTestId('pipeline-bg').selectOption(bg);
  const b0 = performance.now();
  await page.getByTestId('pipeline-run').click();
  await expect(page.getByTestId('pipeline-outputs')).toBeVisible({ timeout: 1_500_000 });
  const browser = (performance.now() - b0) / 1000;
  console.log(`phase -> local field, ${edge}^3, 4 echoes, romeo + ${bg}: browser ${browser.toFixed(1)} s, Node ${node.toFixed(1)} s, ratio ${(browser / node).toFixed(2)} (load ${loadavg()[0].toFixed(1)})`);
});
