import { describe, it, expect } from 'vitest';
import { patchProblem } from './memoryBudget';
import { runPatchwise } from './patchInference';

describe('patchProblem', () => {
  it('WebGPU: the concatenation of a pass must fit the device buffer limit', () => {
    const limits = { maxStorageBufferBindingSize: 128 * 2 ** 20, maxBufferSize: 256 * 2 ** 20 };
    expect(patchProblem('webgpu', [96, 96, 96], 16, 16, limits)).toBeUndefined();
    expect(patchProblem('webgpu', [160, 160, 160], 16, 16, limits)).toBe('a 160x160x160 patch needs a 500 MiB GPU buffer, more than this device binds (128 MiB): use a patch of at most 96');
    expect(patchProblem('webgpu', [160, 160, 160], 16, 16)).toBeUndefined(); // limits unknown: nothing to say
  });
  it('WASM: one pass must fit a 4 GiB heap', () => {
    expect(patchProblem('wasm', [144, 176, 144], 16, 16)).toBeUndefined();
    expect(patchProblem('wasm', [256, 256, 192], 16, 16)).toMatch(/^a 256x256x192 patch needs about 8\.2 GiB of WASM memory, more than its 4\.0 GiB: use a patch of at most 176$/);
  });
});

describe('runPatchwise with a check', () => {
  it('passes over a backend the patch does not fit before building anything on it', async () => {
    const built: string[] = [];
    const dims: [number, number, number] = [32, 32, 32];
    const res = await runPatchwise(new Float32Array(32 ** 3), dims, {
      multiple: 16, patch: 0, overlap: 0, order: ['webgpu', 'wasm'], start: async () => {},
      check: (name) => (name === 'webgpu' ? 'too big for this GPU' : undefined),
      build: (name) => {
        built.push(name);
        return { predict: async (p) => p.slice(), dispose: () => {} };
      },
    });
    expect(built).toEqual(['wasm']);
    expect(res.backend).toBe('wasm');
    expect(res.failures).toEqual(['webgpu failed at start: too big for this GPU']);
  });
});
