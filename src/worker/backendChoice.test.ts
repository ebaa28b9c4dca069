import { describe, expect, it } from 'vitest';
import { backendOrder, knownBackend, requestBackend, type BackendChoice } from './backendChoice';
import type { BackendName } from './protocol';

const ALL: BackendName[] = ['webgpu', 'webgl', 'wasm'];

describe('backend choice', () => {
  it('tries the automatic order, or the forced backend first with the others as fallback', () => {
    expect(backendOrder({}, ALL)).toEqual(['webgpu', 'webgl', 'wasm']);
    expect(backendOrder({ preferred: 'wasm' }, ALL)).toEqual(['wasm', 'webgpu', 'webgl']);
    expect(backendOrder({ preferred: 'webgl' }, ALL)).toEqual(['webgl', 'webgpu', 'wasm']);
  });

  it('goes back to the automatic order when the user chooses "automatic" after forcing a backend', () => {
    let c: BackendChoice = {};
    c = requestBackend(c, 'wasm');
    c = { ...c, last: 'wasm' }; // a run on the forced backend
    c = requestBackend(c, undefined);
    expect(c.preferred).toBeUndefined();
    expect(backendOrder(c, ALL)).toEqual(['webgpu', 'webgl', 'wasm']);
    // the forced backend was not picked by the automatic order: the probe must start one, not report it
    expect(knownBackend(c)).toBeUndefined();
  });

  it('reports the last backend without a probe while the preference has not changed', () => {
    expect(knownBackend({ last: 'webgpu' })).toBe('webgpu');
    // automatic fell back from WebGPU to WebGL in a run: WebGL is what runs
    expect(knownBackend(requestBackend({ last: 'webgl' }, undefined))).toBe('webgl');
    expect(knownBackend(requestBackend({ preferred: 'wasm', last: 'wasm' }, 'wasm'))).toBe('wasm');
  });

  it('probes again when a different backend is forced', () => {
    const c = requestBackend({ last: 'webgpu' }, 'wasm');
    expect(backendOrder(c, ALL)[0]).toBe('wasm');
    expect(knownBackend(c)).toBeUndefined();
  });
});
