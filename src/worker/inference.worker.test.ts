/**
 * The inference worker's message handling in Node: the worker module runs against a fake worker scope,
 * models are "fetched" from the fixtures, and the CPU backend is asked for (the browser ones do not exist here).
 */
import { describe, it, expect, beforeAll, vi } from 'vitest';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { FromWorker, ToWorker } from './protocol';
import { makeVolume, type Vec3 } from '../core/volume';

const sent: FromWorker[] = [];
const scope = {
  location: { origin: 'http://test' },
  crossOriginIsolated: false,
  postMessage: (m: FromWorker): void => void sent.push(m),
  onmessage: null as null | ((e: { data: ToWorker }) => void),
};

/** /models/<id>/<file> -> a fixture folder (tiny-adaptive stands in for adaptive-unet); anything else 404s */
async function fakeFetch(url: string | URL): Promise<Response> {
  const m = /\/models\/adaptive-unet\/(.+)$/.exec(String(url));
  if (!m) return new Response('not found', { status: 404, statusText: 'Not Found' });
  return new Response(await readFile(path.join('src/model/__fixtures__/tiny-adaptive', m[1])));
}

const post = (msg: ToWorker) => scope.onmessage!({ data: msg });
const until = async (pred: () => boolean, ms = 60_000) => {
  const t0 = Date.now();
  while (!pred()) {
    if (Date.now() - t0 > ms) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 10));
  }
};
const of = (runId: string) => sent.filter((m) => 'runId' in m && m.runId === runId);
const field = () => makeVolume([40, 36, 20] as Vec3, [1, 1, 2], undefined, new Float32Array(40 * 36 * 20).map((_, i) => 0.01 * Math.sin(i / 50)));

