/**
 * Promise-based client for the inference worker (src/worker/protocol.ts): one run per method, in order.
 *
 * A WASM memory never shrinks: after a network on a brain-sized volume the worker keeps its largest patch's
 * activations (about 1 GiB at 256x256x192) while the compute worker runs the data consistency, TV or NDI
 * beside it, and the tab went over 3 GiB. So once a run leaves the worker holding more than RELEASE_HEAP_BYTES
 * and nothing else is queued, the client ends that worker; the next run starts a fresh one, asking for the
 * same backend. The cost is the backend's start and the model's load again, seconds against minutes of work.
 */
import type { Vec3, Volume } from '../core/volume';
import { transferables, type BackendName, type FromWorker, type MethodId, type MethodParams, type ToWorker } from '../worker/protocol';
import { copyVolume } from './volumeCopy';
import { WorkerRpc, type Progress, type WorkerPort } from './workerRpc';

export interface InferenceResult {
  chi: Volume;
  seconds: number;
  backend: BackendName;
  /** the worker was ended after this run to give its WASM memory back */
  released: boolean;
}

/** A worker holding more WASM memory than this after a run is ended (see above). */
export const RELEASE_HEAP_BYTES = 512 * 2 ** 20;

const makeWorker = (): WorkerPort => new Worker(new URL('../worker/inference.worker.ts', import.meta.url), { type: 'module' });

export class InferenceClient {
  private rpc: WorkerRpc<ToWorker, FromWorker> | undefined;
  /** the last backend preference asked for, passed on to a fresh worker */
  private preferred: { value?: BackendName } | undefined;
  private inFlight = 0;
  onBackend?: (backend: BackendName, note?: string) => void;

  /** newWorker: a test passes a fake */
  constructor(private readonly newWorker: () => WorkerPort = makeWorker) {
    this.connect();
  }

  private connect(): WorkerRpc<ToWorker, FromWorker> {
    if (this.rpc) return this.rpc;
    this.rpc = new WorkerRpc<ToWorker, FromWorker>(
      this.newWorker(),
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
    if (this.preferred) this.rpc.post({ type: 'backend', preferred: this.preferred.value });
    return this.rpc;
  }

  /** Asks the worker which backend it uses (it answers with a 'backend' message); no preference = automatic. */
  requestBackend(preferred?: BackendName) {
    this.preferred = { value: preferred };
    this.connect().post({ type: 'backend', preferred });
  }

  /** magnitude: on the field's grid, for the methods that weight by it (tv, ndi); left out for the others */
  run(method: MethodId, field: Volume, mask: Volume | undefined, b0Dir: Vec3, params: MethodParams, onProgress?: Progress, magnitude?: Volume) {
    const mag = magnitude && (method === 'tv' || method === 'ndi') ? copyVolume(magnitude) : undefined;
    const rpc = this.connect();
    const { id: runId, reply } = rpc.request(
      (id) => ({ type: 'start', runId: id, method, field: copyVolume(field), mask: mask && copyVolume(mask), magnitude: mag, b0Dir, params }),
      onProgress,
    );
    this.inFlight++;
    const result = reply.finally(() => this.inFlight--).then((m): InferenceResult => {
      const r = m as Extract<FromWorker, { type: 'result' }>;
      const released = r.heapBytes > RELEASE_HEAP_BYTES && this.inFlight === 0 && this.rpc === rpc;
      if (released) this.release();
      return { chi: r.chi, seconds: r.seconds, backend: r.backend, released };
    });
    return { runId, result };
  }

  cancel(runId: string) {
    this.rpc?.cancel(runId);
  }

  /** Ends the worker now (its memory goes back to the system); a later call starts a fresh one. */
  release() {
    this.rpc?.terminate();
    this.rpc = undefined;
  }

  dispose() {
    this.release();
  }
}
