/**
 * The inference client gives a large WASM heap back: a run that leaves its worker holding more than
 * RELEASE_HEAP_BYTES ends that worker once nothing else is queued, and the next run gets a fresh one that is
 * asked for the same backend first. Fake workers record what they are sent.
 */
import { describe, expect, it } from 'vitest';
import { InferenceClient, RELEASE_HEAP_BYTES } from './inferenceClient';
import type { WorkerPort } from './workerRpc';
import type { FromWorker, ToWorker } from '../worker/protocol';
import type { Volume } from '../core/volume';

class FakeWorker implements WorkerPort {
  sent: ToWorker[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(msg: unknown) {
    this.sent.push(msg as ToWorker);
  }
  terminate() {
    this.terminated = true;
  }
  reply(msg: FromWorker) {
    this.onmessage?.({ data: msg } as MessageEvent);
  }
  /** answers the last 'start' it was sent with a result that leaves heapBytes held */
  finish(heapBytes: number) {
    const start = this.sent.filter((m) => m.type === 'start').at(-1) as Extract<ToWorker, { type: 'start' }>;
    this.reply({ type: 'result', runId: start.runId, method: start.method, chi: start.field, seconds: 1, backend: 'wasm', heapBytes });
  }
}

const vol = (): Volume => ({ data: new Float32Array(8), dims: [2, 2, 2], voxelSize: [1, 1, 1], affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1] });

function setup() {
  const workers: FakeWorker[] = [];
  const client = new InferenceClient(() => {
    const w = new FakeWorker();
    workers.push(w);
    return w;
  });
  const run = () => client.run('adaptive-unet-tl', vol(), undefined, [0, 0, 1], {});
  return { workers, client, run };
}

describe('InferenceClient', () => {
  it('keeps a worker whose heap is small', async () => {
    const { workers, run } = setup();
    const a = run();
    workers[0].finish(RELEASE_HEAP_BYTES / 4);
    expect((await a.result).released).toBe(false);
    run();
    expect(workers).toHaveLength(1);
    expect(workers[0].terminated).toBe(false);
  });

  it('ends a worker left with a large heap, and the next run starts a fresh one with the backend asked for', async () => {
    const { workers, client, run } = setup();
    client.requestBackend('wasm');
    const a = run();
    workers[0].finish(RELEASE_HEAP_BYTES * 2);
    const r = await a.result;
    expect(r.released).toBe(true);
    expect(r.chi.data).toHaveLength(8); // the result itself is kept
    expect(workers[0].terminated).toBe(true);
    const b = run();
    expect(workers).toHaveLength(2);
    expect(workers[1].sent.map((m) => m.type)).toEqual(['backend', 'start']);
    expect(workers[1].sent[0]).toEqual({ type: 'backend', preferred: 'wasm' });
    workers[1].finish(0);
    expect((await b.result).released).toBe(false);
  });

  it('does not end a worker with another run still queued on it', async () => {
    const { workers, run } = setup();
    const a = run();
    const b = run();
    workers[0].finish(RELEASE_HEAP_BYTES * 2); // answers b's start; a is still pending
    expect((await b.result).released).toBe(false);
    expect(workers[0].terminated).toBe(false);
    void a;
  });
});
