import { test, expect, type Page } from '@playwright/test';
import type { FallbackReport, ParityReport } from './parity';
import { routeParityFixture } from './parityFixture';
import type { ConvBenchRow } from './convBench';
import type { BackendName } from '../src/worker/protocol';
import type { KernelChoice } from '../src/model/unet';
import { kernelsFor } from '../src/model/kernelChoice';

// The tiny adaptive fixture (random weights, PyTorch output) served in place of a deployed model, run by
// the real inference worker in Chromium. float32 on SwiftShader's WebGPU agrees with PyTorch's CPU float32
// to rounding; the bound is the unit tests' 1e-4 (the measured value is printed).
async function serveFixture(page: Page) {
  await routeParityFixture(page);
  page.on('console', (m) => console.log(`page: ${m.text()}`));
  await page.goto('/e2e/parity.html');
}

const runParity = (page: Page, preferred?: BackendName) =>
  page.evaluate((p) => (window as unknown as { runParity(m: string, p?: string): Promise<ParityReport> }).runParity('adaptive-unet', p), preferred);

// forced: automatic choice passes over SwiftShader's WebGPU (a software adapter) for WASM
test('the inference worker reproduces PyTorch on WebGPU', async ({ page }) => {
  await serveFixture(page);
  const report = await runParity(page, 'webgpu');
  console.log(`WebGPU parity: ${JSON.stringify(report)}`);
  expect(report.backends.map((b) => b.backend)).toEqual(['webgpu', 'webgpu']); // the probe, then the run: no fallback
  expect(report.resultBackend).toBe('webgpu');
  expect(report.maxAbsOutput).toBeGreaterThan(0);
  expect(report.relativeError).toBeLessThan(1e-4);
});

test('automatic choice runs on WASM ahead of SwiftShader\'s WebGPU and WebGL, and says why', async ({ page }) => {
  await serveFixture(page);
  const report = await runParity(page);
  console.log(`automatic parity: ${JSON.stringify(report)}`);
  expect(report.resultBackend).toBe('wasm');
  expect(report.backends[0].note).toMatch(/WebGPU adapter is a software renderer \(SwiftShader\); WebGL is a software renderer \(SwiftShader\); automatic tries them after WASM/);
  expect(report.relativeError).toBeLessThan(1e-4);
});

for (const preferred of ['wasm', 'webgl'] as const)
  test(`asked for ${preferred}, the worker runs there and still matches PyTorch`, async ({ page }) => {
    await serveFixture(page); // WASM: its binaries must be served by Vite; WebGL: it must start in a worker
    const report = await runParity(page, preferred);
    console.log(`${preferred} parity: ${JSON.stringify(report)}`);
    expect(report.resultBackend).toBe(preferred);
    expect(report.relativeError).toBeLessThan(1e-4);
  });

test('a WebGPU error mid-run (an invalid shader) is caught and the run falls back to WASM, still matching PyTorch', async ({ page }) => {
  await serveFixture(page);
  const report = (await page.evaluate(() => (window as unknown as { runFallback(): Promise<FallbackReport> }).runFallback())) as FallbackReport;
  console.log(`fallback: ${JSON.stringify(report)}`);
  expect(report.backend).toBe('wasm');
  expect(report.failures).toHaveLength(1);
  expect(report.failures[0]).toMatch(/^webgpu failed at patch 1 of 1 \(0 done\): WebGPU validation error/);
  expect(report.notes).toEqual(['webgpu: ', expect.stringMatching(/^wasm: fell back to wasm: webgpu failed/)]);
  expect(report.relativeError).toBeLessThan(1e-4);
});

// SwiftShader runs WebGPU on the CPU, so its timings say little about a real GPU; correctness is the point
// here: the stock ops are printed with their error too, the rewrites the engine uses must be exact.
// the implementation kernelChoice.ts picks for each op must be exact on the backend that runs it
const opKind: Record<string, keyof KernelChoice> = { conv: 'conv', 'up-conv': 'up', 'max-pool': 'pool' };
for (const backend of ['webgpu', 'webgl', 'wasm'] as const)
  test(`convolution paths against the CPU backend on ${backend} (timings printed)`, async ({ page }) => {
    await serveFixture(page);
    const rows = await page.evaluate((b) => (window as unknown as { benchConv(b: string, e: number, ms: number): Promise<ConvBenchRow[]> }).benchConv(b, 16, 500), backend);
    for (const r of rows) console.log(`${r.backend} ${r.op.padEnd(24)} ${r.impl.padEnd(16)} ${r.gflops.toFixed(2).padStart(7)} GFLOP/s ${r.ms.toFixed(1).padStart(8)} ms  rel.err ${r.relErr.toExponential(1)}`);
    const picked = rows.filter((r) => kernelsFor(backend)[opKind[r.op.split(' ')[0]]] === r.impl);
    expect(picked.length).toBe(3);
    for (const r of picked) expect(r.relErr, `${r.op} ${r.impl}`).toBeLessThan(1e-5);
  });
