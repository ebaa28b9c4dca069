/**
 * What the browser says about the renderers behind WebGPU and WebGL, read once before choosing a backend:
 * on a machine without a usable GPU Chromium still offers both, rendered on the CPU by SwiftShader, and
 * tfjs's models then run far slower there than on WASM (src/worker/softwareRenderer.ts decides).
 */

/** The GPUAdapterInfo fields that name an adapter, and whether it is the fallback (CPU) one. */
export interface AdapterFacts {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}

export interface RendererFacts {
  /** the adapter WebGPU would use; absent when there is none */
  webgpu?: AdapterFacts;
  /** WebGL's renderer string (unmasked where the browser allows); absent when WebGL does not start */
  webgl?: string;
}

interface GpuAdapterLike {
  info?: AdapterFacts;
  /** before Chrome 127: adapter.info did not exist yet */
  requestAdapterInfo?(): Promise<AdapterFacts>;
  /** before Chrome 140: moved to info.isFallbackAdapter */
  isFallbackAdapter?: boolean;
}

async function adapterFacts(): Promise<AdapterFacts | undefined> {
  const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> } } | undefined)?.gpu;
  const adapter = await gpu?.requestAdapter().catch(() => null);
  if (!adapter) return undefined;
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
  const { vendor, architecture, device, description } = info;
  return { vendor, architecture, device, description, isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter };
}

function webglRenderer(): string | undefined {
  if (typeof OffscreenCanvas === 'undefined') return undefined;
  try {
    const canvas = new OffscreenCanvas(1, 1);
    const gl = canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    if (!gl) return undefined;
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
    gl.getExtension('WEBGL_lose_context')?.loseContext(); // browsers cap live contexts; tfjs makes its own
    return renderer;
  } catch {
    return undefined;
  }
}

export async function rendererFacts(): Promise<RendererFacts> {
  return { webgpu: await adapterFacts(), webgl: webglRenderer() };
}
