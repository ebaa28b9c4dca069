/**
 * Automatic backend choice on software renderers: what Chromium reports without a GPU (measured in this
 * repo's headless Chromium 156 with --use-webgpu-adapter=swiftshader) demotes WebGPU and WebGL after WASM,
 * hardware adapters keep the default order, and a forced WebGPU is still tried first.
 */
import { describe, expect, it } from 'vitest';
import { softwareRenderers } from './softwareRenderer';
import { backendOrder, softwareNote } from './backendChoice';
import type { RendererFacts } from '../model/rendererFacts';
import type { BackendName } from './protocol';

const ALL: BackendName[] = ['webgpu', 'webgl', 'wasm'];

/** adapter.info and WebGL's unmasked renderer as this machine's Chromium gave them (no GPU here) */
const SWIFTSHADER: RendererFacts = {
  webgpu: { vendor: 'google', architecture: 'swiftshader', device: '', description: '', isFallbackAdapter: true },
  webgl: 'ANGLE (Google, Vulkan 1.3.0 (SwiftShader Device (Subzero) (0x0000C0DE)), SwiftShader driver)',
};
/** a discrete GPU as Chromium describes one (adapter.info keeps vendor and architecture, often no description) */
const HARDWARE: RendererFacts = {
  webgpu: { vendor: 'nvidia', architecture: 'ampere', device: '', description: '', isFallbackAdapter: false },
  webgl: 'ANGLE (NVIDIA, NVIDIA GeForce RTX 3060 (0x00002503) Direct3D11 vs_5_0 ps_5_0, D3D11)',
};

describe('software renderer detection', () => {
  it('names SwiftShader behind both WebGPU and WebGL from what Chromium reports without a GPU', () => {
    expect(softwareRenderers(SWIFTSHADER)).toEqual({ webgpu: 'SwiftShader', webgl: 'SwiftShader' });
  });

  it('finds none on a hardware adapter, or when the browser has no WebGPU / WebGL at all', () => {
    expect(softwareRenderers(HARDWARE)).toEqual({});
    expect(softwareRenderers({})).toEqual({});
  });

  it('trusts isFallbackAdapter when the names say nothing, and knows Mesa and Windows software drivers by name', () => {
    expect(softwareRenderers({ webgpu: { vendor: '', architecture: '', isFallbackAdapter: true } })).toEqual({ webgpu: 'a fallback adapter' });
    // older Chromium filled description, not architecture
    expect(softwareRenderers({ webgpu: { description: 'SwiftShader Device (Subzero)' } })).toEqual({ webgpu: 'SwiftShader' });
    expect(softwareRenderers({ webgpu: { vendor: 'mesa', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } })).toEqual({ webgpu: 'llvmpipe' });
    expect(softwareRenderers({ webgl: 'Microsoft Basic Render Driver' })).toEqual({ webgl: 'WARP' });
  });
});

describe('automatic order with software renderers', () => {
  const slow = softwareRenderers(SWIFTSHADER);

  it('tries WASM before software WebGPU and WebGL, keeping their own order behind it', () => {
    expect(backendOrder({}, ALL, slow)).toEqual(['wasm', 'webgpu', 'webgl']);
    expect(backendOrder({}, ALL, { webgpu: 'SwiftShader' })).toEqual(['webgl', 'wasm', 'webgpu']);
    expect(backendOrder({}, ALL, softwareRenderers(HARDWARE))).toEqual(['webgpu', 'webgl', 'wasm']);
  });

  it('honours a forced WebGPU on a software adapter, with the demoted order as its fallback', () => {
    expect(backendOrder({ preferred: 'webgpu' }, ALL, slow)).toEqual(['webgpu', 'wasm', 'webgl']);
    expect(backendOrder({ preferred: 'webgl' }, ALL, slow)).toEqual(['webgl', 'wasm', 'webgpu']);
  });

  it('says why in the backend note: every demoted renderer when automatic, only the forced one when forced', () => {
    expect(softwareNote({}, { webgpu: 'SwiftShader' })).toBe('WebGPU adapter is a software renderer (SwiftShader); automatic tries it after WASM');
    expect(softwareNote({}, slow)).toBe(
      'WebGPU adapter is a software renderer (SwiftShader); WebGL is a software renderer (SwiftShader); automatic tries them after WASM',
    );
    expect(softwareNote({ preferred: 'webgpu' }, slow)).toBe('WebGPU adapter is a software renderer (SwiftShader)');
    expect(softwareNote({ preferred: 'wasm' }, slow)).toBeUndefined();
    expect(softwareNote({}, {})).toBeUndefined();
  });
});
