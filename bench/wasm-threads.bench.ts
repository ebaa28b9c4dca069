/**
 * Issue 13: one U-Net over a 160^3 field in Chromium on WASM, one thread against every core, measured in
 * the same run (one fresh page and worker per thread count; the order alternates so that a change in the
 * machine's load hits both). Every core two ways: one threaded SIMD instance (what the inference worker
 * runs), and a pool of single-threaded workers with one slab each (slabPlan; BENCH_POOL=0 leaves it out).
 * Prints each time, the ratios and the load average.
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
const withPool = process.env.BENCH_POOL !== '0';

test(`WASM ${model} on ${edge}^3: one thread against every core`, async ({ page }) => {
  const runs: { threads: number; pool: boolean; report: WasmBenchReport }[] = [];
  let cores = 1;
  for (let r = 0; r < repeats; r++) {
    const order = [...(r % 2 === 0 ? ['one', 'all'] : ['all', 'one']), ...(withPool ? ['pool'] : [])];
    for (const which of order) {
      await page.goto('/e2e/parity.html');
      cores = await page.evaluate(() => navigator.hardwareConcurrency);
      expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
      const threads = which === 'one' ? 1 : cores;
      const load = loadavg()[0];
      const mode = which === 'pool' ? 'pool' : 'threads';
      const report = await page.evaluate(([m, e, t, mo]) => (window as unknown as { benchWasm(m: string, e: number, t: number, mo: string): Promise<WasmBenchReport> }).benchWasm(m, e, t, mo), [model, edge, threads, mode] as const);
      console.log(`${mode === 'pool' ? `pool of ${threads}` : `${threads} thread(s)`}: ${report.seconds.toFixed(1)} s (${report.note}; ${report.patches} patches of ${report.patchSize.join('x')}; load ${load.toFixed(1)} -> ${loadavg()[0].toFixed(1)})`);
      runs.push({ threads, pool: mode === 'pool', report });
    }
  }
  const best = (t: number, pool = false) => Math.min(...runs.filter((x) => x.threads === t && x.pool === pool).map((x) => x.report.seconds));
  const one = best(1);
  const all = best(cores);
  console.log(`${model} ${edge}^3 WASM: 1 thread ${one.toFixed(1)} s, ${cores} threads ${all.toFixed(1)} s, speed-up ${(one / all).toFixed(2)}x (best of ${repeats}; load average now ${loadavg().map((l) => l.toFixed(1)).join(' ')})`);
  if (withPool) console.log(`  pool of ${cores} single-threaded workers (slabs): ${best(cores, true).toFixed(1)} s, speed-up ${(one / best(cores, true)).toFixed(2)}x over 1 thread, ${(all / best(cores, true)).toFixed(2)}x over ${cores} threads`);
  // the same output whatever the thread count
  const sums = runs.filter((x) => !x.pool).map((x) => x.report.checksum); // slabs blend differently from cubes
  for (const s of sums) expect(Math.abs(s - sums[0])).toBeLessThanOrEqual(1e-3 * Math.max(1, Math.abs(sums[0])));
  expect(runs.find((x) => x.threads === cores && !x.pool)!.report.note).toMatch(new RegExp(`${cores} threads`));
});