describe('inference worker', () => {
  beforeAll(async () => {
    vi.stubGlobal('self', scope);
    vi.stubGlobal('fetch', fakeFetch);
    await import('./inference.worker');
    post({ type: 'backend', preferred: 'cpu' });
    await until(() => sent.some((m) => m.type === 'backend'));
  });

  it('answers a backend request with the backend that started', () => {
    expect(sent.find((m) => m.type === 'backend')).toEqual({ type: 'backend', backend: 'cpu' });
  });

  it('runs queued jobs in order, reports progress per patch, and transfers a result on the input grid', async () => {
    post({ type: 'start', runId: 'a', method: 'adaptive-unet', field: field(), b0Dir: [0, 0, 1], params: { patch: 16, overlap: 0 } });
    post({ type: 'start', runId: 'b', method: 'tkd', field: field(), b0Dir: [0, 0, 1], params: {} });
    await until(() => of('b').some((m) => m.type === 'result'));
    const a = of('a');
    const result = a.find((m) => m.type === 'result') as Extract<FromWorker, { type: 'result' }>;
    expect(result.chi.dims).toEqual([40, 36, 20]);
    expect(result.backend).toBe('cpu');
    // padded 48x48x32 in 16^3 patches: 3 * 3 * 2
    const patches = a.filter((m) => m.type === 'progress' && m.stage.startsWith('inference')).map((m) => (m as { done: number }).done);
    expect(patches).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
    expect(sent.indexOf(result)).toBeLessThan(sent.findIndex((m) => m.type === 'result' && m.runId === 'b'));
  });

  it('cancels a running model within one patch, and a queued run before it starts', async () => {
    // the cancel is delivered like a real worker message: a macrotask queued while patch 2 reports
    const deliver = scope.postMessage;
    scope.postMessage = (m: FromWorker) => {
      deliver(m);
      if (m.type === 'progress' && m.runId === 'c' && m.done === 2 && m.stage.startsWith('inference')) setTimeout(() => post({ type: 'cancel', runId: 'c' }), 0);
    };
    post({ type: 'start', runId: 'c', method: 'adaptive-unet', field: field(), b0Dir: [0, 0, 1], params: { patch: 16, overlap: 0.5 } });
    post({ type: 'start', runId: 'd', method: 'tkd', field: field(), b0Dir: [0, 0, 1], params: {} });
    post({ type: 'cancel', runId: 'd' });
    await until(() => of('c').some((m) => m.type === 'cancelled'));
    scope.postMessage = deliver;
    const done = of('c').filter((m) => m.type === 'progress' && m.stage.startsWith('inference')).map((m) => (m as { done: number }).done);
    expect(done).toEqual([1, 2]);
    expect(of('c').some((m) => m.type === 'result')).toBe(false);
    expect(of('d')).toEqual([{ type: 'cancelled', runId: 'd' }]);
  });

  it('runs tv and ndi with their parameters and iterations as progress, and cancels tv between iterations', async () => {
    const mask = makeVolume([40, 36, 20] as Vec3, [1, 1, 2], undefined, new Float32Array(40 * 36 * 20).fill(1));
    post({ type: 'start', runId: 't', method: 'tv', field: field(), mask, b0Dir: [0, 0, 1], params: { tvIterations: 3, tvTol: 0, tvLambda: 1e-3 } });
    post({ type: 'start', runId: 'n', method: 'ndi', field: field(), b0Dir: [0, 0, 1], magnitude: mask, params: { ndiIterations: 2, ndiTol: 0 } });
    await until(() => of('n').some((m) => m.type === 'result' || m.type === 'error'));
    for (const [id, stage, total] of [['t', 'TV iterations', 3], ['n', 'NDI iterations', 2]] as const) {
      const its = of(id).filter((m) => m.type === 'progress' && m.stage === stage).map((m) => (m as { done: number }).done);
      expect(its).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
      const r = of(id).find((m) => m.type === 'result') as Extract<FromWorker, { type: 'result' }>;
      expect(r.chi.dims).toEqual([40, 36, 20]);
      expect(r.backend).toBe('cpu');
    }
    // a cancel sent while iteration 2 reports arrives between iterations: no iteration 3, no result
    const deliver = scope.postMessage;
    scope.postMessage = (m: FromWorker) => {
      deliver(m);
      if (m.type === 'progress' && m.runId === 'u' && m.done === 2) setTimeout(() => post({ type: 'cancel', runId: 'u' }), 0);
    };
    post({ type: 'start', runId: 'u', method: 'tv', field: field(), b0Dir: [0, 0, 1], params: { tvIterations: 50, tvTol: 0 } });
    await until(() => of('u').some((m) => m.type === 'cancelled' || m.type === 'result'));
    scope.postMessage = deliver;
    expect(of('u').some((m) => m.type === 'result')).toBe(false);
    expect(Math.max(...of('u').filter((m) => m.type === 'progress').map((m) => (m as { done: number }).done))).toBeLessThanOrEqual(3);
  });

  it('says which model could not be loaded', async () => {
    post({ type: 'start', runId: 'e', method: 'unet-tl', field: field(), b0Dir: [0, 0, 1], params: {} });
    await until(() => of('e').some((m) => m.type === 'error'));
    const err = of('e').find((m) => m.type === 'error') as Extract<FromWorker, { type: 'error' }>;
    expect(err.message).toMatch(/^model unet-tl could not be loaded: http:\/\/test\/models\/unet-tl\/model\.json: HTTP 404 Not Found/);
    expect(err.recoverable).toBe(true);
  });

  it('goes back to the automatic order when a request leaves the preference out after one forced a backend', async () => {
    // forced to 'cpu' since beforeAll, and every run here ran on it; automatic tries only the browser backends
    const from = sent.length;
    post({ type: 'backend' });
    await until(() => sent.slice(from).some((m) => m.type === 'backend'), 120_000);
    const answer = sent.slice(from).find((m) => m.type === 'backend') as Extract<FromWorker, { type: 'backend' }>;
    // before this fix the worker kept 'cpu' and answered it from its last run, with no note
    expect(answer.backend).toBe('cpu');
    expect(answer.note).toMatch(/^no accelerated backend started: webgpu: .+; webgl: .+; wasm: .+/);
  });
});
