/** Promise-based client for the inference worker (src/worker/protocol.ts): one run per method, in order. */
import type { Vec3, Volume } from '../core/volume';
import { transferables, type BackendName, type FromWorker, type MethodId, type MethodParams, type ToWorker } from '../worker/protocol';
import { CancelledError, type Progress } from './computeClient';
import { copyVolume } from './volumeCopy';

export interface InferenceResult {
  chi: Volume;
  seconds: number;
  backend: BackendName;
}

interface Pending {
  resolve: (r: InferenceResult) => void;
  reject: (e: Error) => void;
  onProgress?: Progress;
}

export class InferenceClient {
  private readonly worker: Worker;
  private readonly pending = new Map<string, Pending>();
  private nextId = 0;
  onBackend?: (backend: BackendName, note?: string) => void;

  constructor() {
    this.worker = new Worker(new URL('../worker/inference.worker.ts', import.meta.url), { type: 'module' });
    this.worker.onmessage = (e: MessageEvent<FromWorker>) => this.receive(e.data);
    this.worker.onerror = (e) => {
      const err = new Error(`inference worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private receive(msg: FromWorker) {
    if (msg.type === 'backend') {
      this.onBackend?.(msg.backend, msg.note);
      return;
    }
    const p = this.pending.get(msg.runId);
    if (!p) return;
    if (msg.type === 'progress') {
      p.onProgress?.(msg.done, msg.total, msg.stage);
      return;
    }
    this.pending.delete(msg.runId);
    if (msg.type === 'result') p.resolve({ chi: msg.chi, seconds: msg.seconds, backend: msg.backend });
    else if (msg.type === 'cancelled') p.reject(new CancelledError());
    else p.reject(new Error(msg.message));
  }

  /** Asks the worker which backend it uses (it answers with a 'backend' message). */
  requestBackend(preferred?: BackendName) {
    this.worker.postMessage({ type: 'backend', preferred } satisfies ToWorker);
  }

  run(method: MethodId, field: Volume, mask: Volume | undefined, b0Dir: Vec3, params: MethodParams, onProgress?: Progress) {
    const runId = `r${++this.nextId}`;
    const msg: ToWorker = { type: 'start', runId, method, field: copyVolume(field), mask: mask && copyVolume(mask), b0Dir, params };
    const result = new Promise<InferenceResult>((resolve, reject) => this.pending.set(runId, { resolve, reject, onProgress }));
    this.worker.postMessage(msg, transferables(msg));
    return { runId, result };
  }

  cancel(runId: string) {
    this.worker.postMessage({ type: 'cancel', runId } satisfies ToWorker);
  }

  dispose() {
    this.worker.terminate();
  }
}
