/**
 * A GPU lost in the middle of a patch-wise run: a WebGPU device whose `device.lost` resolves, a read-back
 * the lost device aborts before `device.lost` says so, and a WebGL context lost while tfjs waits on its
 * fence. Fake 'webgpu' and 'webgl' backends are registered with tfjs (Node has neither), so the watch reads
 * them through tf.backend() as in the browser; the nets are host functions that count their calls.
 */
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import type { Vec3 } from '../core/volume';
import { runPatchwise, type PatchNet, type PatchwiseOptions } from './patchInference';
import type { BackendName } from './backend';
import { WEBGL_CONTEXT_LOST, type GpuBackendHandle } from './gpuWatch';
import { seededValues } from './testUtils';

const dims: Vec3 = [40, 36, 20];
const field = seededValues(dims[0] * dims[1] * dims[2], 5);

/** Not pointwise (each output sees its patch's mean), so a patch computed twice or blended wrongly shows. */
const reference = (p: Float32Array) => {
  const mean = p.reduce((a, b) => a + b, 0) / p.length;
  return p.map((v) => 2 * v + mean);
};

/** A fake GPU backend instance: a WebGPU device whose loss the test triggers, or a WebGL context. */
class FakeGpu {
  lose!: (message: string) => void;
  contextLost = false;
  readonly canvas = new EventTarget();
  readonly handle: GpuBackendHandle;
  constructor(kind: 'webgpu' | 'webgl') {
    const lost = new Promise<{ message: string }>((resolve) => (this.lose = (message) => resolve({ message })));
    const gl = { isContextLost: () => this.contextLost, canvas: this.canvas };
    this.handle = kind === 'webgpu'
      ? { device: { lost, pushErrorScope: () => {}, popErrorScope: async () => null } }
      : { gpgpu: { gl } };
  }
  loseContext() {
    this.contextLost = true;
    this.canvas.dispatchEvent(new Event('webglcontextlost'));
  }
  dispose() {}
}

const instances: Record<'webgpu' | 'webgl', FakeGpu[]> = { webgpu: [], webgl: [] };
const current = (kind: 'webgpu' | 'webgl') => instances[kind][instances[kind].length - 1];

beforeAll(() => {
  for (const kind of ['webgpu', 'webgl'] as const)
    tf.registerBackend(kind, () => {
      const gpu = new FakeGpu(kind);
      instances[kind].push(gpu);
      // what tfjs's backends expose: MathBackendWebGPU.device, MathBackendWebGL.gpgpu.gl
      return Object.assign(gpu, gpu.handle) as unknown as tf.KernelBackend;
    });
});

afterEach(async () => {
  await tf.setBackend('cpu');
});

type Sabotage = (call: number, gpu: FakeGpu) => Promise<Float32Array> | undefined;

/** Runs the volume with the reference net on every backend; `sabotage` may replace a call's result. */
async function run(order: BackendName[], sabotage: Partial<Record<BackendName, Sabotage>> = {}) {
  const calls: Record<string, number> = {};
  const notes: string[] = [];
  const build = (name: BackendName): PatchNet => ({
    predict: async (patch) => {
      calls[name] = (calls[name] ?? 0) + 1;
      const gpu = name === 'webgpu' || name === 'webgl' ? current(name) : undefined;
      return (gpu && sabotage[name]?.(calls[name], gpu)) ?? reference(patch);
    },
    dispose: () => {},
  });
  const opts: PatchwiseOptions = {
    multiple: 16, patch: 16, overlap: 0.5, order,
    start: async (name) => {
      if (!(await tf.setBackend(name))) throw new Error(`${name} did not start`);
    },
    build,
    onBackend: (name, note) => notes.push(`${name}: ${note ?? ''}`),
  };
  const res = await runPatchwise(field, dims, opts);
  return { ...res, calls, notes };
}

