/**
 * One worker thread of the CLI's patch pool (patchPool.ts): its own tfjs with a single-threaded WASM (or
 * CPU) backend and the U-Net built once; patches in, chi patches out, one at a time.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import type { Vec3 } from '../core/volume';
import { loadModel, readerModelFiles } from '../model/loadModel';
import { startBackend, type BackendName } from '../model/startBackend';
import { learnedPatchNet } from '../model/unetPatchNet';
import type { MirrorPass } from '../model/mirrorAverage';

export interface PatchWorkerInit { modelDir: string; side?: number[]; mirror?: MirrorPass; backend: BackendName; wasmDir: string }
export type PatchWorkerRequest = { id: number; patch: Float32Array; size: Vec3 };
export type PatchWorkerReply = { id: number; out: Float32Array } | { id: number; error: string } | { ready: true } | { startError: string };

tf.enableProdMode();
const init = workerData as PatchWorkerInit;
const port = parentPort!;

const net = (async () => {
  await startBackend(init.backend, { wasmPaths: init.wasmDir, wasmThreads: 1 });
  return learnedPatchNet(await loadModel(readerModelFiles(init.modelDir, readFile)), init.side, init.mirror, init.backend);
})();
net.then(() => port.postMessage({ ready: true } satisfies PatchWorkerReply), (e: Error) => port.postMessage({ startError: e.message ?? String(e) } satisfies PatchWorkerReply));

port.on('message', async (m: PatchWorkerRequest) => {
  try {
    let out = await (await net).predict(m.patch, m.size);
    // a view into a larger buffer (the WASM heap) must not be transferred: copy it out
    if (out.byteOffset !== 0 || out.buffer.byteLength !== out.byteLength) out = out.slice();
    port.postMessage({ id: m.id, out } satisfies PatchWorkerReply, [out.buffer as ArrayBuffer]);
  } catch (e) {
    port.postMessage({ id: m.id, error: (e as Error).message ?? String(e) } satisfies PatchWorkerReply);
  }
});
