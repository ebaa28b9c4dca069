/**
 * Issue 13: WASM on every core in the browser. The page is cross-origin isolated (COOP/COEP from
 * vite.config.ts), so the inference worker starts tfjs-wasm's threaded SIMD binary, whose pthread workers
 * run the unbundled emscripten script (src/worker/wasmThreads.ts). The note must name more than one thread
 * on this 2-core machine, and the result must still match PyTorch (the parity fixture, as in
 * model-parity.spec.ts).
 */
import { test, expect, type Page } from '@playwright/test';
import type { ParityReport } from './parity';
import { routeParityFixture } from './parityFixture';

async function serveFixture(page: Page) {
  await routeParityFixture(page);
  const errors: string[] = [];
  page.on('console', (m) => {
    console.log(`page: ${m.text()}`);
    if (m.type() === 'error') errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto('/e2e/parity.html');
  return errors;
}

test('WASM runs threaded on every core and still matches PyTorch', async ({ page }) => {
  const errors = await serveFixture(page);
  const facts = await page.evaluate(() => ({ isolated: crossOriginIsolated, cores: navigator.hardwareConcurrency }));
  expect(facts.isolated).toBe(true);
  expect(facts.cores).toBeGreaterThan(1);
  const report = await page.evaluate(() => (window as unknown as { runParity(m: string, p?: string): Promise<ParityReport> }).runParity('adaptive-unet', 'wasm'));
  console.log(`threaded WASM parity: ${JSON.stringify(report)}`);
  expect(report.resultBackend).toBe('wasm');
  const note = report.backends.map((b) => b.note ?? '').join(' | ');
  const threads = Number(/wasm \(SIMD, (\d+) threads?\)/.exec(note)?.[1]);
  expect(threads, note).toBe(Math.min(facts.cores, 8)); // tfjs made 8 pthread workers in advance
  expect(threads).toBeGreaterThan(1);
  expect(report.relativeError).toBeLessThan(1e-4);
  expect(errors.filter((e) => /is not defined|pthread|SharedArrayBuffer/i.test(e))).toEqual([]);
});
