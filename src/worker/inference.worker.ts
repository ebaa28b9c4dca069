/// <reference lib="webworker" />
/**
 * The inference worker: the U-Nets through src/model (patch-wise, with backend fallback) and the classical
 * TKD / closed-form L2 / iterative TV and NDI through src/core (the iterative ones yield between iterations, so a
 * cancel reaches them within one iteration). Runs go through one queue, one at a time (tfjs's backend and the
 * GPU's memory are shared by all of them); a cancel stops the running one before its next patch.
 */
import { tkd } from '../core/tkd';
import { closedFormL2 } from '../core/closedFormL2';
import { ndiSolveAsync } from '../core/ndi';
import { tvSolveAsync } from '../core/tv';
import type { Volume } from '../core/volume';
import { loadModel, fetchModelFiles, type QsmModel } from '../model/loadModel';
import { inferVolume } from '../model/inferVolume';
import { BROWSER_BACKENDS, type BackendName } from '../model/backend';
import { describeBackend, startBackend, wasmHeapBytes } from '../model/startBackend';
import { backendOrder, knownBackend, requestBackend, softwareNote, type BackendChoice, type SoftwareRenderers } from './backendChoice';
import { rendererFacts } from '../model/rendererFacts';
import { softwareRenderers } from './softwareRenderer';
import { transferables, type FromWorker, type MethodId, type ToWorker } from './protocol';
import { wasmUrls } from './wasmUrls';
import { prepareThreadedWasm, startWasmWith } from './wasmThreads';

type StartMsg = Extract<ToWorker, { type: 'start' }>;

const scope = self as unknown as DedicatedWorkerGlobalScope;
/** queued work: runs, and backend probes (which must not switch tfjs's backend under a running model) */
const queue: (StartMsg | { type: 'probe'; preferred?: BackendName })[] = [];
const running = new Map<string, AbortController>();
const models = new Map<MethodId, Promise<QsmModel>>();
let choice: BackendChoice = {};
let busy = false;

function send(msg: FromWorker) {
  scope.postMessage(msg, transferables(msg));
}

let backendDetail = '';

/**
 * WASM runs the threaded SIMD binary on every core when the page is cross-origin isolated (wasmThreads.ts
 * mends what bundling broke in tfjs's pthread workers), else the unthreaded SIMD one; the note says which.
 */
async function start(name: BackendName) {
  const threading = name === 'wasm' ? await prepareThreadedWasm() : { threads: 1 };
  await startWasmWith(threading, () => startBackend(name, { wasmPaths: wasmUrls, wasmThreads: threading.threads }));
  const detail = await describeBackend();
  backendDetail = [detail === name ? '' : detail, threading.why].filter(Boolean).join(': ');
}

/** asked once: the renderers do not change under a running page */
let software: Promise<SoftwareRenderers> | undefined;
function softwareBackends(): Promise<SoftwareRenderers> {
  software ??= rendererFacts().then(softwareRenderers, () => ({}));
  return software;
}

function backendNote(slow: SoftwareRenderers, fallback?: string): string | undefined {
  return [backendDetail, softwareNote(choice, slow), fallback].filter(Boolean).join('; ') || undefined;
}

function model(id: MethodId): Promise<QsmModel> {
  let m = models.get(id);
  if (!m) {
    const base = new URL(`${import.meta.env.BASE_URL}models/${id}/`, scope.location.origin).href;
    m = loadModel(fetchModelFiles(base)).catch((e: Error) => {
      models.delete(id); // a later run may find the model once it is deployed
      throw new Error(`model ${id} could not be loaded: ${e.message}`, { cause: e });
    });
    models.set(id, m);
  }
  return m;
}

