import { test, expect } from '@playwright/test';
import { softwareRenderers } from '../src/worker/softwareRenderer';

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

// The config asks for SwiftShader's adapter (--use-webgpu-adapter=swiftshader): what this Chromium reports
// for it must be what src/worker/softwareRenderer.ts recognises, or automatic choice would pick it over WASM.
test('the SwiftShader adapter and WebGL renderer are recognised as software renderers', async ({ page }) => {
  await page.goto('/');
  const facts = await page.evaluate(async () => {
    type Info = { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
    const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Info } | null> } }).gpu;
    const info = (await gpu?.requestAdapter())?.info;
    const gl = new OffscreenCanvas(1, 1).getContext('webgl2');
    const debug = gl?.getExtension('WEBGL_debug_renderer_info');
    const webgl = gl && debug ? String(gl.getParameter(debug.UNMASKED_RENDERER_WEBGL)) : undefined;
    return { webgpu: info && { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, isFallbackAdapter: info.isFallbackAdapter }, webgl };
  });
  console.log(`renderer facts: ${JSON.stringify(facts)}`);
  expect(softwareRenderers(facts)).toEqual({ webgpu: 'SwiftShader', webgl: 'SwiftShader' });
});
