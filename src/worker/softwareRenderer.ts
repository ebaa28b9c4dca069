/**
 * Whether WebGPU or WebGL would render on the CPU, from what the browser reports (model/rendererFacts.ts).
 * Chromium without a usable GPU measured here: adapter.info {vendor 'google', architecture 'swiftshader',
 * isFallbackAdapter true} and WebGL renderer 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero)
 * (0x0000C0DE)), SwiftShader driver)'. The tiny fixture U-Net (e2e/model-parity.spec.ts, whole volume,
 * first run) took 15.4 s on SwiftShader's WebGPU, 8.1 s on its WebGL and 0.28 s on WASM (SIMD, 1 thread),
 * so automatic choice tries such a backend after WASM.
 */
import type { AdapterFacts, RendererFacts } from '../model/rendererFacts';
import type { BackendName } from './protocol';

/** Software rasterisers by the names drivers report: Chromium's, Mesa's (GL and Vulkan), Windows'. */
const KNOWN: [RegExp, string][] = [
  [/swiftshader/i, 'SwiftShader'],
  [/llvmpipe/i, 'llvmpipe'],
  [/lavapipe/i, 'lavapipe'],
  [/softpipe/i, 'softpipe'],
  [/microsoft basic render|\bwarp\b/i, 'WARP'],
];

function knownName(text: string): string | undefined {
  return KNOWN.find(([re]) => re.test(text))?.[1];
}

function softwareAdapter(a: AdapterFacts): string | undefined {
  const named = knownName([a.vendor, a.architecture, a.device, a.description].filter(Boolean).join(' '));
  return named ?? (a.isFallbackAdapter ? 'a fallback adapter' : undefined);
}

/** The software renderer behind each backend that has one, by name (e.g. { webgpu: 'SwiftShader' }). */
export function softwareRenderers(facts: RendererFacts): Partial<Record<BackendName, string>> {
  const out: Partial<Record<BackendName, string>> = {};
  const gpu = facts.webgpu && softwareAdapter(facts.webgpu);
  if (gpu) out.webgpu = gpu;
  const gl = facts.webgl && knownName(facts.webgl);
  if (gl) out.webgl = gl;
  return out;
}
