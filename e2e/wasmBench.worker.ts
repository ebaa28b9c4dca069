/// <reference lib="webworker" />
/**
 * Benchmark worker for bench/wasm-threads.bench.ts (issue 13): one model over an edge^3 synthetic field on
 * WASM with a given thread count, started the way the inference worker starts it (wasmThreads.ts), and
 * timed after a small warm-up run. One page load per thread count: tfjs-wasm starts once per worker.
 */
import { makeVolume, type Vec3 } from '../src/core/volume';
import { fetchModelFiles, loadModel } from '../src/model/loadModel';
import { inferVolume } from '../src/model/inferVolume';
import { describeBackend, startBackend } from '../src/model/startBackend';
import { prepareThreadedWasm, startWasmWith, type WasmThreading } from '../src/worker/wasmThreads';
import { wasmUrls } from '../src/worker/wasmUrls';

export interface WasmBenchRequest { model: string; edge: number; threads: number }
export interface WasmBenchReport { note: string; seconds: number; warmSeconds: number; patches: number; patchSize: number[]; checksum: number }

function syntheticField(dims: Vec3): Float32Array {
  const [nx, ny, nz] = dims;
  const out = new Float32Array(nx * ny * nz);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) out[i] = 0.03 * Math.sin(x / 6) * Math.cos(y / 9) * Math.sin(z / 5 + 1);
  return out;
}

const scope = self as unknown as DedicatedWorkerGlobalScope;
scope.onmessage = async (e: MessageEvent<WasmBenchRequest>) => {
  try {
    const { model: id, edge, threads } = e.data;
    const threading: WasmThreading = threads > 1 ? await prepareThreadedWasm() : { threads: 1 };
    if (threads > 1 && threading.threads < threads) threading.threads = Math.min(threads, threading.threads);
    await startWasmWith(threading, () => startBackend('wasm', { wasmPaths: wasmUrls, wasmThreads: threading.threads }));
    const note = `${await describeBackend()}${threading.why ? `: ${threading.why}` : ''}`;
    const model = await loadModel(fetchModelFiles(new URL(`/models/${id}/`, scope.location.origin).href));
    const b0: Vec3 = [0, Math.sin(0.2), Math.cos(0.2)];
    const run = (n: number) => inferVolume(model, makeVolume([n, n, n], [1, 1, 1], undefined, syntheticField([n, n, n])), b0, { order: ['wasm'], start: async () => {} });
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
