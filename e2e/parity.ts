/**
 * Test page script (e2e/parity.html, built with the app): runs the real inference worker over a parity
 * fixture through the worker protocol and reports the relative error against PyTorch's output and the
 * backend the worker announced. The spec routes /models/<id>/ and /fixture/ to the fixture's files.
 */
import type { BackendName, FromWorker, MethodId, MethodParams, ToWorker } from '../src/worker/protocol';
import type { FromCompute, ToCompute } from '../src/worker/computeProtocol';
import type { Vec3 } from '../src/core/volume';
import { benchConv } from './convBench';
import { loadModel, fetchModelFiles } from '../src/model/loadModel';
import { inferVolume } from '../src/model/inferVolume';
import { kernelsFor } from '../src/model/kernelChoice';
import { startBackend } from '../src/model/startBackend';
import { makeVolume } from '../src/core/volume';
import { wasmUrls } from '../src/worker/wasmUrls';
import { InferenceClient } from '../src/ui/inferenceClient';

export interface ParityReport {
  relativeError: number;
  backends: { backend: string; note?: string }[];
  resultBackend: string;
  seconds: number;
  maxAbsOutput: number;
}

async function f32(url: string): Promise<Float32Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Float32Array(await res.arrayBuffer());
}

async function runParity(method: MethodId, preferred?: BackendName): Promise<ParityReport> {
  const spec = (await (await fetch('/fixture/parity.json')).json()) as { shape: number[]; sideInfo: number[] };
  const input = await f32('/fixture/parity-input.bin');
  const expected = await f32('/fixture/parity-output.bin');
  const [nz, ny, nx] = spec.shape;
  const voxelSize = spec.sideInfo.slice(0, 3) as Vec3;
  const b0Dir = spec.sideInfo.slice(3, 6) as Vec3;
  const worker = new Worker(new URL('../src/worker/inference.worker.ts', import.meta.url), { type: 'module' });
  const backends: ParityReport['backends'] = [];
  const done = new Promise<Extract<FromWorker, { type: 'result' }>>((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<FromWorker>) => {
      const m = e.data;
      if (m.type === 'backend') backends.push(m.note ? { backend: m.backend, note: m.note } : { backend: m.backend });
      else if (m.type === 'result') resolve(m);
      else if (m.type === 'error') reject(new Error(m.message));
      else if (m.type === 'cancelled') reject(new Error('cancelled'));
    };
    worker.onerror = (e) => reject(new Error(e.message));
  });
  const affine = [voxelSize[0], 0, 0, 0, 0, voxelSize[1], 0, 0, 0, 0, voxelSize[2], 0, 0, 0, 0, 1];
  const msg: ToWorker = {
    type: 'start', runId: 'parity', method, b0Dir,
    field: { data: input, dims: [nx, ny, nz], voxelSize, affine },
    params: { patch: 0, mirror: false }, // one pass: what PyTorch's parity output is
  };
  if (preferred) worker.postMessage({ type: 'backend', preferred } satisfies ToWorker);
  worker.postMessage(msg, [input.buffer]);
  const result = await done;
  worker.terminate();
  let num = 0;
  let den = 0;
  let maxAbs = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (result.chi.data[i] - expected[i]) ** 2;
    den += expected[i] ** 2;
    maxAbs = Math.max(maxAbs, Math.abs(result.chi.data[i]));
  }
  return { relativeError: Math.sqrt(num / den), backends, resultBackend: result.backend, seconds: result.seconds, maxAbsOutput: maxAbs };
}

export interface FallbackReport {
  backend: string;
  failures: string[];
  notes: string[];
  relativeError: number;
}

/**
 * In the page: the fixture through inferVolume on WebGPU with tfjs's own Conv3D forced in, whose shader
 * fails validation on SwiftShader (e2e/model-parity.spec.ts shows it returns zeros). The error scopes must
 * catch that and hand the run to WASM.
 */
