/// <reference lib="webworker" />
/**
 * Benchmark worker for bench/wasm-threads.bench.ts (issue 13): one model over an edge^3 synthetic field on
 * WASM with a given thread count, started the way the inference worker starts it (wasmThreads.ts), and
 * timed after a small warm-up run. One page load per thread count: tfjs-wasm starts once per worker.
 */
import { makeVolume, type Vec3 } from '../src/core/volume';
import { fetchModelFiles, loadModel } from '../src/model/loadModel';
import { inferVolume, sideInformation } from '../src/model/inferVolume';
import { runPatchesParallel, slabPlan } from '../src/model/parallelPatches';
import type { PatchNet } from '../src/model/patchInference';
import { describeBackend, startBackend } from '../src/model/startBackend';
import { prepareThreadedWasm, startWasmWith, type WasmThreading } from '../src/worker/wasmThreads';
import { wasmUrls } from '../src/worker/wasmUrls';

/** threads: one WASM instance on that many threads; pool: that many single-threaded workers, one slab each */
export interface WasmBenchRequest { model: string; edge: number; threads: number; mode?: 'threads' | 'pool' }
export interface WasmBenchReport { note: string; seconds: number; warmSeconds: number; patches: number; patchSize: number[]; checksum: number }

function syntheticField(dims: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) out[i] = 0.03 * Math.sin(x / 6) * Math.cos(y / 9) * Math.sin(z / 5 + 1);
  return out;
}

/** n single-threaded patch workers (e2e/wasmPatch.worker.ts) as PatchNets */
async function patchPool(n: number, modelUrl: string, side?: number[]): Promise<{ nets: PatchNet[]; stop(): void }> {
  const workers = Array.from({ length: n }, () => new Worker(new URL('./wasmPatch.worker.ts', import.meta.url), { type: 'module' }));
  const nets = await Promise.all(workers.map((w) => new Promise<PatchNet>((resolve, reject) => {
    const pending = new Map<number, (out: Float32Array) => void>();
    let next = 0;
    w.onmessage = (ev: MessageEvent<{ ready?: true; startError?: string; id?: number; out?: Float32Array; error?: string }>) => {
      const d = ev.data;
      if (d.ready) resolve({ predict: (patch, size) => new Promise((res) => { pending.set(next, res); w.postMessage({ id: next++, patch, size }, [patch.buffer as ArrayBuffer]); }), dispose: () => w.terminate() });
      else if (d.startError) reject(new Error(d.startError));
      else if (d.error) reject(new Error(d.error));
      else { pending.get(d.id!)!(d.out!); pending.delete(d.id!); }
    };
    w.postMessage({ init: { modelUrl, side } });
  })));
  return { nets, stop: () => workers.forEach((w) => w.terminate()) };
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<WasmBenchRequest>) => {
  try {
    const { model: id, edge, threads } = e.data;
    if (e.data.mode === 'pool') {
      const modelUrl = new URL(`/models/${id}/`, scope.location.origin).href;
      const model = await loadModel(fetchModelFiles(modelUrl));
      const b0: Vec3 = [0, Math.sin(0.2), Math.cos(0.2)];
      const dims: Vec3 = [edge, edge, edge];
      const t0 = performance.now();
      const pool = await patchPool(threads, modelUrl, model.meta.architecture === 'adaptive-unet' ? sideInformation([1, 1, 1], b0) : undefined);
      const warmSeconds = (performance.now() - t0) / 1000;
      const plan = slabPlan(dims, model.meta.multiple, threads, 3e6)!;
      const t1 = performance.now();
      const res = await runPatchesParallel(syntheticField(dims), dims, { multiple: model.meta.multiple, patch: 0, patchSize: plan.patchSize, overlap: plan.overlap, nets: pool.nets });
      const seconds = (performance.now() - t1) / 1000;
      pool.stop();
      let checksum = 0;
      for (let i = 0; i < res.data.length; i += 997) checksum += res.data[i];
      scope.postMessage({ ok: true, report: { note: `${threads} single-threaded WASM workers (start ${warmSeconds.toFixed(1)} s, not timed)`, seconds, warmSeconds, patches: res.patches, patchSize: res.patchSize, checksum } satisfies WasmBenchReport });
      return;
    }
    const threading: WasmThreading = threads > 1 ? await prepareThreadedWasm() : { threads: 1 };
    if (threads > 1 && threading.threads < threads) threading.threads = Math.min(threads, threading.threads);
    await startWasmWith(threading, () => startBackend('wasm', { wasmPaths: wasmUrls, wasmThreads: threading.threads }));
    const note = `${await describeBackend()}${threading.why ? `: ${threading.why}` : ''}`;
    const model = await loadModel(fetchModelFiles(new URL(`/models/${id}/`, scope.location.origin).href));
    const b0: Vec3 = [0, Math.sin(0.2), Math.cos(0.2)];
    const run = (n: number) => inferVolume(model, makeVolume([n, n, n], [1, 1, 1], undefined, syntheticField([n, n, n])), b0, { mirror: false, order: ['wasm'], start: async () => {} });
    let t0 = performance.now();
    await run(32);
    const warmSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    const res = await run(edge);
    const seconds = (performance.now() - t0) / 1000;
    let checksum = 0;
    for (let i = 0; i < res.chi.data.length; i += 997) checksum += res.chi.data[i];
    scope.postMessage({ ok: true, report: { note, seconds, warmSeconds, patches: res.patches, patchSize: res.patchSize, checksum } satisfies WasmBenchReport });
  } catch (err) {
    scope.postMessage({ ok: false, message: (err as Error).message ?? String(err) });
  }
};
