import { test, expect } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { ParityReport } from './parity';

// The tiny adaptive fixture (random weights, PyTorch output) served in place of a deployed model, run by
// the real inference worker in Chromium on WebGPU (SwiftShader). float32 on SwiftShader agrees with
// PyTorch's CPU float32 to rounding; the bound is the unit tests' 1e-4 (measured value printed).
const fixture = path.resolve('src/model/__fixtures__/tiny-adaptive');

test('the inference worker reproduces PyTorch on WebGPU', async ({ page }) => {
  for (const prefix of ['/models/adaptive-unet/', '/fixture/'])
    await page.route(`**${prefix}*`, (route) => {
      const name = new URL(route.request().url()).pathname.slice(prefix.length);
      route.fulfill({ body: readFileSync(path.join(fixture, name)), headers: { 'Cross-Origin-Resource-Policy': 'same-origin' } });
    });
  page.on('console', (m) => console.log(`page: ${m.text()}`));
  await page.goto('/e2e/parity.html');
  const report = (await page.evaluate(() => (window as unknown as { runParity(m: string): Promise<ParityReport> }).runParity('adaptive-unet'))) as ParityReport;
  console.log(`WebGPU parity: ${JSON.stringify(report)}`);
  expect(report.backends[0]).toEqual({ backend: 'webgpu' });
  expect(report.resultBackend).toBe('webgpu');
  expect(report.maxAbsOutput).toBeGreaterThan(0);
  expect(report.relativeError).toBeLessThan(1e-4);
});
