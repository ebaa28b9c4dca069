/**
 * Starting one tfjs backend by name. The WebGPU and WASM backends are imported on demand so that a Node
 * process, or a browser that never needs them, does not load them.
 */
import * as tf from '@tensorflow/tfjs';

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';

export interface BackendOptions {
  /** WASM binaries: a directory prefix (ending in '/') or one URL per file (Vite's `?url` imports) */
  wasmPaths?: string | Partial<Record<'tfjs-backend-wasm.wasm' | 'tfjs-backend-wasm-simd.wasm' | 'tfjs-backend-wasm-threaded-simd.wasm', string>>;
  /** WASM threads (needs crossOriginIsolated in a browser); 1 = the unthreaded SIMD binary; default: the backend's own choice */
  wasmThreads?: number;
}

/** Registers (if needed) and activates a backend; throws a message saying why it could not start. */
export async function startBackend(name: BackendName, options: BackendOptions = {}): Promise<void> {
  if (name === 'webgpu') {
    const gpu = (globalThis.navigator as { gpu?: { requestAdapter(): Promise<unknown> } } | undefined)?.gpu;
    if (!gpu) throw new Error('WebGPU is not available here (no navigator.gpu)');
    if (!(await gpu.requestAdapter())) throw new Error('WebGPU gave no adapter');
    await import('@tensorflow/tfjs-backend-webgpu');
  }
  if (name === 'wasm') {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (options.wasmPaths) wasm.setWasmPaths(options.wasmPaths as string);
    // one thread: load the plain SIMD binary (the threaded one needs its pthread workers to load too)
    if (options.wasmThreads === 1) tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
    else if (options.wasmThreads) wasm.setThreadsCount(options.wasmThreads);
  }
  if (!tf.findBackendFactory(name)) throw new Error(`the ${name} backend is not registered`);
  let ok: boolean;
  try {
    ok = await tf.setBackend(name);
  } catch (e) {
    throw new Error(`the ${name} backend failed to start: ${(e as Error).message}`, { cause: e });
  }
  if (!ok) throw new Error(`the ${name} backend failed to start`);
  await tf.ready();
}

/** One line on how the active backend runs, for the 'backend' message: WASM's SIMD and thread count. */
export async function describeBackend(): Promise<string> {
  const name = tf.getBackend();
  if (name !== 'wasm') return name;
  const wasm = await import('@tensorflow/tfjs-backend-wasm');
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT') ? wasm.getThreadsCount() : 1;
  return `wasm (${simd ? 'SIMD' : 'no SIMD'}, ${threads} thread${threads === 1 ? '' : 's'})`;
}

/**
 * Bytes of linear memory the WASM backend holds now (0 on any other backend). A WASM memory grows to its
 * largest patch's activations and never shrinks, so this is what a worker keeps after its run.
 */
export function wasmHeapBytes(): number {
  if (tf.getBackend() !== 'wasm') return 0;
  const wasm = (tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm;
  return wasm?.HEAPU8?.buffer.byteLength ?? 0;
}
