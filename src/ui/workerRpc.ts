/**
 * Request/response over a Web Worker, shared by the compute and inference clients: each request gets an id,
 * replies carrying that id settle it (progress replies only report), and a worker that dies rejects every
 * request still pending, since none of them will ever be answered.
 */

export type Progress = (done: number, total: number, stage: string) => void;

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

/** The parts of a Worker used here (a test passes a fake). */
export interface WorkerPort {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => void) | null;
  onerror: ((e: ErrorEvent) => void) | null;
}

/** How one protocol names its requests; its replies are 'progress', 'error', 'cancelled', or the result. */
export interface RpcProtocol<In, Out extends { type: string }> {
  /** the worker's name in the message of its failure: "<name> worker failed: ..." */
  name: string;
  /** request ids are this prefix and a counter (kept distinct per worker for readable logs) */
  idPrefix: string;
  /** the request a reply answers; undefined for a message that answers none (it goes to onOther) */
  idOf(msg: Out): string | undefined;
  cancel(id: string): In;
  transferables(msg: In): Transferable[];
}

type ProgressReply = { type: 'progress'; done: number; total: number; stage: string };
type ErrorReply = { type: 'error'; message: string };

interface Pending<Out> {
  resolve: (msg: Out) => void;
  reject: (e: Error) => void;
  onProgress?: Progress;
}

export class WorkerRpc<In, Out extends { type: string }> {
  private readonly pending = new Map<string, Pending<Out>>();
  private nextId = 0;

  constructor(
    private readonly worker: WorkerPort,
    private readonly protocol: RpcProtocol<In, Out>,
    private readonly onOther?: (msg: Out) => void,
  ) {
    worker.onmessage = (e: MessageEvent<Out>) => this.receive(e.data);
    worker.onerror = (e) => {
      const err = new Error(`${protocol.name} worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
    };
  }

  private receive(msg: Out) {
    const id = this.protocol.idOf(msg);
    if (id === undefined) return this.onOther?.(msg);
    const p = this.pending.get(id);
    if (!p) return; // answered already, e.g. a result racing its cancel
    if (msg.type === 'progress') {
      const m = msg as unknown as ProgressReply;
      p.onProgress?.(m.done, m.total, m.stage);
      return;
    }
    this.pending.delete(id);
    if (msg.type === 'error') p.reject(new Error((msg as unknown as ErrorReply).message));
    else if (msg.type === 'cancelled') p.reject(new CancelledError());
    else p.resolve(msg);
  }

  /** Sends the request `make` builds for a fresh id; `reply` settles with the worker's final answer to it. */
  request(make: (id: string) => In, onProgress?: Progress): { id: string; reply: Promise<Out> } {
    const id = `${this.protocol.idPrefix}${++this.nextId}`;
    const msg = make(id);
    const reply = new Promise<Out>((resolve, reject) => this.pending.set(id, { resolve, reject, onProgress }));
    this.worker.postMessage(msg, this.protocol.transferables(msg));
    return { id, reply };
  }

  /** Asks the worker to cancel; the request settles when it answers ('cancelled', or a result that won the race). */
  cancel(id: string) {
    this.post(this.protocol.cancel(id));
  }

  /** A message that expects no reply of its own (answers, if any, go to onOther). */
  post(msg: In) {
    this.worker.postMessage(msg, this.protocol.transferables(msg));
  }

  terminate() {
    this.worker.terminate();
  }
}
