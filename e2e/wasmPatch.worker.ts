/// <reference lib="webworker" />
/**
 * A patch worker for the worker-pool side of bench/wasm-threads.bench.ts: its own single-threaded WASM
 * instance and U-Net; patches in, chi patches out (the browser counterpart of src/cli/patchWorker.ts).
 */
import type { Vec3 } from '../src/core/volume';
import { fetchModelFiles, loadModel } from '../src/model/loadModel';
import { startBackend } from '../src/model/startBackend';
import { unetPatchNet } from '../src/model/unetPatchNet';
import type { PatchNet } from '../src/model/patchInference';
import { wasmUrls } from '../src/worker/wasmUrls';

const scope = self as unknown as DedicatedWorkerGlobalScope;
let net: Promise<PatchNet> | undefined;

scope.onmessage = async (e: MessageEvent<{ init: { modelUrl: string; side?: number[] } } | { id: number; patch: Float32Array; size: Vec3 }>) => {
  const m = e.data;
  if ('init' in m) {
    net = (async () => {
      await startBackend('wasm', { wasmPaths: wasmUrls, wasmThreads: 1 });
      return unetPatchNet(await loadModel(fetchModelFiles(m.init.modelUrl)), m.init.side, 'wasm');
    })();
    net.then(() => scope.postMessage({ ready: true }), (err: Error) => scope.postMessage({ startError: err.message }));
    return;
  }
  try {
    const out = (await net!).predict(m.patch, m.size);
    const o = await out;
    const copy = o.byteOffset === 0 && o.buffer.byteLength === o.byteLength ? o : o.slice();
    scope.postMessage({ id: m.id, out: copy }, [copy.buffer as ArrayBuffer]);
  } catch (err) {
    scope.postMessage({ id: m.id, error: (err as Error).message });
  }
};