async function runFallback(): Promise<FallbackReport> {
  const spec = (await (await fetch('/fixture/parity.json')).json()) as { shape: number[]; sideInfo: number[] };
  const input = await f32('/fixture/parity-input.bin');
  const expected = await f32('/fixture/parity-output.bin');
  const model = await loadModel(fetchModelFiles('/fixture'));
  const [nz, ny, nx] = spec.shape;
  const field = makeVolume([nx, ny, nz], spec.sideInfo.slice(0, 3) as Vec3, undefined, input);
  const notes: string[] = [];
  const res = await inferVolume(model, field, spec.sideInfo.slice(3) as Vec3, {
    // one pass: PyTorch's parity output is a single pass (mirror averaging is tested in src/cli/learnedMethods.test.ts)
    patch: 0, mirror: false, order: ['webgpu', 'wasm'],
    start: (b) => startBackend(b, { wasmPaths: wasmUrls, wasmThreads: 1 }),
    kernels: (b) => (b === 'webgpu' ? { ...kernelsFor(b), conv: 'conv3d' } : undefined),
    onBackend: (b, note) => notes.push(`${b}: ${note ?? ''}`),
  });
  let num = 0;
  let den = 0;
  for (let i = 0; i < expected.length; i++) {
    num += (res.chi.data[i] - expected[i]) ** 2;
    den += expected[i] ** 2;
  }
  return { backend: res.backend, failures: res.failures, notes, relativeError: Math.sqrt(num / den) };
}

/** bench/wasm-threads.bench.ts: one model over an edge^3 field on WASM with `threads` threads, in a worker of its own. */
function benchWasm(model: string, edge: number, threads: number, mode: 'threads' | 'pool' = 'threads'): Promise<import('./wasmBench.worker').WasmBenchReport> {
  const worker = new Worker(new URL('./wasmBench.worker.ts', import.meta.url), { type: 'module' });
  return new Promise((resolve, reject) => {
    worker.onmessage = (e: MessageEvent<{ ok: true; report: import('./wasmBench.worker').WasmBenchReport } | { ok: false; message: string }>) => {
      worker.terminate();
      if (e.data.ok) resolve(e.data.report);
      else reject(new Error(e.data.message));
    };
    worker.onerror = (e) => reject(new Error(e.message));
    worker.postMessage({ model, edge, threads, mode });
  });
}

/**
 * bench/memory.bench.ts: one method of the real inference worker over a synthetic dims field (a sphere
 * mask, a smooth field), on the worker's automatic backend; resolves with its seconds and backend.
 */
async function runMethodOn(method: MethodId, dims: Vec3, params: MethodParams, withDc = false): Promise<{ seconds: number; backend: string; note?: string; dcSeconds?: number; released?: boolean }> {
  const [nx, ny, nz] = dims;
  const n = nx * ny * nz;
  const field = new Float32Array(n);
  const mask = new Float32Array(n);
  for (let z = 0, i = 0; z < nz; z++)
    for (let y = 0; y < ny; y++)
      for (let x = 0; x < nx; x++, i++) {
        field[i] = 0.03 * Math.sin(x / 6) * Math.cos(y / 9) * Math.sin(z / 5 + 1);
        mask[i] = ((x - nx / 2) / (0.45 * nx)) ** 2 + ((y - ny / 2) / (0.45 * ny)) ** 2 + ((z - nz / 2) / (0.45 * nz)) ** 2 <= 1 ? 1 : 0;
      }
  const affine = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  const vol = (data: Float32Array) => ({ data, dims, voxelSize: [1, 1, 1] as Vec3, affine });
  // the workbench's client, so its policy of ending a worker left with a large WASM heap is what is measured
  const inference = new InferenceClient();
  let note: string | undefined;
  inference.onBackend = (_b, n) => (note = n);
  try {
    const r = await inference.run(method, vol(field), vol(mask), [0, 0, 1], params).result;
    if (!withDc) return { seconds: r.seconds, backend: r.backend, note, released: r.released };
    // as the workbench does: the compute worker makes the map consistent with the field (masked form, its
    // defaults) while the inference worker lives on, unless the client released it
    const compute = new Worker(new URL('../src/worker/compute.worker.ts', import.meta.url), { type: 'module' });
    const t0 = performance.now();
    try {
      await new Promise<void>((resolve, reject) => {
        compute.onmessage = (e: MessageEvent<FromCompute>) => {
          if (e.data.type === 'dc') resolve();
          else if (e.data.type === 'error') reject(new Error(e.data.message));
        };
        compute.onerror = (e) => reject(new Error(e.message));
        compute.postMessage({ type: 'dc', jobId: 'memory-dc', field: vol(field), chiNet: r.chi, b0Dir: [0, 0, 1], mask: vol(mask), form: 'masked' } satisfies ToCompute);
      });
    } finally {
      compute.terminate();
    }
    return { seconds: r.seconds, backend: r.backend, note, dcSeconds: (performance.now() - t0) / 1000, released: r.released };
  } finally {
    inference.dispose();
  }
}

Object.assign(window, { runParity, benchConv, runFallback, benchWasm, runMethodOn });
