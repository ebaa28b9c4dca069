/**
 * Issue 13: one U-Net over a 160^3 field in Chromium on WASM, one thread against every core, measured in
 * the same run (one fresh page and worker per thread count; the order alternates so that a change in the
 * machine's load hits both). Prints each time, the ratio and the load average.
 *
 *   npx playwright test --config bench/playwright.config.ts wasm-threads
 *   BENCH_EDGE=96 BENCH_MODEL=adaptive-unet-tl BENCH_REPEATS=2 ...   (defaults: 160, adaptive-unet-tl, 1)
 */
import { test, expect } from '@playwright/test';
import { loadavg } from 'node:os';
import type { WasmBenchReport } from '../e2e/wasmBench.worker';

const edge = Number(process.env.BENCH_EDGE ?? 160);
const model = process.env.BENCH_MODEL ?? 'adaptive-unet-tl';
const repeats = Number(process.env.BENCH_REPEATS ?? 1);

test(`WASM ${model} on ${edge}^3: one thread against every core`, async ({ page }) => {
  const runs: { threads: number; report: WasmBenchReport }[] = [];
  let cores = 1;
  for (let r = 0; r < repeats; r++) {
    for (const which of r % 2 === 0 ? ['one', 'all'] : ['all', 'one']) {
      await page.goto('/e2e/parity.html');
      cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const threads = which === 'one' ? 1 : cores;
      const load = loadavg()[0];
      const report = await page.evaluate(([m, e, t]) => (window as unknown as { benchWasm(m: string, e: number, t: number): Promise<WasmBenchReport> }).benchWasm(m, e, t), [model, edge, threads] as const);
      console.log(`${threads} thread(s): ${report.seconds.toFixed(1)} s (${report.note}; ${report.patches} patches of ${report.patchSize.join('x')}; load ${load.toFixed(1)} -> ${loadavg()[0].toFixed(1)})`);
      runs.push({ threads, report });
    }
  }
  const best = (t: number) => Math.min(...runs.filter((x) => x.threads === t).map((x) => x.report.seconds));
  const one = best(1);
  const all = best(cores);
  console.log(`${model} ${edge}^3 WASM: 1 thread ${one.toFixed(1)} s, ${cores} threads ${all.toFixed(1)} s, speed-up ${(one / all).toFixed(2)}x (best of ${repeats}; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  // the same output whatever the thread count
  const sums = runs.map((x) => x.report.checksum);
  for (const s of sums) expect(Math.abs(s - sums[0])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(sums[0])));
  expect(runs.find((x) => x.threads === cores)!.report.note).toMatch(new RegExp(`${cores} threads`));
});
