/**
 * Backend selection with fallback: try each backend in order (WebGPU -> WebGL -> WASM in a browser,
 * WASM -> CPU in Node). A backend that fails to start, or fails mid-run (out of memory, device lost, any
 * tfjs error), hands over to the next one, which runs only the patches not yet done: finished patches
 * are already in the caller's blender, so nothing computed is lost.
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendName } from './startBackend';

export type { BackendName } from './startBackend';

export const BROWSER_BACKENDS: BackendName[] = ['webgpu', 'webgl', 'wasm'];
export const NODE_BACKENDS: BackendName[] = ['wasm', 'cpu'];

/** Whatever runs patches on one backend (the U-Net with its weights uploaded). */
export interface PatchRunner {
  /**
   * Compute patch i and return the function that commits it (adds it to the blender). Committing is
   * separate so that a result computed while the GPU device was being lost is never kept.
   */
  run(i: number): Promise<() => void>;
  dispose(): void;
}

export interface FallbackOptions {
  order: BackendName[];
  /** activate a backend (startBackend in production; tests inject failures) */
  start: (name: BackendName) => Promise<void>;
  /** build the runner on the active backend */
  build: (name: BackendName) => PatchRunner | Promise<PatchRunner>;
  total: number;
  /** patches already done (resuming); default none */
  done?: boolean[];
  onBackend?: (name: BackendName, note?: string) => void;
  onPatch?: (done: number, total: number, backend: BackendName) => void;
  signal?: AbortSignal;
}

export interface FallbackResult {
  backend: BackendName;
  /** one line per backend that failed, in order */
  failures: string[];
}

export function isAbort(e: unknown, signal?: AbortSignal): boolean {
  return (signal?.aborted ?? false) || (e instanceof Error && e.name === 'AbortError');
}

/**
 * Lets queued events (a worker's 'cancel' message) run. Without it a patch loop on WASM/CPU only yields
 * through promise microtasks (tensor.data() resolves at once), so a cancel would wait for the whole run.
 */
const yieldToEvents = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

function checkAbort(signal?: AbortSignal): void {
  if (signal?.aborted) throw signal.reason ?? new DOMException('cancelled', 'AbortError');
}

interface GpuDevice {
  lost?: Promise<{ message: string }>;
  pushErrorScope?(filter: 'validation' | 'out-of-memory' | 'internal'): void;
  popErrorScope?(): Promise<{ message: string } | null>;
}

/**
 * WebGPU reports most failures out of band: a lost device through `device.lost`, and out-of-memory or
 * an invalid shader through error scopes, while the kernel quietly returns zeros (measured: tfjs's Conv3D
 * shader fails to compile on SwiftShader and conv3d returns all zeros). Each patch runs inside
 * error scopes, and any error they catch fails the patch. Other backends throw, and need none of this.
 */
function gpuWatch(name: BackendName) {
  let lostMessage: string | null = null;
  const device = name === 'webgpu' ? (tf.backend() as unknown as { device?: GpuDevice }).device : undefined;
  device?.lost?.then((info) => (lostMessage = `WebGPU device lost: ${info.message || 'no reason given'}`));
  const filters = ['validation', 'out-of-memory', 'internal'] as const;
  const scoped = !!(device?.pushErrorScope && device.popErrorScope);
  return {
    begin() {
      if (scoped) for (const f of filters) device!.pushErrorScope!(f);
    },
    /** the first error of the patch, or the device loss, or null */
    async end(): Promise<string | null> {
      let first: string | null = null;
      if (scoped)
        for (const f of [...filters].reverse()) {
          const err = await device!.popErrorScope!();
          if (err && !first) first = `WebGPU ${f} error: ${err.message.split('\n')[0]}`;
        }
      return lostMessage ?? first;
    },
  };
}

export async function runWithFallback(opts: FallbackOptions): Promise<FallbackResult> {
  const done = opts.done ?? new Array<boolean>(opts.total).fill(false);
  const failures: string[] = [];
  const count = () => done.filter(Boolean).length;
  for (const name of opts.order) {
    checkAbort(opts.signal);
    let runner: PatchRunner | undefined;
    let current = -1;
    try {
      await opts.start(name);
      const gpu = gpuWatch(name);
      runner = await opts.build(name);
      opts.onBackend?.(name, failures.length ? `fell back to ${name}: ${failures.join('; ')}` : undefined);
      for (let i = 0; i < opts.total; i++) {
        if (done[i]) continue;
        await yieldToEvents();
        checkAbort(opts.signal);
        current = i;
        gpu.begin();
        const outcome = await runner.run(i).then((commit) => ({ commit }), (error: unknown) => ({ error }));
        const gpuError = await gpu.end();
        if (gpuError) throw new Error(gpuError); // takes precedence over run(i)'s own error: it says why
        if ('error' in outcome) throw outcome.error;
        outcome.commit();
        done[i] = true;
        opts.onPatch?.(count(), opts.total, name);
      }
      return { backend: name, failures };
    } catch (e) {
      if (isAbort(e, opts.signal)) throw e;
      const where = current < 0 ? 'at start' : `at patch ${current + 1} of ${opts.total} (${count()} done)`;
      failures.push(`${name} failed ${where}: ${(e as Error).message ?? String(e)}`);
    } finally {
      try {
        runner?.dispose();
      } catch {
        // a lost device may refuse to free its buffers; the next backend does not need them
      }
    }
  }
  throw new Error(`no backend could run the model: ${failures.join('; ')}`);
}
