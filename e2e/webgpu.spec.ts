import { test, expect } from '@playwright/test';

// Guards the browser set-up itself: if Chromium loses WebGPU through SwiftShader, every GPU test would
// silently fall back, so this fails loudly instead.
test('page loads and WebGPU gives an adapter', async ({ page }) => {
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'QSM Workbench' })).toBeVisible();
  const adapter = await page.evaluate(async () => {
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    if (!gpu) return 'no navigator.gpu';
    const a = await gpu.requestAdapter();
    return a ? 'adapter' : 'null adapter';
  });
  expect(adapter).toBe('adapter');
});
