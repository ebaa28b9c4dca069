import { describe, expect, it } from 'vitest';
import { formatDiagnostics, gatherDiagnostics, type DiagnosticsEnv } from './diagnostics';

const app = { appVersion: '0.1.0', tfjsVersion: '4.22.0', backend: 'wasm', backendNote: 'WebGPU renders on SwiftShader: WASM first' };
const now = () => new Date('2026-12-01T21:00:00Z');

/** A WebGL context that answers the parameters and extensions gatherDiagnostics asks for, and records a loss. */
function fakeGl(debug: boolean) {
  const state = { lost: false };
  const gl = {
    VERSION: 1, VENDOR: 2, RENDERER: 3, MAX_TEXTURE_SIZE: 4,
    getParameter: (p: number) =>
      ({ 1: 'WebGL 2.0 (OpenGL ES 3.0 Chromium)', 2: 'WebKit', 3: 'WebKit WebGL', 4: 8192, 10: 'Google Inc. (Google)', 11: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver)' })[p],
    getExtension: (name: string) => {
      if (name === 'WEBGL_debug_renderer_info') return debug ? { UNMASKED_VENDOR_WEBGL: 10, UNMASKED_RENDERER_WEBGL: 11 } : null;
      if (name === 'WEBGL_lose_context') return { loseContext: () => (state.lost = true) };
      return null;
    },
  };
  return { gl: gl as unknown as WebGL2RenderingContext, state };
}

function swiftShaderEnv(): { env: DiagnosticsEnv; glState: { lost: boolean } } {
  const { gl, state } = fakeGl(true);
  return {
    glState: state,
    env: {
      now,
      crossOriginIsolated: true,
      devicePixelRatio: 1,
      navigator: {
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0',
        hardwareConcurrency: 2,
        gpu: {
          requestAdapter: async () => ({
            info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
            features: new Set(['timestamp-query', 'shader-f16']),
            limits: { maxBufferSize: 268435456, maxStorageBufferBindingSize: 134217728, maxComputeWorkgroupStorageSize: 16384, maxComputeInvocationsPerWorkgroup: 256, maxTextureDimension2D: 8192 },
          }),
        },
      },
      webglContext: () => gl,
    },
  };
}

describe('gatherDiagnostics + formatDiagnostics', () => {
  it('reports versions, backend, adapter with its limits, WebGL renderer and threading facts', async () => {
    const { env, glState } = swiftShaderEnv();
    const d = await gatherDiagnostics(env, app);
    const text = formatDiagnostics(d);
    expect(text).toContain('QSM Workbench 0.1.0, tfjs 4.22.0');
    expect(text).toContain('time: 2026-12-01T21:00:00.000Z');
    expect(text).toContain('backend: wasm (WebGPU renders on SwiftShader: WASM first)');
    expect(text).toContain('WebGPU adapter: google / swiftshader (fallback adapter)');
    expect(text).toContain('  maxBufferSize: 268435456 (256 MiB)');
    expect(text).toContain('  maxStorageBufferBindingSize: 134217728 (128 MiB)');
    expect(text).toContain('  maxComputeWorkgroupStorageSize: 16384\n');
    expect(text).toContain('  maxComputeInvocationsPerWorkgroup: 256');
    expect(text).not.toContain('maxTextureDimension2D'); // only the limits that matter here
    expect(text).toContain('  features: shader-f16, timestamp-query');
    expect(text).toContain('WebGL: WebGL 2.0 (OpenGL ES 3.0 Chromium); renderer ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)), SwiftShader driver); vendor Google Inc. (Google); max texture 8192');
    expect(text).toContain('crossOriginIsolated: true');
    expect(text).toContain('hardwareConcurrency: 2');
    expect(text).toContain('userAgent: Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0.0.0');
    expect(glState.lost, 'the WebGL context read is released again').toBe(true);
  });

  it('says why WebGPU is missing: no navigator.gpu, no adapter, or a failing requestAdapter', async () => {
    const base = { now, navigator: { userAgent: 'x' } };
    expect(formatDiagnostics(await gatherDiagnostics(base, app))).toContain('WebGPU: not supported by this browser');
    const none = { ...base, navigator: { gpu: { requestAdapter: async () => null } } };
    expect(formatDiagnostics(await gatherDiagnostics(none, app))).toContain('WebGPU: no adapter');
    const failing = { ...base, navigator: { gpu: { requestAdapter: async () => Promise.reject(new Error('blocked by policy')) } } };
    expect(formatDiagnostics(await gatherDiagnostics(failing, app))).toContain('WebGPU: requestAdapter failed: blocked by policy');
  });

  it('reads adapter info the pre-Chrome-127 way and the masked WebGL renderer when the debug extension is refused', async () => {
    const { gl } = fakeGl(false);
    const env: DiagnosticsEnv = {
      now,
      navigator: {
        gpu: {
          requestAdapter: async () => ({ requestAdapterInfo: async () => ({ vendor: 'nvidia', architecture: 'ampere' }), isFallbackAdapter: false, limits: {} }),
        },
      },
      webglContext: () => gl,
    };
    const text = formatDiagnostics(await gatherDiagnostics(env, { ...app, backendNote: undefined }));
    expect(text).toContain('WebGPU adapter: nvidia / ampere\n');
    expect(text).toContain('  features: none');
    expect(text).toContain('renderer WebKit WebGL; vendor WebKit');
    expect(text).toContain('backend: wasm\n');
    expect(text).toContain('crossOriginIsolated: unknown');
  });

  it('WebGL that does not start is reported, not thrown', async () => {
    const text = formatDiagnostics(await gatherDiagnostics({ now, webglContext: () => null }, app));
    expect(text).toContain('WebGL: unavailable');
    const throwing = formatDiagnostics(await gatherDiagnostics({ now, webglContext: () => { throw new Error('no canvas'); } }, app));
    expect(throwing).toContain('WebGL: unavailable');
  });
});