describe('a GPU lost mid-run', () => {
  let uninterrupted: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    uninterrupted = await run(['cpu']);
  });

  it('WebGPU: device.lost during patch k+1 falls back, keeps the k finished patches, and discards the lost one', async () => {
    const k = 3;
    const res = await run(['webgpu', 'cpu'], {
      webgpu: (call, gpu) => {
        if (call !== k + 1) return undefined;
        gpu.lose('GPU process was killed');
        return Promise.resolve(new Float32Array(16 ** 3)); // what a dead device reads back: zeros
      },
    });
    const n = uninterrupted.patches;
    expect(n).toBeGreaterThan(k + 1);
    expect(res.backend).toBe('cpu');
    // k patches kept, patch k+1 ran on WebGPU but its zeros were dropped and it ran again on CPU
    expect(res.calls).toEqual({ webgpu: k + 1, cpu: n - k });
    expect(res.failures).toEqual([`webgpu failed at patch ${k + 1} of ${n} (${k} done): WebGPU device lost: GPU process was killed`]);
    expect(res.notes[1]).toBe(`cpu: fell back to cpu: ${res.failures[0]}`);
    expect(res.data).toEqual(uninterrupted.data);
  });

  it('WebGPU: a read-back aborted by the lost device (before device.lost resolves) falls back instead of cancelling', async () => {
    const k = 2;
    const res = await run(['webgpu', 'cpu'], {
      webgpu: (call, gpu) => {
        if (call !== k + 1) return undefined;
        setTimeout(() => gpu.lose('late'), 50);
        // what Chromium's mapAsync rejects with on device loss
        return Promise.reject(new DOMException("Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost", 'AbortError'));
      },
    });
    expect(res.backend).toBe('cpu');
    expect(res.calls).toEqual({ webgpu: k + 1, cpu: uninterrupted.patches - k });
    expect(res.failures[0]).toMatch(/^webgpu failed at patch 3 of \d+ \(2 done\): WebGPU device lost: Failed to execute 'mapAsync' on 'GPUBuffer': Device is lost$/);
    expect(res.data).toEqual(uninterrupted.data);
  });

  it('WebGL: a context lost while a read-back waits forever falls back and keeps the finished patches', async () => {
    const k = 4;
    const res = await run(['webgl', 'cpu'], {
      webgl: (call, gpu) => {
        if (call !== k + 1) return undefined;
        gpu.loseContext();
        return new Promise<Float32Array>(() => {}); // tfjs's fence never passes on a lost context
      },
    });
    expect(res.backend).toBe('cpu');
    expect(res.calls).toEqual({ webgl: k + 1, cpu: uninterrupted.patches - k });
    expect(res.failures).toEqual([`webgl failed at patch ${k + 1} of ${uninterrupted.patches} (${k} done): ${WEBGL_CONTEXT_LOST}`]);
    expect(res.data).toEqual(uninterrupted.data);
  });

  it('WebGL: a context lost between patches fails the next patch without running it on the dead context', async () => {
    const k = 2;
    const res = await run(['webgl', 'cpu'], {
      webgl: (call, gpu) => {
        if (call === k) setTimeout(() => gpu.loseContext(), 0); // lands between patch k and k+1
        return undefined;
      },
    });
    expect(res.calls).toEqual({ webgl: k, cpu: uninterrupted.patches - k });
    expect(res.failures[0]).toBe(`webgl failed at patch ${k + 1} of ${uninterrupted.patches} (${k} done): ${WEBGL_CONTEXT_LOST}`);
    expect(res.data).toEqual(uninterrupted.data);
  });

  it('the next run gets a fresh device: the lost backend instance is not handed back by setBackend', async () => {
    const before = instances.webgpu.length;
    await run(['webgpu', 'cpu'], { webgpu: (call, gpu) => (call === 1 ? (gpu.lose('reset'), undefined) : undefined) });
    const again = await run(['webgpu', 'cpu']);
    expect(instances.webgpu.length).toBe(before + 2);
    expect(again.backend).toBe('webgpu');
    expect(again.failures).toEqual([]);
    expect(again.data).toEqual(uninterrupted.data);
  });
});
