/** WorkerRpc against a fake worker that records what it is sent and replies when the test says so. */
import { describe, expect, it } from 'vitest';
import { CancelledError, WorkerRpc, type WorkerPort } from './workerRpc';

type In = { type: 'work'; id: string; payload: ArrayBuffer } | { type: 'cancel'; id: string } | { type: 'hello' };
type Out =
  | { type: 'progress'; id: string; done: number; total: number; stage: string }
  | { type: 'answer'; id: string; value: number }
  | { type: 'error'; id: string; message: string }
  | { type: 'cancelled'; id: string }
  | { type: 'notice'; text: string };

class FakeWorker implements WorkerPort {
  sent: { msg: In; transfer: Transferable[] }[] = [];
  terminated = false;
  onmessage: ((e: MessageEvent) => void) | null = null;
  onerror: ((e: ErrorEvent) => void) | null = null;
  postMessage(msg: unknown, transfer: Transferable[]) {
    this.sent.push({ msg: msg as In, transfer });
  }
  terminate() {
    this.terminated = true;
  }
  reply(msg: Out) {
    this.onmessage?.({ data: msg } as MessageEvent);
  }
  crash(message: string) {
    this.onerror?.({ message } as ErrorEvent);
  }
}

function setup() {
  const worker = new FakeWorker();
  const others: Out[] = [];
  const rpc = new WorkerRpc<In, Out>(
    worker,
    {
      name: 'test',
      idPrefix: 't',
      idOf: (m) => ('id' in m ? m.id : undefined),
      cancel: (id) => ({ type: 'cancel', id }),
      transferables: (m) => (m.type === 'work' ? [m.payload] : []),
    },
    (m) => others.push(m),
  );
  const work = (onProgress?: (d: number, t: number, s: string) => void) =>
    rpc.request((id) => ({ type: 'work', id, payload: new ArrayBuffer(8) }), onProgress);
  return { worker, rpc, others, work };
}

/** Whether a promise has settled, without waiting for it to. */
async function state(p: Promise<unknown>): Promise<'pending' | 'resolved' | 'rejected'> {
  const mark = {};
  return Promise.race([p, Promise.resolve(mark)]).then((v) => (v === mark ? 'pending' : 'resolved'), () => 'rejected');
}

describe('WorkerRpc', () => {
  it('gives each request a fresh id, sends it with its transferables, and settles it by the reply with that id', async () => {
    const { worker, work } = setup();
    const a = work();
    const b = work();
    expect([a.id, b.id]).toEqual(['t1', 't2']);
    expect(worker.sent.map((s) => s.msg.type === 'work' && s.msg.id)).toEqual(['t1', 't2']);
    expect(worker.sent[0].transfer).toEqual([(worker.sent[0].msg as Extract<In, { type: 'work' }>).payload]);
    // answered out of order: each reply goes to its own request
    worker.reply({ type: 'answer', id: 't2', value: 20 });
    expect(await state(a.reply)).toBe('pending');
    worker.reply({ type: 'answer', id: 't1', value: 10 });
    expect(await a.reply).toEqual({ type: 'answer', id: 't1', value: 10 });
    expect(await b.reply).toEqual({ type: 'answer', id: 't2', value: 20 });
  });

  it('reports progress without settling, and ignores replies to requests that are already settled or unknown', async () => {
    const { worker, work } = setup();
    const seen: string[] = [];
    const a = work((d, t, s) => seen.push(`${s} ${d}/${t}`));
    worker.reply({ type: 'progress', id: a.id, done: 1, total: 3, stage: 'patch' });
    worker.reply({ type: 'progress', id: a.id, done: 2, total: 3, stage: 'patch' });
    expect(await state(a.reply)).toBe('pending');
    worker.reply({ type: 'answer', id: a.id, value: 1 });
    worker.reply({ type: 'progress', id: a.id, done: 3, total: 3, stage: 'late' });
    worker.reply({ type: 'error', id: a.id, message: 'late' });
    worker.reply({ type: 'answer', id: 'nobody', value: 2 });
    expect(seen).toEqual(['patch 1/3', 'patch 2/3']);
    expect(await a.reply).toEqual({ type: 'answer', id: a.id, value: 1 });
  });

  it("rejects a request with the worker's error message", async () => {
    const { worker, work } = setup();
    const a = work();
    worker.reply({ type: 'error', id: a.id, message: 'x.nii: not a NIfTI file' });
    await expect(a.reply).rejects.toThrow(/^x\.nii: not a NIfTI file$/);
  });

  it("a worker 'error' event rejects every pending request, and later replies to them are dropped", async () => {
    const { worker, work } = setup();
    const a = work();
    const b = work();
    worker.reply({ type: 'answer', id: a.id, value: 1 });
    const c = work();
    worker.crash('out of memory');
    expect(await a.reply).toEqual({ type: 'answer', id: a.id, value: 1 });
    await expect(b.reply).rejects.toThrow('test worker failed: out of memory');
    await expect(c.reply).rejects.toThrow('test worker failed: out of memory');
    worker.reply({ type: 'answer', id: b.id, value: 2 }); // no effect: b stays rejected
    await expect(b.reply).rejects.toThrow('test worker failed');
    worker.crash('');
    const d = work();
    worker.crash('');
    await expect(d.reply).rejects.toThrow('test worker failed: unknown error');
  });

  it("cancel sends the protocol's cancel message; the worker's 'cancelled' reply rejects with CancelledError", async () => {
    const { worker, rpc, work } = setup();
    const a = work();
    rpc.cancel(a.id);
    expect(worker.sent.at(-1)).toEqual({ msg: { type: 'cancel', id: a.id }, transfer: [] });
    expect(await state(a.reply)).toBe('pending'); // the worker decides: a result may still win the race
    worker.reply({ type: 'cancelled', id: a.id });
    await expect(a.reply).rejects.toBeInstanceOf(CancelledError);
  });

  it('passes messages that answer no request to onOther, and terminate ends the worker', () => {
    const { worker, rpc, others } = setup();
    rpc.post({ type: 'hello' });
    expect(worker.sent).toEqual([{ msg: { type: 'hello' }, transfer: [] }]);
    worker.reply({ type: 'notice', text: 'webgpu' });
    expect(others).toEqual([{ type: 'notice', text: 'webgpu' }]);
    expect(worker.terminated).toBe(false);
    rpc.terminate();
    expect(worker.terminated).toBe(true);
  });
});
