/**
 * The CLI's patch pool (issue 13): N worker_threads, each with its own single-threaded tfjs WASM
 * instance (tfjs-wasm does not thread in Node), as PatchNets for runPatchesParallel. Each worker reads
 * the model from disk itself; a patch's input buffer is transferred to it and its output transferred back.
 * Memory grows with N (one WASM heap per worker, ~650 B per patch voxel at 16 base channels), not with
 * the volume: patches are cut when a worker takes one.
 */
import { Worker } from 'node:worker_threads';
import type { Vec3 } from '../core/volume';
import type { PatchNet } from '../model/patchInference';
import type { PatchWorkerInit, PatchWorkerReply } from './patchWorker';

const entry = new URL('./patchWorker.mjs', import.meta.url);

interface Pending { resolve: (out: Float32Array) => void; reject: (e: Error) => void }

function startWorker(init: PatchWorkerInit): Promise<PatchNet> {
  const worker = new Worker(entry, { workerData: init });
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let dead: Error | undefined;
  const failAll = (e: Error) => {
    dead ??= e;
    for (const p of pending.values()) p.reject(dead);
    pending.clear();
  };
  return new Promise<PatchNet>((resolve, reject) => {
    const net: PatchNet = {
      predict: (patch: Float32Array, size: Vec3) => {
        if (dead) return Promise.reject(dead);
        const id = nextId++;
        return new Promise<Float32Array>((res, rej) => {
          pending.set(id, { resolve: res, reject: rej });
          // the patch is a fresh copy (readPatch): hand its buffer over instead of copying it again
          worker.postMessage({ id, patch, size }, [patch.buffer as ArrayBuffer]);
        });
      },
      dispose: () => {
        failAll(new Error('patch worker disposed'));
        void worker.terminate();
      },
    };
    worker.on('message', (m: PatchWorkerReply) => {
      if ('ready' in m) return resolve(net);
      if ('startError' in m) {
        void worker.terminate();
        return reject(new Error(m.startError));
      }
      const p = pending.get(m.id);
      pending.delete(m.id);
      if ('error' in m) p?.reject(new Error(m.error));
      else p?.resolve(m.out);
    });
    worker.on('error', (e: Error) => {
      failAll(e);
      reject(e);
    });
    worker.on('exit', (code) => {
      const e = new Error(`patch worker exited (code ${code})`);
      failAll(e);
      reject(e);
    });
  });
}

/** Starts n workers; if any fails to start, the others are stopped and the first error is thrown. */
export async function startPatchPool(n: number, init: PatchWorkerInit): Promise<PatchNet[]> {
  const started = await Promise.allSettled(Array.from({ length: n }, () => startWorker(init)));
  const nets = started.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failed = started.find((s) => s.status === 'rejected');
  if (failed) {
    for (const net of nets) net.dispose();
    throw (failed as PromiseRejectedResult).reason;
  }
  return nets;
}
