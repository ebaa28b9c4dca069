/**
 * The text a user pastes into a bug report: app and tfjs versions, the backend in use and why, the WebGPU
 * adapter with the limits that decide what fits on it, the WebGL renderer, and the page's threading facts.
 * gatherDiagnostics reads them from an environment the caller passes (the browser's, or a test's fake);
 * formatDiagnostics is pure. Nothing here leaves the machine: the user copies it and decides what to share.
 */

/** The GPU limits that bound patch size and model memory (tfjs allocates storage buffers per tensor). */
export const GPU_LIMITS = [
  'maxBufferSize',
  'maxStorageBufferBindingSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxStorageBuffersPerShaderStage',
] as const;

export interface AdapterInfo {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
  features: string[];
  limits: Partial<Record<(typeof GPU_LIMITS)[number], number>>;
}

export interface WebGlInfo {
  version?: string;
  vendor?: string;
  renderer?: string;
  maxTextureSize?: number;
}

export interface Diagnostics {
  appVersion: string;
  tfjsVersion: string;
  time: string;
  backend: string;
  backendNote?: string;
  /** 'unsupported' when navigator.gpu is missing, 'no adapter' when requestAdapter gave none, else the adapter */
  webgpu: AdapterInfo | 'unsupported' | 'no adapter' | { error: string };
  webgl: WebGlInfo | 'unavailable';
  crossOriginIsolated?: boolean;
  hardwareConcurrency?: number;
  deviceMemoryGiB?: number;
  devicePixelRatio?: number;
  userAgent?: string;
}

/** What gatherDiagnostics reads: the browser's globals, or a test's stand-ins. */
export interface DiagnosticsEnv {
  navigator?: {
    userAgent?: string;
    hardwareConcurrency?: number;
    deviceMemory?: number;
    gpu?: { requestAdapter(): Promise<GpuAdapterLike | null> };
  };
  crossOriginIsolated?: boolean;
  devicePixelRatio?: number;
  /** a fresh WebGL context to read, or null; gatherDiagnostics loses it again (browsers cap live contexts) */
  webglContext?: () => WebGLRenderingContext | WebGL2RenderingContext | null;
  now?: () => Date;
}

interface GpuAdapterLike {
  info?: Omit<AdapterInfo, 'features' | 'limits'>;
  /** before Chrome 127 */
  requestAdapterInfo?(): Promise<Omit<AdapterInfo, 'features' | 'limits'>>;
  /** before Chrome 140 (then info.isFallbackAdapter) */
  isFallbackAdapter?: boolean;
  features?: Iterable<string>;
  limits?: Record<string, number>;
}

const errorText = (e: unknown) => (e instanceof Error ? e.message : String(e));

async function adapterInfo(env: DiagnosticsEnv): Promise<Diagnostics['webgpu']> {
  const gpu = env.navigator?.gpu;
  if (!gpu) return 'unsupported';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'no adapter';
    const info = adapter.info ?? (await adapter.requestAdapterInfo?.().catch(() => undefined)) ?? {};
    const limits: AdapterInfo['limits'] = {};
    for (const k of GPU_LIMITS) {
      const v = adapter.limits?.[k];
      if (typeof v === 'number') limits[k] = v;
    }
    return {
      vendor: info.vendor,
      architecture: info.architecture,
      device: info.device,
      description: info.description,
      isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter,
      features: [...(adapter.features ?? [])].sort(),
      limits,
    };
  } catch (e) {
    return { error: errorText(e) };
  }
}

function webglInfo(env: DiagnosticsEnv): Diagnostics['webgl'] {
  let gl: WebGLRenderingContext | WebGL2RenderingContext | null = null;
  try {
    gl = env.webglContext?.() ?? null;
    if (!gl) return 'unavailable';
    const debug = gl.getExtension('WEBGL_debug_renderer_info');
    return {
      version: String(gl.getParameter(gl.VERSION)),
      vendor: String(gl.getParameter(debug ? debug.UNMASKED_VENDOR_WEBGL : gl.VENDOR)),
      renderer: String(gl.getParameter(debug ? debug.UNMASKED_RENDERER_WEBGL : gl.RENDERER)),
      maxTextureSize: Number(gl.getParameter(gl.MAX_TEXTURE_SIZE)),
    };
  } catch {
    return 'unavailable';
  } finally {
    gl?.getExtension('WEBGL_lose_context')?.loseContext();
  }
}

