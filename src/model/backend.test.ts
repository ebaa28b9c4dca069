/**
 * Fallback between backends with injected failures: a backend that cannot start is skipped, one that
 * throws on its Nth patch hands the remaining patches to the next, and no finished patch is recomputed.
 */
import { describe, it, expect } from 'vitest';
import { runWithFallback, type BackendName, type PatchRunner } from './backend';

/** Fake backends: each "computes" patch i as a record of who ran it; failAt makes the Nth run (1-based) throw. */
function harness(plan: Partial<Record<BackendName, { startError?: string; failAt?: number }>>) {
  const committed: (BackendName | null)[] = new Array(7).fill(null);
  const ran: string[] = [];
  const disposed: BackendName[] = [];
  const start = async (name: BackendName) => {
    const err = plan[name]?.startError;
    if (err) throw new Error(err);
  };
  const build = (name: BackendName): PatchRunner => {
    let runs = 0;
    return {
      run: async (i) => {
        runs++;
        ran.push(`${name}:${i}`);
        if (runs === plan[name]?.failAt) throw new Error('out of memory');
        return () => (committed[i] = name);
      },
      dispose: () => disposed.push(name),
    };
  };
  return { committed, ran, disposed, start, build };
}

describe('runWithFallback', () => {
  it('skips a backend that cannot start and resumes after a mid-run failure without redoing patches', async () => {
    const h = harness({ webgpu: { startError: 'WebGPU gave no adapter' }, webgl: { failAt: 4 } });
    const notes: string[] = [];
    const progress: number[] = [];
    const res = await runWithFallback({
      order: ['webgpu', 'webgl', 'wasm'], start: h.start, build: h.build, total: 7,
      onBackend: (name, note) => notes.push(`${name}|${note ?? ''}`),
      onPatch: (done) => progress.push(done),
    });
    expect(res.backend).toBe('wasm');
    expect(h.committed).toEqual(['webgl', 'webgl', 'webgl', 'wasm', 'wasm', 'wasm', 'wasm']);
    // patch 3 (0-based) was attempted on webgl, failed, and is the first one wasm runs
    expect(h.ran).toEqual(['webgl:0', 'webgl:1', 'webgl:2', 'webgl:3', 'wasm:3', 'wasm:4', 'wasm:5', 'wasm:6']);
    expect(progress).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(h.disposed).toEqual(['webgl', 'wasm']);
    expect(res.failures).toEqual(['webgpu failed at start: WebGPU gave no adapter', 'webgl failed at patch 4 of 7 (3 done): out of memory']);
    expect(notes[0]).toBe('webgl|fell back to webgl: webgpu failed at start: WebGPU gave no adapter');
    expect(notes[1]).toMatch(/^wasm\|fell back to wasm: .*webgl failed at patch 4 of 7/);
  });

  it('reports every failure when no backend works', async () => {
    const h = harness({ wasm: { failAt: 1 }, cpu: { startError: 'nope' } });
    await expect(runWithFallback({ order: ['wasm', 'cpu'], start: h.start, build: h.build, total: 7 })).rejects.toThrow(
      'no backend could run the model: wasm failed at patch 1 of 7 (0 done): out of memory; cpu failed at start: nope',
    );
  });

  it('stops between patches on abort and does not fall back', async () => {
    const h = harness({});
    const ctl = new AbortController();
    const run = runWithFallback({
      order: ['wasm', 'cpu'], start: h.start, build: h.build, total: 7, signal: ctl.signal,
      onPatch: (done) => done === 2 && ctl.abort(),
    });
    await expect(run).rejects.toThrow(/abort/i);
    expect(h.ran).toEqual(['wasm:0', 'wasm:1']);
    expect(h.disposed).toEqual(['wasm']);
  });
});
