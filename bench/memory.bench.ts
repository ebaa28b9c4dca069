/**
 * Issue 13, item 4: the tab's peak memory while one method runs on a 256x256x192 field (a sphere mask) in
 * the real inference worker on its automatic backend, one fresh page per method. Memory is the resident
 * set of the browser's renderer processes (the tab with its workers, their ArrayBuffers and WASM memories:
 * performance.measureUserAgentSpecificMemory leaves dedicated workers out here), the descendants of this
 * test process found in /proc and sampled every 250 ms; the baseline is the idle page. Linux only.
 *
 *   npx playwright test --config bench/playwright.config.ts memory
 *   BENCH_DIMS=256,256,192 BENCH_METHODS=tkd,cfl2,tv,ndi,adaptive-unet-tl,adaptive-unet,unet-tl (defaults)
 *   BENCH_DC=1: each network followed by the masked data consistency, as the workbench's "+ DC" runs (the inference
 *   worker is ended first when its WASM heap is large: src/ui/inferenceClient.ts)
 */
import { test, expect } from '@playwright/test';
import { loadavg } from 'node:os';
import { readdirSync, readFileSync } from 'node:fs';
import { chromiumArgs } from '../playwright.config';

const dims = (process.env.BENCH_DIMS ?? '256,256,192').split(',').map(Number);
const methods = (process.env.BENCH_METHODS ?? 'tkd,cfl2,tv,ndi,adaptive-unet-tl,adaptive-unet,unet-tl').split(',');
// BENCH_DC=1: after each network, the masked data consistency in the compute worker, as the workbench's "+ DC" runs
const withDc = process.env.BENCH_DC === '1';

test.use({ launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: chromiumArgs } });

/** RSS bytes of the renderer processes below this process (the browser Playwright started for this test). */
function rendererRss(): number {
  const procs = new Map<number, { ppid: number; renderer: boolean; rss: number }>();
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${d}/cmdline`, 'utf8');
      const rss = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${d}/status`, 'utf8'))?.[1] ?? 0) * 1024;
      procs.set(Number(d), { ppid, renderer: cmd.includes('--type=renderer'), rss });
    } catch {
      // gone meanwhile
    }
  }
  const below = (pid: number): boolean => {
    for (let p = procs.get(pid)?.ppid, hops = 0; p && hops < 20; p = procs.get(p)?.ppid, hops++) if (p === process.pid) return true;
    return false;
  };
  let sum = 0;
  for (const [pid, p] of procs) if (p.renderer && below(pid)) sum += p.rss;
  return sum;
}

test(`tab memory per method on ${dims.join('x')}`, async ({ page }) => {
  const rows: string[] = [];
  for (const method of methods) {
    await page.goto('/e2e/parity.html');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    const base = rendererRss();
    let peak = base;
    const sampler = setInterval(() => (peak = Math.max(peak, rendererRss())), 250);
    const r = await page.evaluate(async ([m, d, dc]) => {
      const w = window as unknown as { runMethodOn(m: string, d: number[], p: object, dc: boolean): Promise<{ seconds: number; backend: string; note?: string; dcSeconds?: number; released?: boolean }> };
      const params = m === 'tv' ? { tvIterations: 20 } : m === 'ndi' ? { ndiIterations: 20 } : {};
      return w.runMethodOn(m, d, params, dc && m.includes('unet'));
    }, [method, dims, withDc] as const).finally(() => clearInterval(sampler));
    const result = { ...r, base, peak: Math.max(peak, rendererRss()) };
    const dcPart = (result.released ? ' (worker released)' : '') + (result.dcSeconds !== undefined ? ` + masked DC ${result.dcSeconds.toFixed(1)} s` : '');
    const row = `${method.padEnd(17)} ${result.backend.padEnd(6)} ${result.seconds.toFixed(1).padStart(7)} s${dcPart}   peak ${(result.peak / 2 ** 30).toFixed(2)} GiB (idle page ${(result.base / 2 ** 20).toFixed(0)} MiB)${result.note ? `  [${result.note}]` : ''}  load ${loadavg()[0].toFixed(1)}`;
    console.log(row);
    rows.push(row);
  }
  console.log(`tab memory on ${dims.join('x')} (tv/ndi: 20 iterations):\n${rows.join('\n')}`);
});
