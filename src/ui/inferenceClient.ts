/** Promise-based client for the inference worker (src/worker/protocol.ts): one run per method, in order. */
import type { Vec3, Volume } from '../core/volume';
import { transferables, type BackendName, type FromWorker, type MethodId, type MethodParams, type ToWorker } from '../worker/protocol';
import { copyVolume } from './volumeCopy';
import { WorkerRpc, type Progress } from './workerRpc';

export interface InferenceResult {
  chi: Volume;
  seconds: number;
  backend: BackendName;
}

export class InferenceClient {
  private readonly rpc: WorkerRpc<ToWorker, FromWorker>;
  onBackend?: (backend: BackendName, note?: string) => void;

  constructor() {
    const worker = new Worker(new URL('../worker/inference.worker.ts', import.meta.url), { type: 'module' });
    this.rpc = new WorkerRpc<ToWorker, FromWorker>(
      worker,
      {
        name: 'inference',
        idPrefix: 'r',
        idOf: (m) => (m.type === 'backend' ? undefined : m.runId),
        cancel: (runId) => ({ type: 'cancel', runId }),
        transferables,
      },
      // the only message without a runId: which backend runs, asked for or announced by a run
      (m) => m.type === 'backend' && this.onBackend?.(m.backend, m.note),
    );
  }

  /** Asks the worker which backend it uses (it answers with a 'backend' message); no preference = automatic. */
  requestBackend(preferred?: BackendName) {
    this.rpc.post({ type: 'backend', preferred });
  }

  /** magnitude: on the field's grid, for the methods that weight by it (tv, ndi); left out for the others */
  run(method: MethodId, field: Volume, mask: Volume | undefined, b0Dir: Vec3, params: MethodParams, onProgress?: Progress, magnitude?: Volume) {
    const mag = magnitude && (method === 'tv' || method === 'ndi') ? copyVolume(magnitude) : undefined;
    const { id: runId, reply } = this.rpc.request(
      (id) => ({ type: 'start', runId: id, method, field: copyVolume(field), mask: mask && copyVolume(mask), magnitude: mag, b0Dir, params }),
      onProgress,
    );
    const result = reply.then((m): InferenceResult => {
      const r = m as Extract<FromWorker, { type: 'result' }>;
      return { chi: r.chi, seconds: r.seconds, backend: r.backend };
    });
    return { runId, result };
  }

  cancel(runId: string) {
    this.rpc.cancel(runId);
  }

  dispose() {
    this.rpc.terminate();
  }
}