async function run(msg: StartMsg, signal: AbortSignal): Promise<{ chi: Volume; backend: BackendName }> {
  const onProgress = (done: number, total: number, stage: string) => send({ type: 'progress', runId: msg.runId, done, total, stage });
  if (msg.method === 'tkd' || msg.method === 'cfl2') {
    // the FFT methods run in plain JS here; no tfjs backend is involved
    const chi = msg.method === 'tkd'
      ? tkd(msg.field, msg.b0Dir, msg.params.tkdThreshold, msg.mask, { onProgress, signal })
      : closedFormL2(msg.field, msg.b0Dir, msg.params.cfl2Lambda, msg.mask, { onProgress, signal });
    return { chi, backend: 'cpu' };
  }
  if (msg.method === 'tv' || msg.method === 'ndi') {
    const p = msg.params, common = { magnitude: msg.magnitude, onProgress, signal };
    const r = msg.method === 'tv'
      ? await tvSolveAsync(msg.field, msg.b0Dir, msg.mask, { ...common, lambda: p.tvLambda, maxIter: p.tvIterations, tol: p.tvTol })
      : await ndiSolveAsync(msg.field, msg.b0Dir, msg.mask, { ...common, beta: p.ndiBeta, maxIter: p.ndiIterations, tol: p.ndiTol });
    return { chi: r.chi, backend: 'cpu' };
  }
  onProgress(0, 1, 'loading model');
  const m = await model(msg.method);
  const slow = await softwareBackends();
  const res = await inferVolume(m, msg.field, msg.b0Dir, {
    patch: msg.params.patch,
    overlap: msg.params.overlap,
    mirror: msg.params.mirror,
    mask: msg.mask,
    order: backendOrder(choice, BROWSER_BACKENDS, slow),
    start,
    signal,
    onProgress,
    onBackend: (backend, note) => {
      choice = { ...choice, last: backend };
      send({ type: 'backend', backend, note: backendNote(slow, note) });
    },
  });
  return { chi: res.chi, backend: res.backend };
}

async function pump() {
  if (busy) return;
  busy = true;
  try {
    for (let msg = queue.shift(); msg; msg = queue.shift()) {
      if (msg.type === 'probe') {
        // the preference applies here, in queue order: runs queued before it keep the order they were asked under
        choice = requestBackend(choice, msg.preferred);
        await reportBackend();
        continue;
      }
      const ctl = new AbortController();
      running.set(msg.runId, ctl);
      const t0 = performance.now();
      try {
        const { chi, backend } = await run(msg, ctl.signal);
        send({ type: 'result', runId: msg.runId, method: msg.method, chi, seconds: (performance.now() - t0) / 1000, backend, heapBytes: wasmHeapBytes() });
      } catch (e) {
        if (ctl.signal.aborted) send({ type: 'cancelled', runId: msg.runId });
        else send({ type: 'error', runId: msg.runId, message: (e as Error).message ?? String(e), recoverable: !/no backend could run/.test(String(e)) });
      } finally {
        running.delete(msg.runId);
      }
    }
  } finally {
    busy = false;
  }
}

scope.onmessage = (e: MessageEvent<ToWorker>) => {
  const msg = e.data;
  if (msg.type === 'start') {
    queue.push(msg);
    void pump();
  } else if (msg.type === 'cancel') {
    const i = queue.findIndex((q) => q.type === 'start' && q.runId === msg.runId);
    if (i >= 0) {
      queue.splice(i, 1);
      send({ type: 'cancelled', runId: msg.runId });
    }
    running.get(msg.runId)?.abort();
  } else if (msg.type === 'backend') {
    queue.push({ type: 'probe', preferred: msg.preferred });
    void pump();
  }
};

/** Answers a 'backend' request: the backend of the last run, else the first one that starts here. */
async function reportBackend() {
  const known = knownBackend(choice);
  const slow = await softwareBackends();
  if (known) return send({ type: 'backend', backend: known, note: backendNote(slow) });
  const failures: string[] = [];
  for (const name of backendOrder(choice, BROWSER_BACKENDS, slow)) {
    try {
      await start(name);
      choice = { ...choice, last: name };
      return send({ type: 'backend', backend: name, note: backendNote(slow, failures.join('; ')) });
    } catch (e) {
      failures.push(`${name}: ${(e as Error).message}`);
    }
  }
  send({ type: 'backend', backend: 'cpu', note: `no accelerated backend started: ${failures.join('; ')}` });
}