export async function gatherDiagnostics(
  env: DiagnosticsEnv,
  app: { appVersion: string; tfjsVersion: string; backend: string; backendNote?: string },
): Promise<Diagnostics> {
  const nav = env.navigator;
  return {
    ...app,
    time: (env.now?.() ?? new Date()).toISOString(),
    webgpu: await adapterInfo(env),
    webgl: webglInfo(env),
    crossOriginIsolated: env.crossOriginIsolated,
    hardwareConcurrency: nav?.hardwareConcurrency,
    deviceMemoryGiB: nav?.deviceMemory,
    devicePixelRatio: env.devicePixelRatio,
    userAgent: nav?.userAgent,
  };
}

const BYTE_LIMITS = new Set<string>(['maxBufferSize', 'maxStorageBufferBindingSize', 'maxComputeWorkgroupStorageSize']);
const MIB = 1024 * 1024;
/** bytes as "N bytes (M MiB)" where that helps read a limit */
const bytes = (n: number) => (n >= MIB ? `${n} (${+(n / MIB).toFixed(1)} MiB)` : String(n));
const orUnknown = (v: unknown) => (v === undefined || v === '' ? 'unknown' : String(v));

export function formatDiagnostics(d: Diagnostics): string {
  const lines = [
    `QSM Workbench ${d.appVersion}, tfjs ${d.tfjsVersion}`,
    `time: ${d.time}`,
    `backend: ${d.backend}${d.backendNote ? ` (${d.backendNote})` : ''}`,
  ];
  const g = d.webgpu;
  if (g === 'unsupported') lines.push('WebGPU: not supported by this browser (no navigator.gpu)');
  else if (g === 'no adapter') lines.push('WebGPU: no adapter (navigator.gpu.requestAdapter() gave none)');
  else if ('error' in g) lines.push(`WebGPU: requestAdapter failed: ${g.error}`);
  else {
    const name = [g.vendor, g.architecture, g.device, g.description].filter(Boolean).join(' / ') || 'unnamed';
    lines.push(`WebGPU adapter: ${name}${g.isFallbackAdapter ? ' (fallback adapter)' : ''}`);
    for (const k of GPU_LIMITS) {
      const v = g.limits[k];
      if (v !== undefined) lines.push(`  ${k}: ${BYTE_LIMITS.has(k) ? bytes(v) : v}`);
    }
    lines.push(`  features: ${g.features.length ? g.features.join(', ') : 'none'}`);
  }
  const w = d.webgl;
  if (w === 'unavailable') lines.push('WebGL: unavailable');
  else lines.push(`WebGL: ${orUnknown(w.version)}; renderer ${orUnknown(w.renderer)}; vendor ${orUnknown(w.vendor)}; max texture ${orUnknown(w.maxTextureSize)}`);
  lines.push(
    `crossOriginIsolated: ${orUnknown(d.crossOriginIsolated)} (WASM threads need it)`,
    `hardwareConcurrency: ${orUnknown(d.hardwareConcurrency)}`,
  );
  if (d.deviceMemoryGiB !== undefined) lines.push(`deviceMemory: ${d.deviceMemoryGiB} GiB (a lower bound the browser rounds)`);
  if (d.devicePixelRatio !== undefined) lines.push(`devicePixelRatio: ${d.devicePixelRatio}`);
  lines.push(`userAgent: ${orUnknown(d.userAgent)}`);
  return lines.join('\n') + '\n';
}

/** The browser's own environment for gatherDiagnostics. */
export function browserEnv(): DiagnosticsEnv {
  return {
    navigator: globalThis.navigator as DiagnosticsEnv['navigator'],
    crossOriginIsolated: globalThis.crossOriginIsolated,
    devicePixelRatio: globalThis.devicePixelRatio,
    webglContext: () => {
      if (typeof document === 'undefined') return null;
      const canvas = document.createElement('canvas');
      return canvas.getContext('webgl2') ?? canvas.getContext('webgl');
    },
  };
}
