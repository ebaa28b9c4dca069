import { describe, it, expect } from 'vitest';
import type { Vec3 } from '../core/volume';
import { runPatchwise, type PatchNet } from './patchInference';
import { patchCount, runPatchesParallel, slabPlan } from './parallelPatches';
import { seededValues } from './testUtils';

/** A net whose output depends on the voxel and its patch position (like a U-Net's receptive field would), with a delay per patch. */
function fakeNet(delays: number[], log: number[], id: number): PatchNet {
  let calls = 0;
  return {
    predict: async (patch, size) => {
      log.push(id);
      await new Promise((r) => setTimeout(r, delays[calls++ % delays.length]));
      const out = new Float32Array(patch.length);
      for (let i = 0; i < patch.length; i++) out[i] = 2 * patch[i] + size[0] * 1e-3;
      return out;
    },
    dispose: () => {},
  };
}

describe('runPatchesParallel', () => {
  const dims: Vec3 = [40, 36, 28];
  const field = seededValues(dims[0] * dims[1] * dims[2], 3);

  it('gives what the sequential runner gives, spreading the patches over the nets', async () => {
    const seq = await runPatchwise(field, dims, {
      multiple: 8, patch: 16, overlap: 0.25, order: ['cpu'], start: async () => {}, build: () => fakeNet([0], [], 0),
    });
    const log: number[] = [];
    const progress: number[] = [];
    const par = await runPatchesParallel(field, dims, {
      multiple: 8, patch: 16, overlap: 0.25, nets: [fakeNet([1, 3], log, 0), fakeNet([2], log, 1), fakeNet([5], log, 2)],
      onProgress: (d) => progress.push(d),
    });
    expect(par.patches).toBe(seq.patches);
    expect(par.patches).toBe(patchCount(dims, 8, 16, 0.25));
    // the blend adds patches in the order they finish: equal up to float rounding
    let most = 0;
    for (let i = 0; i < seq.data.length; i++) most = Math.max(most, Math.abs(par.data[i] - seq.data[i]));
    expect(most).toBeLessThan(1e-6);
    expect(par.perNet.reduce((a, b) => a + b, 0)).toBe(par.patches);
    expect(par.perNet.every((n) => n > 0)).toBe(true);
    expect(progress).toEqual(Array.from({ length: par.patches }, (_, i) => i + 1));
  });

  it('has at most one patch in flight per net', async () => {
    let inFlight = 0;
    let most = 0;
    const net = (): PatchNet => ({
      predict: async (patch) => {
        most = Math.max(most, ++inFlight);
        await new Promise((r) => setTimeout(r, 2));
        inFlight--;
        return patch.slice();
      },
      dispose: () => {},
    });
    await runPatchesParallel(field, dims, { multiple: 8, patch: 16, overlap: 0, nets: [net(), net()] });
    expect(most).toBe(2);
  });

  it('rejects when one net fails, and starts no patch after that', async () => {
    const started: number[] = [];
    const bad: PatchNet = { predict: async () => { started.push(-1); throw new Error('out of memory'); }, dispose: () => {} };
    const good: PatchNet = { predict: async (p) => { started.push(1); await new Promise((r) => setTimeout(r, 5)); return p.slice(); }, dispose: () => {} };
    await expect(runPatchesParallel(field, dims, { multiple: 8, patch: 16, overlap: 0.25, nets: [good, bad] })).rejects.toThrow('out of memory');
    expect(started.length).toBeLessThan(patchCount(dims, 8, 16, 0.25));
  });

  it('stops on cancel', async () => {
    const ctl = new AbortController();
    let calls = 0;
    const net: PatchNet = { predict: async (p) => { if (++calls === 2) ctl.abort(); return p.slice(); }, dispose: () => {} };
    await expect(runPatchesParallel(field, dims, { multiple: 8, patch: 16, overlap: 0, nets: [net], signal: ctl.signal })).rejects.toThrow();
    expect(calls).toBe(2);
  });
});

describe('slabPlan', () => {
  it('cuts the longest axis into one slab per lane when that fits, sharing the overlap', () => {
    const plan = slabPlan([144, 176, 144], 16, 2, 3e6, 16)!;
    expect(plan.patchSize).toEqual([144, 96, 144]);
    expect(plan.patches).toBe(2);
    expect(plan.overlap).toBeCloseTo(16 / 96);
  });
  it('takes more slabs, a multiple of the lanes, when one is over the memory bound', () => {
    const plan = slabPlan([144, 176, 144], 16, 2, 1.2e6, 16)!;
    expect(plan.patches % 2).toBe(0);
    expect(plan.patchSize[0] * plan.patchSize[1] * plan.patchSize[2]).toBeLessThanOrEqual(1.2e6);
  });
  it('gives up when no slab fits', () => {
    expect(slabPlan([144, 176, 144], 16, 2, 1e4)).toBeUndefined();
  });
});
